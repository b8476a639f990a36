/**
 * Sandbox mode (design.md §8): the WeChat simulator runs in-process on a loopback port, a demo
 * mini-program app and the public client `sandbox-miniprogram` are seeded, and
 * `POST /sandbox/wx-login {"user":"alice"}` plays the phone's wx.login() and returns a fresh code;
 * `POST /sandbox/phone-code {"user":"alice"}` plays the getPhoneNumber button (wechat-api §5.1).
 */
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import { z } from 'zod';
import type { ClientRegistry } from '../clients/client-registry.ts';
import type { ResourceServerRegistry } from '../clients/resource-server-registry.ts';
import { AppError } from '../errors.ts';
import { readJsonBody } from '../http/json-body.ts';
import { parseOrThrow } from '../validation.ts';
import type { WeChatAppRegistry } from '../wechat-apps/wechat-app-registry.ts';
import { createWeChatSimulator } from '../wechat-simulator/wechat-simulator.ts';

export const SANDBOX_APP_ID = 'wx5a9d0b0e5a9d0b0e';
export const SANDBOX_CLIENT_ID = 'sandbox-miniprogram';
export const SANDBOX_RESOURCE = 'https://api.sandbox.wxbridge.test';
const SANDBOX_OPEN_PLATFORM = 'sandbox-open-platform';

const sandboxUser = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1–64 of [A-Za-z0-9_.-]');
const WxLoginBody = z.object({ user: sandboxUser });
const PhoneCodeBody = z.object({ user: sandboxUser, phoneNumber: z.string().regex(/^1[3-9]\d{9}$/, 'a mainland mobile number').optional() });

export interface Sandbox {
  readonly wechatApiBaseUrl: string;
  readonly routes: Router;
  close(): Promise<void>;
}

export async function startSandbox(deps: {
  apps: WeChatAppRegistry;
  clients: Pick<ClientRegistry, 'register'>;
  resourceServers: Pick<ResourceServerRegistry, 'add'>;
}): Promise<Sandbox> {
  const simulator = createWeChatSimulator();
  const secret = randomBytes(16).toString('hex'); // new each start: the simulator's state is in memory
  simulator.registerApp({ appId: SANDBOX_APP_ID, secret, kind: 'miniprogram', openPlatformId: SANDBOX_OPEN_PLATFORM });
  const { url } = await simulator.listen(0, '127.0.0.1');
  await deps.apps.upsert({ appId: SANDBOX_APP_ID, kind: 'miniprogram', secret, name: 'wxbridge sandbox mini-program', openPlatformId: SANDBOX_OPEN_PLATFORM });
  await ignoreConflict(deps.resourceServers.add({ uri: SANDBOX_RESOURCE, scopes: 'demo:read demo:write', accessTokenTtl: 600 }));
  await ignoreConflict(deps.clients.register({
    type: 'miniprogram',
    clientId: SANDBOX_CLIENT_ID,
    wechatAppId: SANDBOX_APP_ID,
    scope: 'openid profile phone wechat offline_access',
    resources: { [SANDBOX_RESOURCE]: 'demo:read demo:write' },
  }));

  const routes = new Router({ prefix: '/sandbox' });
  routes.post('/wx-login', async (ctx) => {
    const { user } = parseOrThrow(WxLoginBody, await readJsonBody(ctx, 4096), 'request.invalid');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { code: simulator.issueCode({ appId: SANDBOX_APP_ID, user }), expires_in: 300 };
  });
  routes.post('/phone-code', async (ctx) => {
    const { user, phoneNumber } = parseOrThrow(PhoneCodeBody, await readJsonBody(ctx, 4096), 'request.invalid');
    ctx.set('Cache-Control', 'no-store');
    const issued = simulator.issuePhoneCode({ appId: SANDBOX_APP_ID, user, ...(phoneNumber === undefined ? {} : { phoneNumber }) });
    ctx.body = { code: issued.code, expires_in: 300 };
  });
  return { wechatApiBaseUrl: url, routes, close: () => simulator.close() };
}

async function ignoreConflict(operation: Promise<unknown>): Promise<void> {
  try {
    await operation;
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'client.conflict')) throw error;
  }
}
