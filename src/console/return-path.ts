/**
 * Where the console returns an admin after a sign-in (issue 14 #2): the console page they asked for,
 * kept in the sign-in row. Only a same-origin path under /console/ is kept — never an absolute or
 * protocol-relative URL, and never a path that climbs out of /console/ once resolved — so the callback
 * cannot be made into an open redirector (RFC 9700 §4.11).
 */
const MAX_LENGTH = 512;
/** Steps of the sign-in itself: returning to one would start it again or fail. */
const NOT_A_DESTINATION = /^\/console\/(callback|sign-in|signed-out|invite\/)/;

export const DEFAULT_CONSOLE_PAGE = '/console/overview';

/** The normalised path and query of `requested` when it is a console page, else undefined. */
export function consoleReturnPath(requested: unknown): string | undefined {
  if (typeof requested !== 'string' || requested.length > MAX_LENGTH || !requested.startsWith('/console/')) return undefined;
  // Backslashes and control characters are read as slashes or dropped by some browsers (WHATWG URL).
  if (/[\\\p{Cc}]/u.test(requested)) return undefined;
  const base = 'http://console.invalid';
  const resolved = new URL(requested, base);
  if (resolved.origin !== base || !resolved.pathname.startsWith('/console/') || NOT_A_DESTINATION.test(resolved.pathname)) return undefined;
  const path = `${resolved.pathname}${resolved.search}`;
  return path.length > MAX_LENGTH ? undefined : path;
}
