/**
 * What the benchmark registers and sends: one WeChat mini-program app, one resource server, a
 * public mini-program client and a confidential service client (through the admin services, as an
 * operator would), and the token requests of each scenario. Login codes come from the simulator's
 * control API in batches, minted before a measured phase (the minting is not part of the measure).
 */
import { randomBytes } from 'node:crypto';
import { systemClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import { initOrm, migrate } from '../src/db/orm.ts';
import { createLogger } from '../src/logger.ts';
import { createServices } from '../src/services.ts';
import type { RequestSpec } from './load-generator.ts';

export const GRANT_TYPE = 'urn:wxbridge:params:oauth:grant-type:wechat-code';
export const APP_ID = 'wx0123456789abcdef';
export const API = 'https://api.bench.test';
export const LOGIN_CLIENT = 'bench-miniprogram';
export const SERVICE_CLIENT = 'bench-service';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

export interface Registration {
  readonly appSecret: string;
  readonly serviceSecret: string;
}

/** Applies the migrations and registers the app and clients (wxbridge runs with NODE_ENV=production: it only checks migrations). */
export async function prepareBenchDatabase(options: { databaseUrl: string; masterKey: string; issuer: string }): Promise<Registration> {
  const orm = await initOrm({ url: options.databaseUrl, poolSize: 2 });
  try {
    await migrate(orm);
    const config = loadConfig({ WXBRIDGE_MASTER_KEY: options.masterKey, WXBRIDGE_ISSUER: options.issuer });
    const { admin } = createServices({ config, orm, logger: createLogger({ level: 'warn' }), clock: systemClock, issuer: options.issuer });
    const appSecret = randomBytes(16).toString('hex');
    await admin.apps.upsert({ appId: APP_ID, kind: 'miniprogram', secret: appSecret, name: 'benchmark mini-program' });
    await admin.resourceServers.add({ uri: API, scopes: 'read write', accessTokenTtl: 600 });
    await admin.clients.register({ type: 'miniprogram', clientId: LOGIN_CLIENT, wechatAppId: APP_ID, scope: 'openid profile offline_access', resources: { [API]: 'read' }, defaultResource: API });
    const service = await admin.clients.register({ type: 'service', clientId: SERVICE_CLIENT, resources: { [API]: 'read' }, defaultResource: API });
    if (service.clientSecret === undefined) throw new Error('the service client got no secret');
    return { appSecret, serviceSecret: service.clientSecret };
  } finally {
    await orm.close();
  }
}

/** Mints login codes through the simulator's control API, 2,000 per call. */
export async function mintCodes(simulatorUrl: string, users: readonly string[]): Promise<string[]> {
  const codes: string[] = [];
  for (let i = 0; i < users.length; i += 2000) {
    const response = await fetch(`${simulatorUrl}/__simulator/codes/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ appId: APP_ID, users: users.slice(i, i + 2000) }),
    });
    if (response.status !== 201) throw new Error(`minting codes failed: ${response.status} ${await response.text()}`);
    codes.push(...((await response.json()) as { codes: string[] }).codes);
  }
  return codes;
}

/**
 * The issue's traffic mix: one new user in ten, nine returning users drawn at random from `pool`
 * (users who logged in before). New users get names unique to the run (`tag`).
 */
export function userMix(pool: readonly string[], tag: string): (i: number) => string {
  return (i) => (i % 10 === 0 ? `new-${tag}-${i}` : (pool[Math.floor(Math.random() * pool.length)] ?? 'returning-0'));
}

export function loginRequest(code: string): RequestSpec {
  return {
    method: 'POST', path: '/token', headers: FORM,
    body: new URLSearchParams({ grant_type: GRANT_TYPE, client_id: LOGIN_CLIENT, code, scope: 'openid profile offline_access read', resource: API }).toString(),
  };
}

export function refreshRequest(refreshToken: string): RequestSpec {
  return {
    method: 'POST', path: '/token', headers: FORM,
    body: new URLSearchParams({ grant_type: 'refresh_token', client_id: LOGIN_CLIENT, refresh_token: refreshToken }).toString(),
  };
}

export function clientCredentialsRequest(serviceSecret: string): RequestSpec {
  const basic = Buffer.from(`${SERVICE_CLIENT}:${serviceSecret}`).toString('base64');
  return { method: 'POST', path: '/token', headers: { ...FORM, authorization: `Basic ${basic}` }, body: 'grant_type=client_credentials&scope=read' };
}

export const DISCOVERY: RequestSpec = { method: 'GET', path: '/.well-known/openid-configuration' };
export const JWKS: RequestSpec = { method: 'GET', path: '/jwks' };

/** The new refresh token of a successful login or refresh answer (every answer is checked to carry all three tokens). */
export function tokensOf(body: string | undefined, expectIdToken: boolean): { refreshToken: string } | undefined {
  if (body === undefined) return undefined;
  const parsed = JSON.parse(body) as { access_token?: string; id_token?: string; refresh_token?: string };
  // The access token must be a JWT for the resource (RFC 9068), not an opaque userinfo token.
  if (parsed.access_token?.split('.').length !== 3 || parsed.refresh_token === undefined) return undefined;
  if (expectIdToken && parsed.id_token === undefined) return undefined;
  return { refreshToken: parsed.refresh_token };
}
