/**
 * Admin operations per noun (design.md §6): the registries' business rules, plus what only the
 * admin layer knows — the audit record of each change, the admin API audience wxbridge manages
 * itself, and the key-rotation policy derived from the configured token lifetimes.
 */
import { z } from 'zod';
import type { AccountAdministration } from '../accounts/account-administration.ts';
import type { ClientRegistry } from '../clients/client-registry.ts';
import type { ClientInput, ClientUpdateInput } from '../clients/client-metadata.ts';
import type { ResourceServerInput, ResourceServerRegistry, ResourceServerUpdate } from '../clients/resource-server-registry.ts';
import { lookalikeConflict, lookalikeKey } from '../clients/lookalikes.ts';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import type { KeyStore } from '../keys/key-store.ts';
import type { SigningAlgorithm } from '../keys/signing-algorithms.ts';
import { parseOrThrow } from '../validation.ts';
import type { WeChatAppCheck } from '../wechat-apps/wechat-app-check.ts';
import type { AccountSettingsInput, AppUpdateInput, WeChatAppInput, WeChatAppRegistry } from '../wechat-apps/wechat-app-registry.ts';
import { ADMIN_SCOPE } from './admin-audience.ts';
import type { AdminActor, Audited } from './audited.ts';

export interface Page { readonly limit: number; readonly cursor?: string | undefined }

export function appOperations(apps: WeChatAppRegistry, audited: Audited, checker: WeChatAppCheck) {
  return {
    list: (page?: Page) => apps.list(page),
    find: (appId: string) => apps.find(appId),
    upsert: (input: WeChatAppInput) => audited({ action: 'app.upsert', target: input.appId, before: () => apps.find(input.appId), run: () => apps.upsert(input) }),
    /** Name, Open Platform, web sign-in page: editable without typing the AppSecret again (issue 14 #3). */
    update: (appId: string, changes: AppUpdateInput) => audited({ action: 'app.update', target: appId, before: () => apps.find(appId), run: () => apps.update(appId, changes) }),
    /** A new AppSecret; the audit records that it changed, never the secret (the views hold none). */
    rotateSecret: (appId: string, secret: string) => audited({ action: 'app.rotate_secret', target: appId, before: () => apps.find(appId), run: () => apps.rotateSecret(appId, secret) }),
    /** Issue 17 #3: linking by verified phone, and what a conflicting late unionid does. */
    updateAccountSettings: (appId: string, settings: AccountSettingsInput) => audited({
      action: 'app.account_settings', target: appId, before: () => apps.find(appId), run: () => apps.updateAccountSettings(appId, settings),
    }),
    /** Asks WeChat for the app's token and says what the answer means (issue 14 #3); recorded, as it spends quota. */
    check: (appId: string) => audited({ action: 'app.check', target: appId, run: () => checker.check(appId) }),
    remove: (appId: string) => audited({ action: 'app.remove', target: appId, before: () => apps.find(appId), run: () => apps.remove(appId), after: () => Promise.resolve(null) }),
  };
}

interface AdminRegistry { readonly resourceServers: ResourceServerRegistry; readonly adminAudience: string; readonly audited: Audited }

export function resourceServerOperations({ resourceServers, adminAudience, audited }: AdminRegistry) {
  const notTheAdminAudience = (uri: string): void => {
    if (uri === adminAudience) throw new AppError('client.conflict', `${uri} is the admin API audience; wxbridge manages it (WXBRIDGE_ADMIN_TOKEN_TTL sets its token lifetime)`);
  };
  return {
    list: (page?: Page) => resourceServers.list(page),
    find: (uri: string) => resourceServers.find(uri),
    get: (uri: string) => resourceServers.get(uri),
    add: (input: ResourceServerInput) => audited({
      action: 'resource.add', target: input.uri,
      run: () => {
        // The admin audience row is created on first use, so its lookalikes are refused even before it exists.
        if (input.uri !== adminAudience && lookalikeKey(input.uri) === lookalikeKey(adminAudience)) throw lookalikeConflict('resource server', input.uri, adminAudience);
        return resourceServers.add(input);
      },
    }),
    update: (uri: string, changes: ResourceServerUpdate) => audited({
      action: 'resource.update', target: uri, before: () => resourceServers.get(uri),
      run: () => { notTheAdminAudience(uri); return resourceServers.update(uri, changes); },
    }),
    remove: (uri: string) => audited({
      action: 'resource.remove', target: uri, before: () => resourceServers.get(uri), after: () => Promise.resolve(null),
      run: () => { notTheAdminAudience(uri); return resourceServers.remove(uri); },
    }),
  };
}

