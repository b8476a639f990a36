/**
 * The signed-in user's own endpoints (design.md §4): phone number, profile and legacy WeChat data, so
 * that no mini-program backend ever calls WeChat. Opaque bearer tokens only (docs/decisions/0007);
 * `GET /me` itself stays oidc-provider's userinfo. JSON in, JSON out, never a session_key.
 */
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import type { AccountRecord, AccountRepository } from '../accounts/account.repository.ts';
import type { LegacyUserData } from '../accounts/legacy-user-data.ts';
import type { ProfileEditor } from '../accounts/account-profile.ts';
import type { PhoneVerification } from '../accounts/phone-verification.ts';
import { maskPhoneNumber } from '../accounts/phone-number.ts';
import { readJsonBody } from '../http/json-body.ts';
import type { Logger } from '../logger.ts';
import { parseOrThrow } from '../validation.ts';
import { callerOf, requireBearer, type BearerDeps } from './bearer-token.ts';
import { bearerError, createMeErrorMiddleware, MeError } from './me-errors.ts';

export interface MeDeps extends BearerDeps {
  readonly accounts: Pick<AccountRepository, 'findById' | 'findIdentity'>;
  readonly phones: Pick<PhoneVerification, 'lookup' | 'store'>;
  readonly profiles: ProfileEditor;
  readonly legacy: LegacyUserData;
  readonly logger: Logger;
  /** The realm of the `WWW-Authenticate` challenges. */
  readonly issuer: string;
}

// Phone codes are 64 hex (wechat-api §1.7); base64 fields are bounded by the body limit.
const PhoneBody = z.strictObject({ code: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be the code from the getPhoneNumber button') });
const DecryptBody = z.strictObject({ encryptedData: z.string().min(1), iv: z.string().min(1) });
const SignatureBody = z.strictObject({ rawData: z.string().min(1), signature: z.string() });

/**
 * Reads the JSON body before authentication, so that a token sent in it is refused as such (400) even
 * without an Authorization header: RFC 6750 §2.2 allows body tokens only in forms, and we take none.
 */
const readBody: Middleware = async (ctx, next) => {
  const empty = !ctx.request.length && ctx.get('Transfer-Encoding') === '';
  // No body at all: leave the answer to authentication first (401 before "body required").
  const body = empty ? undefined : await readJsonBody(ctx);
  if (body !== null && typeof body === 'object' && 'access_token' in body) {
    throw bearerError(400, 'invalid_request', 'send the access token in the Authorization header, not in the body');
  }
  ctx.state['body'] = body;
  await next();
};

const bodyOf = (ctx: Context): unknown => ctx.state['body'];

function appOf(ctx: Context): string {
  const appId = callerOf(ctx).wechatAppId;
  if (appId === undefined) throw new MeError(400, 'invalid_request', 'the client is not bound to a WeChat app');
  return appId;
}

const profileClaims = (account: AccountRecord) => ({
  nickname: account.nickname ?? undefined,
  picture: account.picture ?? undefined,
  updated_at: Math.floor(account.updatedAt.getTime() / 1000),
});

export function createMeRoutes(deps: MeDeps): Router {
  const router = new Router({ prefix: '/me' });
  const errors = createMeErrorMiddleware(deps.logger, deps.issuer);
  const guarded = (scope: string, handler: Middleware): Middleware[] => [errors, readBody, requireBearer(deps, scope), handler];

  router.post('/phone', ...guarded('phone', async (ctx) => {
    const { code } = parseOrThrow(PhoneBody, bodyOf(ctx), 'request.invalid');
    const { accountId, clientId } = callerOf(ctx);
    const appId = appOf(ctx);
    const openId = (await deps.accounts.findIdentity(accountId, appId))?.openId ?? null;
    if (openId === null) throw new MeError(400, 'invalid_request', 'the account has no WeChat identity in this app');
    const phoneNumber = await deps.phones.lookup({ appId, openId, code, clientId });
    await deps.phones.store({ accountId, phoneNumber, clientId, via: 'me' });
    deps.logger.info({ event: 'phone_verified', sub: accountId, clientId, phone: maskPhoneNumber(phoneNumber) }, 'phone number verified');
    ctx.body = { phone_number: phoneNumber, phone_number_verified: true };
  }));

  const updateProfile: Middleware = async (ctx) => {
    const { accountId, clientId } = callerOf(ctx);
    const account = await deps.profiles.update({ accountId, clientId, body: bodyOf(ctx) });
    deps.logger.info({ event: 'profile_updated', sub: accountId, clientId }, 'profile updated');
    ctx.body = profileClaims(account);
  };
  router.patch('/profile', ...guarded('profile', updateProfile));
  // wx.request offers no PATCH method, so mini-programs send the same partial update as POST (ADR 0007).
  router.post('/profile', ...guarded('profile', updateProfile));

  router.post('/wechat/decrypt', ...guarded('wechat', async (ctx) => {
    const { encryptedData, iv } = parseOrThrow(DecryptBody, bodyOf(ctx), 'request.invalid');
    ctx.body = await deps.legacy.decrypt({ accountId: callerOf(ctx).accountId, appId: appOf(ctx), encryptedData, iv });
  }));

  router.post('/wechat/verify-signature', ...guarded('wechat', async (ctx) => {
    const { rawData, signature } = parseOrThrow(SignatureBody, bodyOf(ctx), 'request.invalid');
    ctx.body = { valid: await deps.legacy.verifySignature({ accountId: callerOf(ctx).accountId, appId: appOf(ctx), rawData, signature }) };
  }));

  return router;
}
