/**
 * One wxbridge for the SDK tests: a resource server `api` (scopes read write), a public
 * mini-program client allowed OIDC scopes and `api` (no default resource, so it can also get
 * userinfo tokens), and a koa API protected by the verifier at `apiUrl` (/read, /write).
 */
import { createWxBridge, type WxBridge, type WxBridgeOptions } from '../../packages/miniprogram-sdk/src/index.ts';
import { createVerifier } from '../../packages/verifier/src/index.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { addResourceServer, setUpMiniProgram, type MiniProgram } from '../support/wechat-fixtures.ts';
import { createFakeWx, type FakeWx } from './fake-wx.ts';
import { koaApi, serve } from './protected-apis.ts';

export interface SdkFixture {
  readonly app: TestApp;
  readonly mp: MiniProgram;
  readonly api: string;
  readonly apiUrl: string;
}

let arranged: Promise<SdkFixture> | undefined;

export function arrangeSdk(): Promise<SdkFixture> {
  arranged ??= (async () => {
    const app = await startTestApp();
    const api = await addResourceServer(app, 'read write');
    const mp = await setUpMiniProgram(app, { scope: 'openid profile phone offline_access', resources: { [api]: 'read write' } });
    const apiUrl = await serve(koaApi(createVerifier({ issuer: app.issuer, audience: api })).callback());
    return { app, mp, api, apiUrl };
  })();
  return arranged;
}

/** A phone of `user` running the mini-program with the SDK. */
export function phoneOf(f: SdkFixture, user: string, options: Partial<WxBridgeOptions> = {}): { wx: FakeWx; bridge: WxBridge } {
  const wx = createFakeWx(f.app, f.mp.appId, user);
  const bridge = createWxBridge({ issuer: f.app.issuer, clientId: f.mp.clientId, scope: 'openid profile phone offline_access read', resource: f.api, wx, ...options });
  return { wx, bridge };
}

/** Rewrites the stored token set `set` ('api' | 'userinfo') of the phone. */
export function editStoredTokens(f: SdkFixture, wx: FakeWx, set: string, edit: (tokens: Record<string, unknown>) => Record<string, unknown>): void {
  const key = `wxbridge:${f.mp.clientId}:${set}`;
  wx.setStorageSync(key, edit(wx.getStorageSync(key) as Record<string, unknown>));
}