interface ClientDeps extends AdminRegistry {
  readonly clients: ClientRegistry;
  readonly grants: { revokeClientGrants(clientId: string): Promise<number> };
  readonly ensureAdminAudience: () => Promise<void>;
}

export interface ResourceGrantOptions {
  /** Allow a resource granted no scope: its access tokens carry only the audience. */
  readonly allowUnscopedResources?: boolean | undefined;
}

/**
 * A resource granted no scope makes every login that asks for one of its scopes fail with invalid_scope,
 * long after the client was created (issue 18 #9): refused unless asked for explicitly.
 */
function noUnscopedResource(resources: Readonly<Record<string, string>> | undefined, options: ResourceGrantOptions): void {
  const unscoped = Object.entries(resources ?? {}).find(([, scopes]) => scopes.trim() === '')?.[0];
  if (unscoped === undefined || options.allowUnscopedResources === true) return;
  throw new AppError('client.invalid_metadata', `resources: ${unscoped} grants no scope, so a login asking for one of its scopes would fail with invalid_scope; `
    + 'name the scopes the client may ask for, or allow it explicitly for access tokens that carry only the audience (allowUnscopedResources)');
}

export function clientOperations(deps: ClientDeps) {
  const { clients, audited, adminAudience } = deps;
  // Admin tokens are for confidential service clients only (design.md §6), never for a user-facing client.
  const noPublicAdmin = (type: string | undefined, resources: Readonly<Record<string, string>> | undefined): void => {
    if (type !== undefined && type !== 'service' && resources !== undefined && adminAudience in resources) {
      throw new AppError('client.invalid_metadata', 'resources: only confidential service clients may use the admin API');
    }
  };
  const register = (input: ClientInput, options: ResourceGrantOptions = {}) => audited({
    action: 'client.create', target: input.clientId, after: (r) => clients.show(r.clientId),
    run: () => { noPublicAdmin(input.type, input.resources); noUnscopedResource(input.resources, options); return clients.register(input); },
  });
  return {
    register,
    /** A confidential client allowed scope `admin` on the admin API (its secret is returned once). */
    async registerAdmin(clientId: string) {
      await deps.ensureAdminAudience();
      return register({ type: 'service', clientId, resources: { [adminAudience]: ADMIN_SCOPE }, defaultResource: adminAudience });
    },
    list: (page: Page) => clients.list(page),
    show: (clientId: string) => clients.show(clientId),
    update: (clientId: string, patch: ClientUpdateInput, options: ResourceGrantOptions = {}) => audited({
      action: 'client.update', target: clientId, before: () => clients.show(clientId),
      run: async () => {
        noPublicAdmin((await clients.show(clientId)).type, patch.resources);
        noUnscopedResource(patch.resources, options);
        return clients.update(clientId, patch);
      },
    }),
    rotateSecret: (clientId: string, options: { overlapSeconds?: number | undefined } = {}) => audited({
      action: 'client.rotate_secret', target: clientId, before: () => clients.show(clientId), after: () => clients.show(clientId),
      run: () => clients.rotateSecret(clientId, options),
    }),
    remove: (clientId: string) => audited({
      action: 'client.remove', target: clientId, before: () => clients.show(clientId), after: () => Promise.resolve(null),
      run: async () => { await clients.remove(clientId); await deps.grants.revokeClientGrants(clientId); },
    }),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function userOperations(users: AccountAdministration, audited: Audited, who: AdminActor) {
  // `sub` is a UUID (design.md §2); anything else cannot name an account.
  const checked = (sub: string): string => {
    if (!UUID.test(sub)) throw new AppError('account.not_found', `no account ${sub.slice(0, 64)}`);
    return sub;
  };
  const setStatus = (action: 'user.disable' | 'user.enable', sub: string) => audited({
    action, target: sub, accountId: UUID.test(sub) ? sub : undefined,
    before: () => users.show(checked(sub)), after: () => users.show(sub),
    run: () => (action === 'user.disable' ? users.disable(checked(sub)) : users.enable(checked(sub))),
  });
  return {
    show: (sub: string) => users.show(checked(sub)),
    /** Issue 14 #3: exact sub, openid, unionid or phone number; at most `limit` accounts. */
    search: (query: string, limit = 20) => users.search(query, limit),
    disable: (sub: string) => setStatus('user.disable', sub),
    enable: (sub: string) => setStatus('user.enable', sub),
    signOut: (sub: string) => audited({
      action: 'user.sign_out', target: sub, accountId: UUID.test(sub) ? sub : undefined,
      run: () => users.signOut(checked(sub)),
    }),
    /** Issue 17 #4: `from`'s identities, phone and profile move to `into`; `from`'s grants are revoked. */
    merge: (fromSub: string, intoSub: string) => audited({
      action: 'user.merge', target: fromSub, accountId: UUID.test(intoSub) ? intoSub : undefined,
      before: async () => ({ from: await users.show(checked(fromSub)), into: await users.show(checked(intoSub)) }),
      after: async (result) => ({ ...result, into: await users.show(result.intoAccountId) }),
      run: () => users.merge(checked(fromSub), checked(intoSub)),
    }),
    /**
     * Issue 17 #5. Recorded without the sub and without a before-snapshot (it would hold the openids the
     * deletion erases): the entry names only the pseudonym the account's audit entries now carry.
     */
    delete: (sub: string) => audited({
      action: 'user.delete', target: 'account',
      run: () => users.delete(checked(sub), who.actor),
    }),
    /** The export is personal data itself: the audit says who exported whose data, not what. */
    export: (sub: string) => audited({
      action: 'user.export', target: sub, accountId: UUID.test(sub) ? sub : undefined, after: () => Promise.resolve({ exported: true }),
      run: () => users.export(checked(sub)),
    }),
  };
}

/** Default delay between publishing a new key and signing with it (design.md §5, issue #4). */
export const DEFAULT_ROTATION_DELAY_SECONDS = 3600;
const Delay = z.number().int().min(0).max(30 * 86_400);

interface KeyDeps { readonly keys: KeyStore; readonly resourceServers: ResourceServerRegistry; readonly config: Config; readonly audited: Audited }

export function keyOperations({ keys, resourceServers, config, audited }: KeyDeps) {
  return {
    list: () => keys.list(),
    /** The decrypted signing keys (what the server loads); for operators' tooling, never served over HTTP. */
    load: () => keys.load(),
    /** Low level (tests and recovery): one key without retiring the others; `rotate` is the safe path. */
    addKey: (alg: SigningAlgorithm, activatesAt: Date) => keys.addKey(alg, activatesAt),
    rotate: (options: { delaySeconds?: number | undefined; algs?: readonly SigningAlgorithm[] | undefined } = {}) => audited({
      action: 'keys.rotate', target: 'signing_keys',
      run: async () => {
        const delaySeconds = parseOrThrow(Delay, options.delaySeconds ?? DEFAULT_ROTATION_DELAY_SECONDS, 'request.invalid');
        const servers = await resourceServers.list();
        // A retired key stays published until every token it can have signed has expired.
        const longestTokenTtlSeconds = Math.max(config.oidc.accessTokenTtl, config.oidc.idTokenTtl, config.admin.tokenTtl, ...servers.map((s) => s.accessTokenTtl));
        // Instances keep signing with it until their next reload; 5 minutes cover clock skew.
        const leewaySeconds = Math.ceil((2 * config.keys.reloadIntervalMs) / 1000) + 300;
        return keys.rotate({ delaySeconds, longestTokenTtlSeconds, leewaySeconds, algs: options.algs });
      },
    }),
  };
}
