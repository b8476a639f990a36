/**
 * WeChat apps (design.md §6 `apps add|list|remove`): the AppSecret is sealed with the master key on
 * the way in and opened only for a code exchange; it is never listed or returned.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { queryRows, sql } from '../db/sql.ts';
import type { SecretBox } from '../keys/secret-box.ts';
import { parseOrThrow } from '../validation.ts';
import { DEFAULT_WEB_SIGN_IN_PAGE, UNIONID_CONFLICT_POLICIES, WECHAT_APP_KINDS, WeChatApp, type UnionIdConflictPolicy, type WeChatAppKind } from './wechat-app.entity.ts';
import type { Clock } from '../clock.ts';
import { clockOption, createLookupCache } from '../lookup-cache.ts';

export const WeChatAppInput = z.object({
  appId: z.string().regex(/^wx[0-9a-f]{16}$/, 'must look like wx + 16 hex characters'),
  kind: z.enum(WECHAT_APP_KINDS),
  secret: z.string().regex(/^[0-9A-Za-z]{16,64}$/, 'must be the AppSecret (16–64 letters and digits)'),
  name: z.string().trim().min(1).max(128).optional(),
  openPlatformId: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, 'must be 1–64 letters, digits, _ or -').optional(),
  /** Mini-programs: the page of the web sign-in code, without a leading slash (getwxacodeunlimit `page`, wechat-api.md §8.6). */
  webSignInPage: z.string().regex(/^[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)*$/, 'must be a mini-program page path like pages/web-sign-in/index').max(128).optional(),
});
export type WeChatAppInput = z.input<typeof WeChatAppInput>;

/** The per-app account settings (issue 17 #3, #4); absent fields stay as they are. */
export const AccountSettingsInput = z.strictObject({
  linkByVerifiedPhone: z.boolean().optional(),
  unionIdConflict: z.enum(UNIONID_CONFLICT_POLICIES).optional(),
  newAccountsAllowed: z.boolean().optional(),
}).refine((input) => Object.values(input).some((value) => value !== undefined), 'give linkByVerifiedPhone, unionIdConflict or newAccountsAllowed');
export type AccountSettingsInput = z.input<typeof AccountSettingsInput>;

/** An edit of an app's descriptive fields without its secret (issue 14 #3); null clears a field, absent keeps it. */
export const AppUpdateInput = z.strictObject({
  name: WeChatAppInput.shape.name.unwrap().nullable().optional(),
  openPlatformId: WeChatAppInput.shape.openPlatformId.unwrap().nullable().optional(),
  webSignInPage: WeChatAppInput.shape.webSignInPage.unwrap().nullable().optional(),
}).refine((input) => Object.values(input).some((value) => value !== undefined), 'give name, openPlatformId or webSignInPage');
export type AppUpdateInput = z.input<typeof AppUpdateInput>;

const AppSecret = WeChatAppInput.shape.secret;

export interface WeChatAppView {
  readonly appId: string;
  readonly kind: WeChatAppKind;
  readonly name: string | null;
  readonly openPlatformId: string | null;
  /** Link a first login with a WeChat-verified number to the one account verified with it (default false). */
  readonly linkByVerifiedPhone: boolean;
  /** A login whose late unionid is another account's: `merge` (default) or `refuse`. */
  readonly unionIdConflict: UnionIdConflictPolicy;
  /** Whether a first login may create an account (default true); false: only identities that link to one. */
  readonly newAccountsAllowed: boolean;
  /** The page a web sign-in code opens (mini-programs; DEFAULT_WEB_SIGN_IN_PAGE when none was set). */
  readonly webSignInPage: string;
}

export interface WeChatAppCredentials extends WeChatAppView { readonly secret: string }

const secretContext = (appId: string): string => `wechat_app_secret:${appId}`;

/**
 * `cacheTtlMs`: reuse an app with its opened secret for this long, so a login neither reads the row
 * nor decrypts the secret each time (docs/decisions/0012); the plaintext then lives in process memory.
 */
