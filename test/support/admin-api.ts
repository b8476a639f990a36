/**
 * The admin API from the outside, as an operator's script uses it: an admin client registered with
 * the same services the CLI uses, a client_credentials token from the token endpoint, and plain
 * fetch calls to /admin/v1 that return status, headers and the parsed body.
 */
import * as oidc from 'openid-client';
import { discover } from './oidc-client.ts';
import type { TestApp } from './test-app.ts';
import { randomName } from './wechat-fixtures.ts';

export interface AdminResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  /** The raw body text (for "never contains the secret" searches). */
  readonly text: string;
}

export interface AdminApi {
  readonly clientId: string;
  readonly clientSecret: string;
  /** A fresh admin access token (client_credentials for the admin audience). */
  token(): Promise<string>;
  /** Calls /admin/v1<path> with a fresh admin token, or with `options.token` (null: none). */
  call(method: string, path: string, body?: unknown, options?: { token?: string | null; rawBody?: string; contentType?: string }): Promise<AdminResponse>;
}

export async function adminApi(app: TestApp, clientId = randomName('admin')): Promise<AdminApi> {
  const registered = await app.admin.clients.registerAdmin(clientId);
  const clientSecret = registered.clientSecret ?? '';
  const config = await discover(app.issuer, clientId, clientSecret);
  const token = async (): Promise<string> => (await oidc.clientCredentialsGrant(config, { scope: 'admin' })).access_token;
  return {
    clientId, clientSecret, token,
    async call(method, path, body, options = {}) {
      const bearer = options.token === undefined ? await token() : options.token;
      return adminFetch(app, method, path, {
        ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }),
        ...(body === undefined && options.rawBody === undefined ? {} : { 'content-type': options.contentType ?? 'application/json' }),
      }, options.rawBody ?? (body === undefined ? undefined : JSON.stringify(body)));
    },
  };
}

export async function adminFetch(app: TestApp, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<AdminResponse> {
  const response = await fetch(`${app.baseUrl}/admin/v1${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}
