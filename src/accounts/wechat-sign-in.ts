/**
 * The sign-in use case "WeChat code → account" (design.md §1–§2), testable without koa or
 * oidc-provider: look up the app, exchange the code once with the endpoint its kind requires,
 * map the identity to one account, refuse disabled accounts. The session_key is sealed at once.
 */
import { AppError } from '../errors.ts';
import type { SecretBox } from '../keys/secret-box.ts';
import type { AccountRecord } from './account.repository.ts';
import type { IdentityMapper } from './identity-mapping.ts';
import type { LoginCodeLedger } from './login-code-ledger.ts';

/** What sign-in needs of the WeChat client (src/wechat/wechat-client.ts). */
export interface WeChatCodeExchange {
  exchangeMiniProgramCode(input: { appId: string; secret: string; code: string }): Promise<{ openId: string; unionId?: string | undefined; sessionKey: string }>;
  exchangeOAuthCode(input: { appId: string; secret: string; code: string }): Promise<{ openId: string; unionId?: string | undefined; isSnapshotUser: boolean }>;
}

/** What sign-in needs of the app registry (src/wechat-apps/wechat-app-registry.ts). */
export interface AppCredentialsSource {
  findCredentials(appId: string): Promise<{ appId: string; kind: string; secret: string; openPlatformId: string | null } | null>;
}

export interface SignInResult {
  readonly account: AccountRecord;
  readonly created: boolean;
  readonly openId: string;
  readonly unionId: string | undefined;
}

export interface WeChatSignIn {
  signIn(input: { appId: string; code: string }): Promise<SignInResult>;
}

export function sessionKeyContext(appId: string, openId: string): string {
  return `session_key:${appId}:${openId}`;
}

export function createWeChatSignIn(deps: {
  wechat: WeChatCodeExchange;
  apps: AppCredentialsSource;
  identities: IdentityMapper;
  secretBox: SecretBox;
  codes: LoginCodeLedger;
}): WeChatSignIn {
  return {
    async signIn({ appId, code }) {
      const app = await deps.apps.findCredentials(appId);
      if (app === null) throw new AppError('wechat.app_unknown', `client is bound to unknown WeChat app ${appId}`);
      // Claimed before the call: WeChat may burn the code even when its answer is lost (wechat-api §3.3).
      if (!(await deps.codes.claim(appId, code))) throw new AppError('wechat.code_invalid', 'the login code was already presented');
      const exchanged = await exchange(deps.wechat, app, code);
      const unionId = app.openPlatformId === null ? undefined : exchanged.unionId;
      const { account, created } = await deps.identities.mapLogin({
        appId,
        openId: exchanged.openId,
        unionId,
        openPlatformId: app.openPlatformId ?? undefined,
        sessionKeyCiphertext: exchanged.sessionKey === undefined ? null : deps.secretBox.seal(exchanged.sessionKey, sessionKeyContext(appId, exchanged.openId)),
      });
      if (account.status !== 'active') throw new AppError('account.disabled', 'the account is disabled');
      return { account, created, openId: exchanged.openId, unionId };
    },
  };
}

async function exchange(
  wechat: WeChatCodeExchange,
  app: { appId: string; kind: string; secret: string },
  code: string,
): Promise<{ openId: string; unionId?: string | undefined; sessionKey?: string }> {
  const input = { appId: app.appId, secret: app.secret, code };
  if (app.kind === 'miniprogram') return wechat.exchangeMiniProgramCode(input);
  const result = await wechat.exchangeOAuthCode(input);
  // A "snapshot page" login carries a virtual openid that is not the user's (wechat-api.md §8.1).
  if (result.isSnapshotUser) throw new AppError('wechat.snapshot_user', 'WeChat returned a snapshot-mode virtual user');
  return result;
}
