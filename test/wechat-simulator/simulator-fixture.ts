// Test helpers for the WeChat simulator suite (wechat-api.md §14): a simulator on 127.0.0.1:0 with a
// movable clock and a few standard apps, plus raw-response fetch helpers for byte-level assertions.
import { onTestFinished } from 'vitest';
import {
  createWeChatSimulator,
  type SimulatedApp,
  type SimulatorOptions,
  type WeChatSimulator,
} from '../../src/wechat-simulator/wechat-simulator.ts';

export const MINI = {
  appId: 'wx4f4bc4dec97d474b',
  secret: '0123456789abcdef0123456789abcdef',
  kind: 'miniprogram',
} as const satisfies SimulatedApp;

export const BOUND_MINI = {
  appId: 'wx2edf46afcf6a0276',
  secret: 'fedcba9876543210fedcba9876543210',
  kind: 'miniprogram',
  openPlatformId: 'op-main',
} as const satisfies SimulatedApp;

export const OA = {
  appId: 'wx00000000000000a1',
  secret: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  kind: 'official_account',
  openPlatformId: 'op-main',
} as const satisfies SimulatedApp;

export const UNBOUND_OA = {
  appId: 'wx00000000000000a2',
  secret: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
  kind: 'official_account',
} as const satisfies SimulatedApp;

export const WEB = {
  appId: 'wx00000000000000b1',
  secret: 'cccccccccccccccccccccccccccccccc',
  kind: 'web',
  openPlatformId: 'op-main',
} as const satisfies SimulatedApp;

/** 2024-08-22T01:02:03Z, the date of the §1.3 header dump. */
export const START_MS = Date.UTC(2024, 7, 22, 1, 2, 3);

export interface TestSimulator {
  readonly sim: WeChatSimulator;
  readonly url: string;
  advance(ms: number): void;
  now(): number;
}

export async function startSimulator(options: Omit<SimulatorOptions, 'now'> = {}): Promise<TestSimulator> {
  let now = START_MS;
  const sim = createWeChatSimulator({ ...options, now: () => now });
  for (const app of [MINI, BOUND_MINI, OA, UNBOUND_OA, WEB]) sim.registerApp(app);
  const { url } = await sim.listen();
  onTestFinished(() => sim.close());
  return {
    sim,
    url,
    advance: (ms) => {
      now += ms;
    },
    now: () => now,
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly raw: string;
}

export async function getRaw(url: string, init?: RequestInit): Promise<RawResponse> {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, raw: await response.text() };
}

export function loginUrl(base: string, params: Readonly<Record<string, string>>): string {
  return `${base}/sns/jscode2session?${new URLSearchParams(params).toString()}`;
}

export function oauthUrl(base: string, params: Readonly<Record<string, string>>): string {
  return `${base}/sns/oauth2/access_token?${new URLSearchParams(params).toString()}`;
}

/** The full, correct jscode2session query for `app` and `code`. */
export function loginParams(app: SimulatedApp, code: string): Record<string, string> {
  return { appid: app.appId, secret: app.secret, js_code: code, grant_type: 'authorization_code' };
}

export function oauthParams(app: SimulatedApp, code: string): Record<string, string> {
  return { appid: app.appId, secret: app.secret, code, grant_type: 'authorization_code' };
}

/** Exchanges `code` at jscode2session and returns the raw response. */
export function exchangeLogin(t: TestSimulator, app: SimulatedApp, code: string): Promise<RawResponse> {
  return getRaw(loginUrl(t.url, loginParams(app, code)));
}

export function exchangeOAuth(t: TestSimulator, app: SimulatedApp, code: string): Promise<RawResponse> {
  return getRaw(oauthUrl(t.url, oauthParams(app, code)));
}

/** The `rid` first group for the simulator clock: Unix seconds in hex (§1.6). */
export function ridSeconds(t: TestSimulator): string {
  return Math.floor(t.now() / 1000).toString(16);
}

/** Matches a WeChat error body exactly: `{"errcode":N,"errmsg":"<stem><sep>rid: <hex>-<hex>-<hex>"}`. */
export function errorBodyPattern(t: TestSimulator, errcode: number, stem: string, separator = ', '): RegExp {
  const escaped = stem.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`^\\{"errcode":${String(errcode)},"errmsg":"${escaped}${separator}rid: ${ridSeconds(t)}-[0-9a-f]{8}-[0-9a-f]{8}"\\}$`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
