/**
 * Sandbox mode (design.md §8): a WeChat simulator on a loopback port, a demo mini-program app and
 * the public client `sandbox-miniprogram`; `POST /sandbox/wx-login {"user":"alice"}` plays the
 * phone's wx.login() and returns a fresh code, `POST /sandbox/phone-code {"user":"alice"}` plays
 * the getPhoneNumber button (wechat-api §5.1). There is one simulator per wxbridge — with several
 * workers the primary's — so the routes mint codes through its control API (/__simulator/*): a code
 * minted by one worker is redeemed by whichever worker serves the token request.
 */
import { DEFAULT_WEB_SIGN_IN_PAGE } from '../wechat-apps/wechat-app.entity.ts';
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import { z } from 'zod';
import type { AdminRoles } from '../accounts/admin-roles.ts';
import type { WeChatSignIn } from '../accounts/wechat-sign-in.ts';
import type { ClientRegistry } from '../clients/client-registry.ts';
import type { ResourceServerRegistry } from '../clients/resource-server-registry.ts';
import { AppError } from '../errors.ts';
import { readJsonBody } from '../http/json-body.ts';
import { parseOrThrow } from '../validation.ts';
import type { WeChatAppRegistry } from '../wechat-apps/wechat-app-registry.ts';
import { createWeChatSimulator } from '../wechat-simulator/wechat-simulator.ts';

export const SANDBOX_APP_ID = 'wx5a9d0b0e5a9d0b0e';
/** The demo website app (website QR) and official account (OAuth inside WeChat) under the same Open Platform. */
export const SANDBOX_WEB_APP_ID = 'wx5a9d0b0e5a9d0b0f';
export const SANDBOX_OFFICIAL_ACCOUNT_ID = 'wx5a9d0b0e5a9d0b10';
/** Every app the sandbox seeds: none of them is a "real" app, and none may reach real WeChat. */
export const SANDBOX_APP_IDS: readonly string[] = [SANDBOX_APP_ID, SANDBOX_WEB_APP_ID, SANDBOX_OFFICIAL_ACCOUNT_ID];
export const SANDBOX_CLIENT_ID = 'sandbox-miniprogram';
/** The demo browser client (examples/web-app): a public first-party single-page-style client on localhost:3001. */
export const SANDBOX_WEB_CLIENT_ID = 'sandbox-web';
export const SANDBOX_WEB_ORIGIN = 'http://localhost:3001';
export const SANDBOX_RESOURCE = 'https://api.sandbox.wxbridge.test';
/** The simulated user who holds the admin role, so a fresh clone can open the console at once (ADR 0025). */
export const SANDBOX_ADMIN_USER = 'admin';
const SANDBOX_OPEN_PLATFORM = 'sandbox-open-platform';

const sandboxUser = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1–64 of [A-Za-z0-9_.-]');
const WxLoginBody = z.object({ user: sandboxUser });
const PhoneCodeBody = z.object({ user: sandboxUser, phoneNumber: z.string().regex(/^1[3-9]\d{9}$/, 'a mainland mobile number').optional() });
const MintedCode = z.object({ code: z.string().min(1) });

/** Where the sandbox's simulator listens and the demo app's secret it knows (handed from the primary to each worker). */
export interface SandboxSimulatorRef {
  readonly url: string;
  readonly appSecret: string;
}

export interface SandboxSimulator extends SandboxSimulatorRef {
  close(): Promise<void>;
}

export interface Sandbox {
  readonly wechatApiBaseUrl: string;
  readonly routes: Router;
}

/** Starts the simulator with the demo app (a new secret each start: its state is in memory). */
export async function startSandboxSimulator(): Promise<SandboxSimulator> {
  const simulator = createWeChatSimulator();
  const appSecret = randomBytes(16).toString('hex');
  // The demo mini-program has published the web sign-in page its codes open ("scan with the mini-program").
  simulator.registerApp({ appId: SANDBOX_APP_ID, secret: appSecret, kind: 'miniprogram', openPlatformId: SANDBOX_OPEN_PLATFORM, pages: ['pages/index/index', DEFAULT_WEB_SIGN_IN_PAGE] });
  // One secret for the three demo apps: it lives only in this process and the simulator.
  simulator.registerApp({ appId: SANDBOX_WEB_APP_ID, secret: appSecret, kind: 'web', openPlatformId: SANDBOX_OPEN_PLATFORM, name: 'wxbridge sandbox website' });
  simulator.registerApp({ appId: SANDBOX_OFFICIAL_ACCOUNT_ID, secret: appSecret, kind: 'official_account', openPlatformId: SANDBOX_OPEN_PLATFORM, name: 'wxbridge sandbox official account' });
  const { url } = await simulator.listen(0, '127.0.0.1');
  return { url, appSecret, close: () => simulator.close() };
}

