/**
 * What every error answer of the token, introspection and revocation endpoints must look like
 * (RFC 6749 §5.2, test-catalogue T-10, C-04): JSON `{ error, error_description? }` with a registered
 * error code, a description of VSCHAR only, no-store, and Retry-After on 429/503.
 */
export const OAUTH_ERROR_CODES: ReadonlySet<string> = new Set([
  'invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope',
  'invalid_target', 'temporarily_unavailable', 'server_error', 'unsupported_token_type', 'invalid_dpop_proof',
]);

const VSCHAR_DESCRIPTION = /^[\x20-\x21\x23-\x5B\x5D-\x7E]*$/;

export interface RawAnswer { readonly status: number; readonly headers: Headers; readonly text: string }

/** Everything wrong with `answer` as an OAuth error response; empty when it is a proper one. */
export function oauthErrorProblems(answer: RawAnswer): string[] {
  const problems: string[] = [];
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return [`${String(answer.status)} body is not JSON: ${answer.text.slice(0, 80)}`];
  }
  const { error, error_description: description, ...rest } = (body ?? {}) as Record<string, unknown>;
  if (typeof error !== 'string' || !OAUTH_ERROR_CODES.has(error)) problems.push(`unknown error ${JSON.stringify(error)}`);
  if (description !== undefined && (typeof description !== 'string' || !VSCHAR_DESCRIPTION.test(description))) problems.push('error_description not VSCHAR');
  const extra = Object.keys(rest).filter((key) => key !== 'scope');
  if (extra.length > 0) problems.push(`extra members ${extra.join(',')}`);
  if (answer.headers.get('cache-control') !== 'no-store') problems.push(`cache-control ${String(answer.headers.get('cache-control'))}`);
  if ((answer.status === 429 || answer.status === 503) && !(Number(answer.headers.get('retry-after')) > 0)) problems.push('no Retry-After');
  return problems;
}

/** A raw request to wxbridge, answered with status, headers and text (never throws on HTTP errors). */
export async function rawRequest(url: string, init: RequestInit): Promise<RawAnswer> {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, text: await response.text() };
}