export function createWeChatAppRegistry(deps: { em: () => EntityManager; secretBox: SecretBox; cacheTtlMs?: number; clock?: Clock }) {
  const toView = (app: WeChatApp): WeChatAppView => ({
    appId: app.appId, kind: app.kind as WeChatAppKind, name: app.name ?? null, openPlatformId: app.openPlatformId ?? null,
    linkByVerifiedPhone: app.linkByVerifiedPhone, unionIdConflict: app.unionIdConflict as UnionIdConflictPolicy, newAccountsAllowed: app.newAccountsAllowed,
    webSignInPage: app.webSignInPage ?? DEFAULT_WEB_SIGN_IN_PAGE,
  });
  const credentials = createLookupCache<WeChatAppCredentials | null>({ ttlMs: deps.cacheTtlMs ?? 0, ...clockOption(deps.clock) });
  const readCredentials = async (appId: string): Promise<WeChatAppCredentials | null> => {
    const app = await deps.em().fork().findOne(WeChatApp, { appId });
    if (app === null) return null;
    return Object.freeze({ ...toView(app), secret: deps.secretBox.open(app.secretCiphertext, secretContext(appId)) });
  };

  return {
    /** Adds an app, or replaces its settings and secret when it exists (idempotent for scripts). */
    async upsert(raw: WeChatAppInput): Promise<WeChatAppView> {
      const input = parseOrThrow(WeChatAppInput, raw, 'request.invalid');
      const em = deps.em().fork();
      const app = await em.upsert(WeChatApp, {
        appId: input.appId,
        kind: input.kind,
        name: input.name ?? null,
        openPlatformId: input.openPlatformId ?? null,
        webSignInPage: input.webSignInPage ?? null,
        secretCiphertext: deps.secretBox.seal(input.secret, secretContext(input.appId)),
        createdAt: new Date(),
        updatedAt: new Date(),
      // The account settings have their own operation: re-adding an app keeps them.
      }, { onConflictExcludeFields: ['createdAt', 'linkByVerifiedPhone', 'unionIdConflict', 'newAccountsAllowed'] });
      return toView(await deps.em().fork().findOneOrFail(WeChatApp, { appId: app.appId }));
    },

    /** Changes the app's account settings; `wechat.app_unknown` when there is no such app. */
    async updateAccountSettings(appId: string, raw: AccountSettingsInput): Promise<WeChatAppView> {
      const input = parseOrThrow(AccountSettingsInput, raw, 'request.invalid');
      const em = deps.em().fork();
      const app = await em.findOne(WeChatApp, { appId });
      if (app === null) throw new AppError('wechat.app_unknown', `no WeChat app ${appId}`);
      if (input.linkByVerifiedPhone !== undefined) app.linkByVerifiedPhone = input.linkByVerifiedPhone;
      if (input.unionIdConflict !== undefined) app.unionIdConflict = input.unionIdConflict;
      if (input.newAccountsAllowed !== undefined) app.newAccountsAllowed = input.newAccountsAllowed;
      await em.flush();
      return toView(app);
    },

    /** Changes the app's name, Open Platform or web sign-in page; `wechat.app_unknown` when there is no such app. */
    async update(appId: string, raw: AppUpdateInput): Promise<WeChatAppView> {
      const input = parseOrThrow(AppUpdateInput, raw, 'request.invalid');
      const em = deps.em().fork();
      const app = await em.findOne(WeChatApp, { appId });
      if (app === null) throw new AppError('wechat.app_unknown', `no WeChat app ${appId.slice(0, 64)}`);
      if (input.name !== undefined) app.name = input.name;
      if (input.openPlatformId !== undefined) app.openPlatformId = input.openPlatformId;
      if (input.webSignInPage !== undefined) app.webSignInPage = input.webSignInPage;
      await em.flush();
      credentials.delete(appId);
      return toView(app);
    },

    /** Replaces the AppSecret (sealed like on add); this process forgets the old one at once, others within the cache TTL. */
    async rotateSecret(appId: string, secret: string): Promise<WeChatAppView> {
      const checked = parseOrThrow(z.strictObject({ secret: AppSecret }), { secret }, 'request.invalid');
      const em = deps.em().fork();
      const app = await em.findOne(WeChatApp, { appId });
      if (app === null) throw new AppError('wechat.app_unknown', `no WeChat app ${appId.slice(0, 64)}`);
      app.secretCiphertext = deps.secretBox.seal(checked.secret, secretContext(appId));
      await em.flush();
      credentials.delete(appId);
      return toView(app);
    },

    async list(page?: { limit: number; cursor?: string | undefined }): Promise<WeChatAppView[]> {
      const where = page?.cursor === undefined ? {} : { appId: { $gt: page.cursor } };
      const apps = await deps.em().fork().find(WeChatApp, where, { orderBy: { appId: 'asc' }, ...(page === undefined ? {} : { limit: page.limit }) });
      return apps.map(toView);
    },

    async find(appId: string): Promise<WeChatAppView | null> {
      const app = await deps.em().fork().findOne(WeChatApp, { appId });
      return app === null ? null : toView(app);
    },

    async count(): Promise<number> {
      return deps.em().fork().count(WeChatApp, {});
    },

    /** Refused while a client is bound to the app: its logins would fail with a server error. */
    async remove(appId: string): Promise<void> {
      const [usage] = await queryRows<{ n: string }>(deps.em(), sql`select count(*)::text as n from clients where metadata->>'wechat_appid' = ${appId}`);
      const clients = Number(usage?.n ?? 0);
      if (clients > 0) throw new AppError('client.conflict', `WeChat app ${appId} is used by ${clients} client(s); remove them first`);
      const removed = await deps.em().fork().nativeDelete(WeChatApp, { appId });
      if (removed === 0) throw new AppError('wechat.app_unknown', `no WeChat app ${appId}`);
    },

    /** The app with its opened secret, for a code exchange only; null when unknown. */
    findCredentials(appId: string): Promise<WeChatAppCredentials | null> {
      return credentials.get(appId, readCredentials);
    },
  };
}

export type WeChatAppRegistry = ReturnType<typeof createWeChatAppRegistry>;

/** The appids configured (a query, for the sandbox decision made before the services exist; design.md §7). */
export async function listConfiguredAppIds(em: EntityManager): Promise<string[]> {
  const rows = await queryRows<{ app_id: string }>(em, sql`select app_id from wechat_apps`);
  return rows.map((row) => row.app_id);
}
