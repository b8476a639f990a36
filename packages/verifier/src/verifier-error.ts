/**
 * The one error the verifier throws: an HTTP status, an RFC 6750 §3.1 error code and the
 * `WWW-Authenticate` value to answer with, so every failure maps to a response without guessing.
 */

export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';
export type VerifierErrorCode = BearerErrorCode | 'temporarily_unavailable' | 'server_error';

export interface VerifierErrorInit {
  readonly status: 400 | 401 | 403 | 500 | 503;
  /** Absent only for a request without any token (RFC 6750 §3.1: no error attribute then). */
  readonly error?: VerifierErrorCode;
  readonly description: string;
  /** For insufficient_scope: the scopes the resource needs. */
  readonly scope?: readonly string[];
  readonly realm?: string | undefined;
  readonly cause?: unknown;
}

export class VerifierError extends Error {
  readonly status: VerifierErrorInit['status'];
  readonly error: VerifierErrorCode | undefined;
  readonly description: string;
  readonly scope: readonly string[] | undefined;
  /** The `WWW-Authenticate` header value, or undefined when the failure is not the caller's (5xx). */
  readonly wwwAuthenticate: string | undefined;
  /** For koa's and express's error handlers when thrown from a route: status, headers, message shown below 500. */
  readonly headers: Readonly<Record<string, string>>;
  readonly expose: boolean;

  constructor(init: VerifierErrorInit) {
    super(init.error === undefined ? init.description : `${init.error}: ${init.description}`, { cause: init.cause });
    this.name = 'VerifierError';
    this.status = init.status;
    this.error = init.error;
    this.description = init.description;
    this.scope = init.scope;
    this.wwwAuthenticate = init.status >= 500 ? undefined : bearerChallenge(init);
    this.headers = this.wwwAuthenticate === undefined ? {} : { 'WWW-Authenticate': this.wwwAuthenticate };
    this.expose = init.status < 500;
  }

  /** JSON body for the response: `{ error, error_description }` (no `error` for a missing token). */
  toJSON(): Record<string, string> {
    return this.error === undefined ? { error_description: this.description } : { error: this.error, error_description: this.description };
  }
}

/** RFC 6750 §3: `Bearer realm="…", error="…", error_description="…", scope="…"`. */
function bearerChallenge(init: VerifierErrorInit): string {
  const params: string[] = [];
  if (init.realm !== undefined) params.push(`realm="${quoted(init.realm)}"`);
  if (init.error !== undefined) {
    params.push(`error="${init.error}"`, `error_description="${quoted(init.description)}"`);
  }
  if (init.scope !== undefined && init.scope.length > 0) params.push(`scope="${quoted(init.scope.join(' '))}"`);
  return params.length === 0 ? 'Bearer' : `Bearer ${params.join(', ')}`;
}

/** RFC 6750 §3: attribute values are %x20-21 / %x23-5B / %x5D-7E (no `"` or `\`). */
function quoted(value: string): string {
  return value.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, '');
}

export const invalidToken = (description: string, realm?: string, cause?: unknown): VerifierError =>
  new VerifierError({ status: 401, error: 'invalid_token', description, realm, cause });

export const invalidRequest = (description: string, realm?: string): VerifierError =>
  new VerifierError({ status: 400, error: 'invalid_request', description, realm });

export const missingToken = (realm?: string): VerifierError =>
  new VerifierError({ status: 401, description: 'a bearer access token is required', realm });

export const unavailable = (description: string, cause?: unknown): VerifierError =>
  new VerifierError({ status: 503, error: 'temporarily_unavailable', description, cause });
