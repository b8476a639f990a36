/**
 * Helpers for the /me/* and WeChat-token suites (design.md §4): a mini-program client registered for
 * every user scope, opaque userinfo-style access tokens, and raw JSON calls to /me/* whose status,
 * headers and body tests assert on.
 */
import * as oidc from 'openid-client';
import type { TestApp } from '../support/test-app.ts';
import { setUpMiniProgram, subOf, type MiniProgram, type MiniProgramOptions } from '../support/wechat-fixtures.ts';

export const ALL_USER_SCOPES = 'openid profile phone wechat offline_access';

export interface MeResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
  readonly raw: string;
}

/** A mini-program whose public client may ask for every user scope; no resource, so tokens are opaque. */
export function setUpUserApp(app: TestApp, options: MiniProgramOptions = {}): Promise<MiniProgram> {
  return setUpMiniProgram(app, { scope: ALL_USER_SCOPES, ...options });
}

export interface SignedIn {
  readonly accessToken: string;
  readonly sub: string;
  readonly tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
}

/** A WeChat login of `user` returning an opaque access token (no resource) with `scope`. */
export async function signIn(mp: MiniProgram, user: string, scope = ALL_USER_SCOPES, extra: Record<string, string> = {}): Promise<SignedIn> {
  const tokens = await mp.login(user, { scope, ...extra });
  return { accessToken: tokens.access_token, sub: subOf(tokens), tokens };
}

export interface MeRequest {
  readonly token?: string;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  readonly query?: string;
}

export async function callMe(app: TestApp, method: string, path: string, request: MeRequest = {}): Promise<MeResponse> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.token !== undefined) headers['authorization'] = `Bearer ${request.token}`;
  const body = request.rawBody ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${app.baseUrl}${path}${request.query ?? ''}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const raw = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    // not JSON (e.g. a 404 page): tests look at `raw`
  }
  return { status: response.status, headers: response.headers, body: parsed, raw };
}

/** oidc-provider's userinfo (GET /me) through openid-client, as a downstream client would call it. */
export function userinfo(mp: MiniProgram, signedIn: SignedIn): Promise<oidc.UserInfoResponse> {
  return oidc.fetchUserInfo(mp.config, signedIn.accessToken, signedIn.sub);
}
