/**
 * What the HA run sets up before traffic: the counter store (Redis when reachable, else PostgreSQL),
 * the WeChat simulator as its own process, and — through the `wxbridge` CLI, as an operator would — the
 * migrations, one mini-program app, one resource server, the public clients and a service client.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { runCli } from './processes.ts';

export const ISSUER = 'https://wxbridge-ha.test';
export const API = 'https://api.ha.test';
export const APP_ID = 'wx0123456789abcdef';
export const LOGIN_SCOPE = 'openid profile offline_access read';
export const PHONE_SCOPE = 'openid phone';

export interface Fixture {
  readonly appSecret: string;
  /** Public mini-program clients for logins and refreshes (several, so each stays under the per-client limit). */
  readonly loginClients: readonly string[];
  /** A public client without a resource: its opaque access tokens are what /me/phone takes (ADR 0007). */
  readonly phoneClient: string;
  readonly serviceClient: string;
  readonly serviceSecret: string;
}

/** Applies the migrations and registers everything the run needs, through the CLI. */
export function registerThroughCli(env: Readonly<Record<string, string>>, loginClientCount: number): Fixture {
  const appSecret = randomBytes(16).toString('hex');
  runCli(['migrate'], env);
  runCli(['apps', 'add', '--appid', APP_ID, '--kind', 'miniprogram', '--secret-env', 'HA_APP_SECRET', '--name', 'HA run'], env, { HA_APP_SECRET: appSecret });
  runCli(['resources', 'add', '--uri', API, '--scope', 'read', '--ttl', '600'], env);
  const loginClients = Array.from({ length: loginClientCount }, (_, index) => `ha-miniprogram-${String(index + 1)}`);
  for (const clientId of loginClients) {
    runCli(['clients', 'add', '--id', clientId, '--app', APP_ID, '--public', '--scope', LOGIN_SCOPE, '--resource', API], env);
  }
  runCli(['clients', 'add', '--id', 'ha-phone', '--app', APP_ID, '--public', '--scope', PHONE_SCOPE], env);
  const service = JSON.parse(runCli(['clients', 'add', '--id', 'ha-service', '--scope', 'read', '--resource', API, '--json'], env)) as { clientSecret?: string };
  if (service.clientSecret === undefined) throw new Error('clients add --json printed no clientSecret');
  return { appSecret, loginClients, phoneClient: 'ha-phone', serviceClient: 'ha-service', serviceSecret: service.clientSecret };
}

/** True when a Redis server answers PING at `url` within a second. */
export function redisAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port || '6379'), hostname);
    const done = (answer: boolean): void => { socket.destroy(); resolve(answer); };
    socket.setTimeout(1000, () => { done(false); });
    socket.once('error', () => { done(false); });
    socket.once('connect', () => { socket.write('PING\r\n'); });
    // A password-protected Redis answers -NOAUTH: it is there, and REDIS_URL carries the password.
    socket.once('data', (chunk: Buffer) => { done(/^(\+PONG|-NOAUTH)/.test(chunk.toString('utf8'))); });
  });
}

/** Mints wx.login codes for `users` through the simulator's control API (not through the balancer). */
export async function mintCodes(simulatorUrl: string, users: readonly string[]): Promise<string[]> {
  const response = await fetch(`${simulatorUrl}/__simulator/codes/batch`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ appId: APP_ID, users }),
  });
  if (response.status !== 201) throw new Error(`minting codes failed: ${String(response.status)} ${await response.text()}`);
  return ((await response.json()) as { codes: string[] }).codes;
}

/** A getPhoneNumber code for `user`, as the mini-program's button would produce. */
export async function mintPhoneCode(simulatorUrl: string, user: string): Promise<string> {
  const response = await fetch(`${simulatorUrl}/__simulator/phone-codes`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ appId: APP_ID, user }),
  });
  if (response.status !== 201) throw new Error(`minting a phone code failed: ${String(response.status)} ${await response.text()}`);
  return ((await response.json()) as { code: string }).code;
}
