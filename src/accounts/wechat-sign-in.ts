/**
 * The sign-in use case "WeChat code → account" (design.md §1–§2), testable without koa or
 * oidc-provider: look up the app, exchange the code once with the endpoint its kind requires,
 * map the identity to one account, refuse disabled accounts. The session_key is sealed at once.
 * With a `phone_code` (mini-programs, wechat-api §5.1) the number is redeemed *before* the account
 * is mapped and stored after it: a refused phone code fails the whole login and stores no phone.
 */
import { AppError } from '../errors.ts';
import type { SecretBox } from '../keys/secret-box.ts';
import { profileFromWeChat } from './account-profile.ts';
import type { AccountRecord, AccountRepository } from './account.repository.ts';
import type { IdentityMapper } from './identity-mapping.ts';
import type { LoginCodeLedger } from './login-code-ledger.ts';
import type { PhoneVerification } from './phone-verification.ts';

/** What sign-in needs of the WeChat client (src/wechat/wechat-client.ts). */
export interface WeChatCodeExchange {
  exchangeMiniProgramCode(input: { appId: string; secret: string; code: string }): Promise<{ openId: string; unionId?: string | undefined; sessionKey: string }>;
  exchangeOAuthCode(input: { appId: string; secret: string; code: string }): Promise<{ openId: string; unionId?: string | undefined; isSnapshotUser: boolean; scope: string; accessToken: string }>;
  fetchUserInfo(input: { appId: string; accessToken: string; openId: string }): Promise<{ nickname: string; pictureUrl?: string | undefined }>;
}

/** What sign-in needs of the app registry (src/wechat-apps/wechat-app-registry.ts). */
export interface AppCredentialsSource {
  findCredentials(appId: string): Promise<{
    appId: string; kind: string; secret: string; openPlatformId: string | null;
    linkByVerifiedPhone: boolean; unionIdConflict: 'merge' | 'refuse'; newAccountsAllowed: boolean;
  } | null>;
}

export interface SignInResult {
  readonly account: AccountRecord;
  readonly created: boolean;
  readonly openId: string;
  readonly unionId: string | undefined;
}

export interface SignInInput {
  readonly appId: string;
  readonly code: string;
  /** From the getPhoneNumber button; redeemed for the same app and user. */
  readonly phoneCode?: string | undefined;
  /** The OAuth client signing in, for the audit of a verified phone. */
  readonly clientId?: string | undefined;
}

/** A new identity, not yet given an account (issue 17 #2): what the browser's choice completes. */
export interface NewIdentity {
  readonly appId: string;
  readonly openId: string;
  readonly unionId: string | undefined;
  readonly openPlatformId: string | undefined;
  readonly profile: Readonly<Record<string, string>> | undefined;
}

