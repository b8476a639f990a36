/**
 * What PostgreSQL can store in text and jsonb: no NUL (U+0000; text can't hold it and jsonb refuses
 * `\u0000`) and well-formed UTF-16 (a lone surrogate has no UTF-8 encoding). Input that breaks these
 * rules must be refused at the edge with a 400 (issue #15 finding 2), or, for what we record about
 * an attacker's request (the audit log), made storable rather than dropped (finding 1).
 */
const NUL = /\u0000/g;

/** True when `value` (a string, or strings anywhere inside arrays and objects, keys included) can't be stored. */
export function hasUnstorableText(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000') || !value.isWellFormed();
  if (Array.isArray(value)) return value.some(hasUnstorableText);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, child]) => hasUnstorableText(key) || hasUnstorableText(child));
  }
  return false;
}

/** `value` with every NUL and lone surrogate replaced by U+FFFD, so it can be recorded as seen. */
export function storableText(value: string): string {
  return value.replace(NUL, '\uFFFD').toWellFormed();
}

/** storableText applied to every string (and key) inside a JSON-like value. */
export function storableJson(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storableJson);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [storableText(key), storableJson(child)]));
  }
  return value;
}

export const UNSTORABLE_INPUT_MESSAGE = 'the request contains a NUL byte or an unpaired surrogate';

/** True when a request's decoded path or a query parameter can't be stored. A malformed %-escape is left to the route. */
export function hasUnstorableTarget(target: { readonly path: string; readonly query: unknown }): boolean {
  let path: string;
  try {
    path = decodeURIComponent(target.path);
  } catch {
    path = target.path;
  }
  return hasUnstorableText(path) || hasUnstorableText(target.query);
}
