/**
 * Arranging WeChat logins the way an operator and a phone would (house-style §9): a mini-program
 * registered in the simulator and in wxbridge's app registry, a public client bound to it, and
 * helpers to log users in through openid-client or with raw form posts.
 */
import { randomBytes } from 'node:crypto';
import type * as oidc from 'openid-client';
import pg from 'pg';
import { discover, postToken, WECHAT_GRANT, wechatLogin } from './oidc-client.ts';
import type { TestApp } from './test-app.ts';

export interface MiniProgramOptions {
  /** Default: a random `wx` + 16 hex characters. */
  readonly appId?: string;
  /** Open Platform the simulator binds the app to (it then returns unionids). */
  readonly openPlatformId?: string;
  /** Open Platform recorded in wxbridge's registry; defaults to `openPlatformId`. */
  readonly registryOpenPlatformId?: string;
  /** Default: a random client id. */
  readonly clientId?: string;
  /** OIDC scopes the client is registered for (default 'openid profile wechat offline_access'). */
  readonly scope?: string;
  readonly resources?: Readonly<Record<string, string>>;
  readonly defaultResource?: string;
}

export interface MiniProgram {
  readonly appId: string;
  readonly secret: string;
  readonly clientId: string;
  readonly openPlatformId: string | undefined;
  /** openid-client configuration for the public client. */
  readonly config: oidc.Configuration;
  /** A fresh wx.login() code of `user` for this app. */
  code(user: string): string;
  /** A successful WeChat login through openid-client (throws on OAuth errors). */
  login(user: string, params?: Record<string, string>): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers>;
  /** The same login as a raw form POST, for status and header assertions. */
  post(form: Record<string, string>): ReturnType<typeof postToken>;
}

export const randomAppId = (): string => `wx${randomBytes(8).toString('hex')}`;
export const randomSecret = (): string => randomBytes(16).toString('hex');
export const randomName = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

export async function setUpMiniProgram(app: TestApp, options: MiniProgramOptions = {}): Promise<MiniProgram> {
  const appId = options.appId ?? randomAppId();
  const secret = randomSecret();
  const clientId = options.clientId ?? randomName('mp');
  await registerMiniProgramApp(app, { appId, secret, openPlatformId: options.openPlatformId, registryOpenPlatformId: options.registryOpenPlatformId });
  await app.admin.clients.register({
    type: 'miniprogram',
    clientId,
    wechatAppId: appId,
    scope: options.scope ?? 'openid profile wechat offline_access',
    resources: { ...options.resources },
    ...(options.defaultResource === undefined ? {} : { defaultResource: options.defaultResource }),
  });
  const config = await discover(app.issuer, clientId);
  const code = (user: string): string => app.wechat.issueCode({ appId, user });
  return {
    appId, secret, clientId, config, code,
    openPlatformId: options.openPlatformId,
    login: (user, params = {}) => wechatLogin(config, { code: code(user), ...params }),
    post: (form) => postToken(app.baseUrl, { grant_type: WECHAT_GRANT, client_id: clientId, ...form }),
  };
}

/** Registers (or re-registers, e.g. to bind it to an Open Platform later) an app in both places. */
export async function registerMiniProgramApp(app: TestApp, input: { appId: string; secret: string; openPlatformId?: string | undefined; registryOpenPlatformId?: string | undefined }): Promise<void> {
  app.wechat.registerApp({ appId: input.appId, secret: input.secret, kind: 'miniprogram', ...(input.openPlatformId === undefined ? {} : { openPlatformId: input.openPlatformId }) });
  const registryPlatform = input.registryOpenPlatformId ?? input.openPlatformId;
  await app.admin.apps.upsert({ appId: input.appId, kind: 'miniprogram', secret: input.secret, ...(registryPlatform === undefined ? {} : { openPlatformId: registryPlatform }) });
}

/** A resource server plus nothing else; returns its URI. */
export async function addResourceServer(app: TestApp, scopes = 'read write'): Promise<string> {
  const uri = `https://${randomName('api')}.example.test`;
  await app.admin.resourceServers.add({ uri, scopes });
  return uri;
}

/** The `sub` of a token response's ID token (verified by openid-client). */
export function subOf(tokens: oidc.TokenEndpointResponseHelpers): string {
  const sub = tokens.claims()?.sub;
  if (sub === undefined) throw new Error('token response has no ID token');
  return sub;
}

/** jscode2session calls the simulator received so far, optionally only those carrying `code`. */
export function codeExchanges(app: TestApp, code?: string): number {
  return app.wechat.requests.filter((r) => r.endpoint === 'jscode2session' && (code === undefined || r.query['js_code'] === code)).length;
}

/** Runs one query against the app's database (for row-count assertions only). */
export async function queryDatabase<R extends pg.QueryResultRow>(app: TestApp, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: app.database.url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Rows in accounts, wechat_identities and Grants: a failed login must not change any of them. */
export async function countLoginRows(app: TestApp): Promise<{ accounts: number; identities: number; grants: number }> {
  const [row] = await queryDatabase<{ accounts: string; identities: string; grants: string }>(app, `
    select (select count(*) from accounts) as accounts, (select count(*) from wechat_identities) as identities,
           (select count(*) from oidc_payloads where model = 'Grant') as grants`);
  return { accounts: Number(row?.accounts), identities: Number(row?.identities), grants: Number(row?.grants) };
}