export interface WeChatSignIn {
  signIn(input: SignInInput): Promise<SignInResult>;
  /**
   * Bind or register (issue 17 #2): like signIn for a website / official-account code, but a new identity
   * (no known openid, no unionid or phone match) comes back held, with whether the app may create an account.
   */
  signInOrHold(input: SignInInput): Promise<SignInResult | { readonly held: NewIdentity; readonly newAccountsAllowed: boolean }>;
  /** The person's choice for a held identity: link it to `linkTo` (proved by scan), or create an account. */
  completeHeld(held: NewIdentity, choice: { readonly linkTo?: string | undefined; readonly clientId: string }): Promise<SignInResult>;
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
  phones: Pick<PhoneVerification, 'lookup' | 'store'>;
  profiles: Pick<AccountRepository, 'fillProfile'>;
  now: () => Date;
}): WeChatSignIn {
  async function appOf(appId: string) {
    const app = await deps.apps.findCredentials(appId);
    if (app === null) throw new AppError('wechat.app_unknown', `client is bound to unknown WeChat app ${appId}`);
    return app;
  }

  async function withProfile(account: AccountRecord, profile: Readonly<Record<string, string>> | undefined): Promise<AccountRecord> {
    return profile === undefined || Object.keys(profile).length === 0 ? account : (await deps.profiles.fillProfile(account.id, profile, deps.now())) ?? account;
  }

  async function signIn({ appId, code, phoneCode, clientId }: SignInInput, holdNew: boolean): Promise<SignInResult | { held: NewIdentity; newAccountsAllowed: boolean }> {
    {
      const app = await appOf(appId);
      // getuserphonenumber exists for mini-programs only (wechat-api §5.1); refused before any code is spent.
      if (phoneCode !== undefined && app.kind !== 'miniprogram') throw new AppError('phone.unsupported', 'phone_code is only for mini-program clients');
      // Claimed before the call: WeChat may burn the code even when its answer is lost (wechat-api §3.3).
      if (!(await deps.codes.claim(appId, code))) throw new AppError('wechat.code_invalid', 'the login code was already presented');
      const exchanged = await exchange(deps.wechat, app, code);
      const phoneNumber = phoneCode === undefined ? undefined : await deps.phones.lookup({ appId, openId: exchanged.openId, code: phoneCode, clientId });
      const unionId = app.openPlatformId === null ? undefined : exchanged.unionId;
      // Fetched before anything is written: a WeChat failure here fails the sign-in and leaves nothing behind.
      const profile = exchanged.oauth === undefined ? undefined : await userProfile(deps.wechat, appId, exchanged.openId, exchanged.oauth);
      let mapped;
      try {
        mapped = await deps.identities.mapLogin({
          appId,
          openId: exchanged.openId,
          unionId,
          openPlatformId: app.openPlatformId ?? undefined,
          sessionKeyCiphertext: exchanged.sessionKey === undefined ? null : deps.secretBox.seal(exchanged.sessionKey, sessionKeyContext(appId, exchanged.openId)),
        }, {
          unionIdConflict: app.unionIdConflict, linkByVerifiedPhone: app.linkByVerifiedPhone, newAccountsAllowed: app.newAccountsAllowed, verifiedPhone: phoneNumber, clientId: clientId ?? `wechat:${appId}`,
          holdNew: holdNew && exchanged.sessionKey === undefined,
        });
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'account.identity_new') throw error;
        // Nothing was written: the identity waits for the person's choice (issue 17 #2).
        return { held: { appId, openId: exchanged.openId, unionId, openPlatformId: app.openPlatformId ?? undefined, profile }, newAccountsAllowed: app.newAccountsAllowed };
      }
      if (mapped.account.status !== 'active') throw new AppError('account.disabled', 'the account is disabled');
      const filled = await withProfile(mapped.account, profile);
      const account = phoneNumber === undefined
        ? filled
        : await deps.phones.store({ accountId: mapped.account.id, phoneNumber, clientId: clientId ?? `wechat:${appId}`, via: 'login' });
      return { account, created: mapped.created, openId: exchanged.openId, unionId };
    }
  }

  return {
    async signIn(input) {
      const result = await signIn(input, false);
      if ('held' in result) throw new Error('a sign-in that holds nothing returned a held identity');
      return result;
    },
    signInOrHold: (input) => signIn(input, true),
    async completeHeld(held, choice) {
      const app = await appOf(held.appId);
      if (choice.linkTo === undefined && !app.newAccountsAllowed) {
        throw new AppError('account.creation_refused', 'this app signs in existing accounts only; sign in where the account was created first');
      }
      const mapped = await deps.identities.mapLogin(
        { appId: held.appId, openId: held.openId, unionId: held.unionId, openPlatformId: held.openPlatformId, sessionKeyCiphertext: null },
        { unionIdConflict: app.unionIdConflict, linkByVerifiedPhone: false, newAccountsAllowed: app.newAccountsAllowed, clientId: choice.clientId, linkTo: choice.linkTo },
      );
      if (mapped.account.status !== 'active') throw new AppError('account.disabled', 'the account is disabled');
      return { account: await withProfile(mapped.account, held.profile), created: mapped.created, openId: held.openId, unionId: held.unionId };
    },
  };
}

async function exchange(
  wechat: WeChatCodeExchange,
  app: { appId: string; kind: string; secret: string },
  code: string,
): Promise<{ openId: string; unionId?: string | undefined; sessionKey?: string; oauth?: { scope: string; accessToken: string } }> {
  const input = { appId: app.appId, secret: app.secret, code };
  if (app.kind === 'miniprogram') return wechat.exchangeMiniProgramCode(input);
  const result = await wechat.exchangeOAuthCode(input);
  // A "snapshot page" login carries a virtual openid that is not the user's (wechat-api.md §8.1).
  if (result.isSnapshotUser) throw new AppError('wechat.snapshot_user', 'WeChat returned a snapshot-mode virtual user');
  return { openId: result.openId, ...(result.unionId === undefined ? {} : { unionId: result.unionId }), oauth: { scope: result.scope, accessToken: result.accessToken } };
}

/** sns/userinfo only when the granted scope allows it (wechat-api.md §8.4): snsapi_userinfo or snsapi_login, never snsapi_base. */
async function userProfile(wechat: WeChatCodeExchange, appId: string, openId: string, oauth: { scope: string; accessToken: string }): Promise<{ nickname?: string; picture?: string } | undefined> {
  const scopes = oauth.scope.split(',');
  if (!scopes.includes('snsapi_userinfo') && !scopes.includes('snsapi_login')) return undefined;
  return profileFromWeChat(await wechat.fetchUserInfo({ appId, accessToken: oauth.accessToken, openId }));
}
