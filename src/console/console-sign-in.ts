/**
 * The console signs its admins in through wxbridge's own authorization endpoint (ADR 0025):
 * authorization code + PKCE S256 (RFC 7636, RFC 9700 §2.1.1) for the admin API audience (RFC 8707),
 * the code exchanged server to server, so the tokens never reach the browser; the refresh token
 * (offline_access) renews the 5-minute admin token server-side (ADR 0025 addendum).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CONSOLE_CLIENT_ID, consoleCallback, consoleSignedOut } from './console-client.ts';

const TokenResponse = z.object({
  access_token: z.string().min(1), id_token: z.string().min(1).optional(), expires_in: z.number().int().positive(), refresh_token: z.string().min(1).optional(),
});

export interface ExchangedTokens {
  readonly accessToken: string; readonly idToken: string | undefined; readonly expiresIn: number; readonly sub: string; readonly refreshToken: string | undefined;
}

export function authorizationUrl(issuer: string, adminAudience: string, request: { state: string; verifier: string }): string {
  const url = new URL(`${issuer}/auth`);
  url.search = new URLSearchParams({
    client_id: CONSOLE_CLIENT_ID, response_type: 'code', redirect_uri: consoleCallback(issuer), scope: 'openid offline_access admin',
    resource: adminAudience, state: request.state,
    code_challenge: createHash('sha256').update(request.verifier).digest('base64url'), code_challenge_method: 'S256',
  }).toString();
  return url.href;
}

/** The code for tokens at the token endpoint; undefined when the provider refuses it (expired, replayed). */
export function exchangeCode(issuer: string, adminAudience: string, code: string, verifier: string): Promise<ExchangedTokens | undefined> {
  return tokenRequest(issuer, { grant_type: 'authorization_code', code, redirect_uri: consoleCallback(issuer), client_id: CONSOLE_CLIENT_ID, code_verifier: verifier, resource: adminAudience });
}

/**
 * A rotated refresh token and a new access token for the admin API (RFC 6749 §6); undefined when the
 * provider refuses (revoked, expired, replayed, account disabled): the console session then ends.
 */
export function refreshTokens(issuer: string, adminAudience: string, refreshToken: string): Promise<ExchangedTokens | undefined> {
  return tokenRequest(issuer, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CONSOLE_CLIENT_ID, resource: adminAudience });
}

async function tokenRequest(issuer: string, form: Record<string, string>): Promise<ExchangedTokens | undefined> {
  const response = await fetch(`${issuer}/token`, {
    method: 'POST', signal: AbortSignal.timeout(10_000),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  // RFC 6749 §5.2: invalid_grant and its kin are 400 (a public client's failed authentication, 401, too).
  if (response.status === 400 || response.status === 401) return undefined;
  if (!response.ok) throw new Error(`the token endpoint answered ${response.status}`);
  const tokens = TokenResponse.parse(await response.json());
  // Received directly from our own token endpoint, so its claims can be read without re-verifying the
  // signature (OIDC Core §3.1.3.7 #6); the admin API verifies the access token on every call anyway.
  const claims = z.object({ sub: z.string() }).parse(JSON.parse(Buffer.from(tokens.access_token.split('.')[1] ?? '', 'base64url').toString('utf8')));
  return { accessToken: tokens.access_token, idToken: tokens.id_token, expiresIn: tokens.expires_in, sub: claims.sub, refreshToken: tokens.refresh_token };
}

/** RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2): ends the provider's session too. */
export function endSessionUrl(issuer: string, idToken: string | undefined): string {
  const url = new URL(`${issuer}/session/end`);
  url.search = new URLSearchParams({
    client_id: CONSOLE_CLIENT_ID, post_logout_redirect_uri: consoleSignedOut(issuer), ...(idToken === undefined ? {} : { id_token_hint: idToken }),
  }).toString();
  return url.href;
}
