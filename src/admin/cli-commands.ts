/**
 * The CLI's commands (design.md §6), each a thin translation of argv into a call on the admin
 * services that the admin API uses too. Options are declared for node:util parseArgs.
 */
import type { ParseArgsConfig } from 'node:util';
import { OIDC_SCOPES } from '../clients/client-metadata.ts';
import type { AdminServices } from './admin-services.ts';
import { readSecret, UsageError, type Output } from './cli-io.ts';

export interface CommandContext {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
  readonly services: AdminServices;
  readonly out: Output;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin: AsyncIterable<Buffer | string>;
}

export interface Command {
  readonly usage: string;
  readonly summary: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Commands that only migrate need no services (the entry handles them). */
  run(ctx: CommandContext): Promise<void>;
}

const str = (ctx: CommandContext, name: string): string | undefined => {
  const value = ctx.values[name];
  return typeof value === 'string' ? value : undefined;
};
const required = (ctx: CommandContext, name: string): string => {
  const value = str(ctx, name);
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
};
const sub = (ctx: CommandContext): string => {
  const value = ctx.positionals[0];
  if (value === undefined) throw new UsageError('the account id (sub) is required');
  return value;
};

export const COMMANDS: Readonly<Record<string, Command>> = {
  'apps add': {
    usage: 'apps add --appid <id> --kind miniprogram|app|web|official_account [--secret-env <VAR>] [--name <n>] [--open-platform <id>]',
    summary: 'add or update a WeChat app; the AppSecret comes from $VAR or stdin, never argv',
    options: { appid: { type: 'string' }, kind: { type: 'string' }, 'secret-env': { type: 'string' }, name: { type: 'string' }, 'open-platform': { type: 'string' } },
    async run(ctx) {
      const secret = await readSecret(ctx.env, str(ctx, 'secret-env'), ctx.stdin);
      const app = await ctx.services.apps.upsert({
        appId: required(ctx, 'appid'), kind: required(ctx, 'kind') as 'miniprogram', secret,
        ...(str(ctx, 'name') === undefined ? {} : { name: str(ctx, 'name') }),
        ...(str(ctx, 'open-platform') === undefined ? {} : { openPlatformId: str(ctx, 'open-platform') }),
      });
      ctx.out.result(app, `app ${app.appId} (${app.kind}) saved`);
    },
  },
  'apps list': {
    usage: 'apps list', summary: 'list WeChat apps (secrets are never shown)', options: {},
    async run(ctx) {
      const apps = await ctx.services.apps.list();
      ctx.out.result(apps, apps.map((a) => `${a.appId}\t${a.kind}\t${a.openPlatformId ?? '-'}\t${a.name ?? ''}`).join('\n') || '(no apps)');
    },
  },
  'apps remove': {
    usage: 'apps remove --appid <id>', summary: 'remove a WeChat app', options: { appid: { type: 'string' } },
    async run(ctx) {
      const appId = required(ctx, 'appid');
      await ctx.services.apps.remove(appId);
      ctx.out.result({ appId, removed: true }, `app ${appId} removed`);
    },
  },
  'resources add': {
    usage: 'resources add --uri <uri> --scope "a b" [--ttl 600] [--alg ES256|RS256]',
    summary: 'add a resource server (the access-token audience)',
    options: { uri: { type: 'string' }, scope: { type: 'string' }, ttl: { type: 'string' }, alg: { type: 'string' } },
    async run(ctx) {
      const ttl = str(ctx, 'ttl');
      const server = await ctx.services.resourceServers.add({
        uri: required(ctx, 'uri'), scopes: required(ctx, 'scope'),
        ...(ttl === undefined ? {} : { accessTokenTtl: Number(ttl) }),
        ...(str(ctx, 'alg') === undefined ? {} : { signingAlg: str(ctx, 'alg') as 'ES256' }),
      });
      ctx.out.result(server, `resource server ${server.uri} added`);
    },
  },
  'resources list': {
    usage: 'resources list', summary: 'list resource servers', options: {},
    async run(ctx) {
      const servers = await ctx.services.resourceServers.list();
      ctx.out.result(servers, servers.map((s) => `${s.uri}\t${s.scopes.join(' ')}\tttl=${s.accessTokenTtl}\t${s.signingAlg}`).join('\n') || '(no resource servers)');
    },
  },
  'clients add': {
    usage: 'clients add --id <client_id> [--app <appid> --public] [--scope "..."] [--resource <uri>]',
    summary: 'add a public mini-program client (--public --app) or a confidential service client (prints its secret once)',
    options: { id: { type: 'string' }, app: { type: 'string' }, public: { type: 'boolean' }, scope: { type: 'string' }, resource: { type: 'string' } },
    async run(ctx) {
      const scopes = (str(ctx, 'scope') ?? '').split(' ').filter((s) => s !== '');
      const oidcScopes = scopes.filter((s) => (OIDC_SCOPES as readonly string[]).includes(s));
      const apiScopes = scopes.filter((s) => !(OIDC_SCOPES as readonly string[]).includes(s));
      const resource = str(ctx, 'resource');
      if (resource === undefined && apiScopes.length > 0) throw new UsageError(`scopes ${apiScopes.join(' ')} need --resource`);
      const resources = resource === undefined ? {} : { [resource]: apiScopes.join(' ') };
      const common = { clientId: required(ctx, 'id'), resources, ...(resource === undefined ? {} : { defaultResource: resource }) };
      const registered = ctx.values['public'] === true
        ? await ctx.services.clients.register({ type: 'miniprogram', wechatAppId: required(ctx, 'app'), ...(oidcScopes.length > 0 ? { scope: oidcScopes.join(' ') } : {}), ...common })
        : await ctx.services.clients.register({ type: 'service', ...common });
      const text = registered.clientSecret === undefined
        ? `client ${registered.clientId} added`
        : `client ${registered.clientId} added\nclient_secret: ${registered.clientSecret}\n(store it now: it is not shown again)`;
      ctx.out.result(registered, text);
    },
  },
  'keys list': {
    usage: 'keys list', summary: 'list signing keys and which one signs', options: {},
    async run(ctx) {
      const keys = await ctx.services.keys.list();
      ctx.out.result(keys, keys.map((k) => `${k.kid}\t${k.alg}\t${k.state}\tfrom ${k.activatesAt.toISOString()}`).join('\n') || '(no keys yet: they are generated on first start)');
    },
  },
  'users show': {
    usage: 'users show <sub>', summary: 'show an account and its WeChat identities', options: {},
    async run(ctx) {
      const account = await ctx.services.users.show(sub(ctx));
      ctx.out.result(account, [`${account.id}\t${account.status}`, ...account.identities.map((i) => `  ${i.appId}\t${i.openId}\t${i.unionId ?? '-'}`)].join('\n'));
    },
  },
  'users disable': {
    usage: 'users disable <sub>', summary: 'disable an account and revoke all its grants and refresh tokens', options: {},
    async run(ctx) {
      const account = await ctx.services.users.disable(sub(ctx));
      ctx.out.result({ id: account.id, status: account.status }, `account ${account.id} disabled; its grants are revoked`);
    },
  },
  'users enable': {
    usage: 'users enable <sub>', summary: 'enable a disabled account', options: {},
    async run(ctx) {
      const account = await ctx.services.users.enable(sub(ctx));
      ctx.out.result({ id: account.id, status: account.status }, `account ${account.id} enabled`);
    },
  },
};
