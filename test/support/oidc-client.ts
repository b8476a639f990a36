/**
 * The client side of the tests, as downstream code would do it: openid-client as the OAuth client
 * (discovery, custom grant, refresh, client_credentials) and jose verifying tokens against the
 * published JWKS.
 */
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

export const WECHAT_GRANT = 'urn:wxbridge:params:oauth:grant-type:wechat-code';

export async function discover(issuer: string, clientId: string, clientSecret?: string): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(issuer), clientId, clientSecret, clientSecret === undefined ? oidc.None() : undefined, {
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the test issuer is plain http on 127.0.0.1 (stack-notes.md)
    execute: [oidc.allowInsecureRequests],
  });
}

/** POST /token with the WeChat grant through openid-client. */
export function wechatLogin(config: oidc.Configuration, params: Record<string, string>): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers> {
  return oidc.genericGrantRequest(config, WECHAT_GRANT, params);
}

/** A raw form POST to the token endpoint, for bad-input tests openid-client would refuse to send. */
export async function postToken(baseUrl: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

export async function verifyAccessToken(issuer: string, token: string, audience: string): Promise<JWTPayload> {
  const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
  const { payload } = await jwtVerify(token, jwks, { issuer, audience, typ: 'at+jwt' });
  return payload;
}

export async function verifyIdToken(issuer: string, token: string, clientId: string): Promise<JWTPayload> {
  const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
  const { payload } = await jwtVerify(token, jwks, { issuer, audience: clientId });
  return payload;
}
