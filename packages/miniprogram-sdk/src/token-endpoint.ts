/**
 * wxbridge's token and revocation endpoints (design.md §1, RFC 6749 §5, RFC 7009) over wx.request:
 * form-encoded POSTs from a public client (client_id in the body, no secret), answered with a
 * token response or an OAuth error.
 */
import { errorFromResponse, WxBridgeError } from './wxbridge-error.ts';
import { wxRequest, type WxLike, type WxResponse } from './wx-like.ts';

export const WECHAT_GRANT_TYPE = 'urn:wxbridge:params:oauth:grant-type:wechat-code';

export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: string;
  readonly expires_in: number;
  readonly scope?: string;
  readonly id_token?: string;
  readonly refresh_token?: string;
}

export interface EndpointDeps {
  readonly wx: WxLike;
  /** The issuer without a trailing slash. */
  readonly issuer: string;
  readonly clientId: string;
  readonly timeoutMs: number;
}

/** application/x-www-form-urlencoded, without URLSearchParams (mini-programs have none). */
export function formEncode(fields: Readonly<Record<string, string | undefined>>): string {
  return Object.keys(fields)
    .filter((name) => fields[name] !== undefined)
    .map((name) => `${encodeURIComponent(name)}=${encodeURIComponent(fields[name] ?? '')}`)
    .join('&');
}

function postForm(deps: EndpointDeps, path: string, fields: Record<string, string | undefined>): Promise<WxResponse> {
  return wxRequest(deps.wx, {
    url: `${deps.issuer}${path}`,
    method: 'POST',
    header: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    data: formEncode({ ...fields, client_id: deps.clientId }),
    timeout: deps.timeoutMs,
  });
}

/** POST /token; throws WxBridgeError with wxbridge's `error` (e.g. invalid_grant) on failure. */
export async function requestTokens(deps: EndpointDeps, fields: Record<string, string | undefined>): Promise<TokenResponse> {
  const response = await postForm(deps, '/token', fields);
  if (response.statusCode !== 200) throw errorFromResponse(response);
  const body = response.data as Partial<TokenResponse> | undefined;
  if (typeof body?.access_token !== 'string' || typeof body.expires_in !== 'number') {
    throw new WxBridgeError('invalid_response', 'the token endpoint answered without an access token', response.statusCode);
  }
  return body as TokenResponse;
}

/** POST /token/revocation (RFC 7009): wxbridge answers 200 whether or not the token was live. */
export async function revokeToken(deps: EndpointDeps, token: string, hint: 'refresh_token' | 'access_token'): Promise<void> {
  const response = await postForm(deps, '/token/revocation', { token, token_type_hint: hint });
  if (response.statusCode !== 200) throw errorFromResponse(response);
}