/** Seeds the demo app, resource server and client (idempotent: every worker may run it) and builds the routes. */
export async function startSandbox(deps: {
  apps: WeChatAppRegistry;
  clients: Pick<ClientRegistry, 'register'>;
  resourceServers: Pick<ResourceServerRegistry, 'add'>;
  signIn: Pick<WeChatSignIn, 'signIn'>;
  roles: Pick<AdminRoles, 'grant' | 'anyAdmin'>;
  simulator: SandboxSimulatorRef;
}): Promise<Sandbox> {
  const { simulator } = deps;
  await deps.apps.upsert({ appId: SANDBOX_APP_ID, kind: 'miniprogram', secret: simulator.appSecret, name: 'wxbridge sandbox mini-program', openPlatformId: SANDBOX_OPEN_PLATFORM });
  await deps.apps.upsert({ appId: SANDBOX_WEB_APP_ID, kind: 'web', secret: simulator.appSecret, name: 'wxbridge sandbox website', openPlatformId: SANDBOX_OPEN_PLATFORM });
  await deps.apps.upsert({ appId: SANDBOX_OFFICIAL_ACCOUNT_ID, kind: 'official_account', secret: simulator.appSecret, name: 'wxbridge sandbox official account', openPlatformId: SANDBOX_OPEN_PLATFORM });
  await ignoreConflict(deps.resourceServers.add({ uri: SANDBOX_RESOURCE, scopes: 'demo:read demo:write', accessTokenTtl: 600 }));
  await ignoreConflict(deps.clients.register({
    type: 'miniprogram',
    clientId: SANDBOX_CLIENT_ID,
    wechatAppId: SANDBOX_APP_ID,
    scope: 'openid profile phone wechat offline_access',
    resources: { [SANDBOX_RESOURCE]: 'demo:read demo:write' },
  }));
  await ignoreConflict(deps.clients.register({
    type: 'spa',
    clientId: SANDBOX_WEB_CLIENT_ID,
    name: 'wxbridge sandbox web app',
    redirectUris: [`${SANDBOX_WEB_ORIGIN}/callback`],
    postLogoutRedirectUris: [`${SANDBOX_WEB_ORIGIN}/`],
    firstParty: true,
    scope: 'openid profile',
  }));

  const mint = async (path: 'codes' | 'phone-codes', body: Record<string, string>): Promise<string> => {
    const response = await fetch(`${simulator.url}/__simulator/${path}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ appId: SANDBOX_APP_ID, ...body }),
      signal: AbortSignal.timeout(5000),
    }).catch((error: unknown) => { throw new AppError('wechat.unavailable', 'the sandbox WeChat simulator is not reachable', { cause: error }); });
    if (response.status !== 201) throw new AppError('wechat.unavailable', `the sandbox WeChat simulator answered ${response.status}`);
    return MintedCode.parse(await response.json()).code;
  };

  // While no account holds the admin role, the simulated user `admin` signs in once, by the ordinary mapping
  // rule (its website and official account logins share the Open Platform's unionid, so they reach the same
  // account), and gets it. Only then: every later start (and every worker) leaves WeChat and the roles alone.
  if (!(await deps.roles.anyAdmin())) {
    const { account } = await deps.signIn.signIn({ appId: SANDBOX_APP_ID, code: await mint('codes', { user: SANDBOX_ADMIN_USER }), clientId: SANDBOX_CLIENT_ID });
    await deps.roles.grant(account.id);
  }

  const routes = new Router({ prefix: '/sandbox' });
  routes.post('/wx-login', async (ctx) => {
    const { user } = parseOrThrow(WxLoginBody, await readJsonBody(ctx, 4096), 'request.invalid');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { code: await mint('codes', { user }), expires_in: 300 };
  });
  routes.post('/phone-code', async (ctx) => {
    const { user, phoneNumber } = parseOrThrow(PhoneCodeBody, await readJsonBody(ctx, 4096), 'request.invalid');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { code: await mint('phone-codes', { user, ...(phoneNumber === undefined ? {} : { phoneNumber }) }), expires_in: 300 };
  });
  return { wechatApiBaseUrl: simulator.url, routes };
}

async function ignoreConflict(operation: Promise<unknown>): Promise<void> {
  try {
    await operation;
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'client.conflict')) throw error;
  }
}
