/**
 * `wxbridge clients add|list|show|update|rotate-secret|remove` (design.md §6). A confidential
 * client's secret is printed once, by `add` and `rotate-secret`; nothing else ever shows it.
 */
import type { ClientView } from '../../clients/client-views.ts';
import { UsageError } from '../cli-io.ts';
import { formatDuration } from '../duration.ts';
import { duration, integer, optional, required, splitScopes, table, type Command } from './command.ts';

const once = (id: string, secret: string): string => `client_secret: ${secret}\n(store it now: it is not shown again; client ${id})`;
const describeClient = (c: ClientView): string => [
  `${c.clientId}\t${c.type}\tversion ${c.version}`,
  ...(c.wechatAppId === null ? [] : [`  app: ${c.wechatAppId}`, `  scope: ${c.scope ?? ''}`]),
  ...Object.entries(c.resources).map(([uri, scopes]) => `  resource: ${uri} ${scopes}${uri === c.defaultResource ? ' (default)' : ''}`),
  ...c.credentials.map((s) => `  secret issued ${s.createdAt}${s.expiresAt === null ? '' : `, expires ${s.expiresAt}`}`),
].join('\n');

export const CLIENT_COMMANDS: Readonly<Record<string, Command>> = {
  'clients add': {
    usage: 'clients add --id <client_id> [--app <appid> --public] [--admin] [--scope "..."] [--resource <uri>]',
    summary: 'add a public mini-program client (--public --app), an admin API client (--admin) or a service client (secret printed once)',
    options: { id: { type: 'string' }, app: { type: 'string' }, public: { type: 'boolean' }, admin: { type: 'boolean' }, scope: { type: 'string' }, resource: { type: 'string' } },
    async run(ctx) {
      const clientId = required(ctx, 'id');
      if (ctx.values['admin'] === true && (ctx.values['public'] === true || ctx.values['scope'] !== undefined)) throw new UsageError('--admin takes no --public or --scope: an admin client gets scope admin on the admin API');
      const { oidcScopes, resource, resources } = splitScopes(ctx);
      const common = { clientId, resources, ...optional('defaultResource', resource) };
      const registered = ctx.values['admin'] === true
        ? await ctx.services.clients.registerAdmin(clientId)
        : ctx.values['public'] === true
          ? await ctx.services.clients.register({ type: 'miniprogram', wechatAppId: required(ctx, 'app'), ...optional('scope', oidcScopes.length > 0 ? oidcScopes.join(' ') : undefined), ...common })
          : await ctx.services.clients.register({ type: 'service', ...common });
      ctx.out.result(registered, registered.clientSecret === undefined ? `client ${clientId} added` : `client ${clientId} added\n${once(clientId, registered.clientSecret)}`);
    },
  },
  'clients list': {
    usage: 'clients list [--limit 50] [--cursor <client_id>]', summary: 'list clients, a page at a time (secrets are never shown)',
    options: { limit: { type: 'string' }, cursor: { type: 'string' } },
    async run(ctx) {
      const page = await ctx.services.clients.list({ limit: integer(ctx, 'limit') ?? 50, ...optional('cursor', ctx.values['cursor'] as string | undefined) });
      const rows = table(page.items.map((c) => [c.clientId, c.type, c.wechatAppId, Object.keys(c.resources).join(','), `v${c.version}`]), '(no clients)');
      ctx.out.result(page, page.nextCursor === null ? rows : `${rows}\n(more: --cursor ${page.nextCursor})`);
    },
  },
  'clients show': {
    usage: 'clients show --id <client_id>', summary: 'show a client (its version is what `clients update` needs)', options: { id: { type: 'string' } },
    async run(ctx) {
      const client = await ctx.services.clients.show(required(ctx, 'id'));
      ctx.out.result(client, describeClient(client));
    },
  },
  'clients update': {
    usage: 'clients update --id <client_id> --version <n> [--scope "..."] [--resource <uri>]',
    summary: 'change a client\'s scopes and resource; refused if it changed since you read --version',
    options: { id: { type: 'string' }, version: { type: 'string' }, scope: { type: 'string' }, resource: { type: 'string' } },
    async run(ctx) {
      const version = integer(ctx, 'version');
      if (version === undefined) throw new UsageError('--version is required (see `clients show`)');
      const { oidcScopes, resource, resources } = splitScopes(ctx);
      const client = await ctx.services.clients.update(required(ctx, 'id'), {
        version,
        ...(oidcScopes.length > 0 ? { scope: oidcScopes.join(' ') } : {}),
        ...(resource === undefined ? {} : { resources, defaultResource: resource }),
      });
      ctx.out.result(client, describeClient(client));
    },
  },
  'clients rotate-secret': {
    usage: 'clients rotate-secret --id <client_id> [--overlap 24h]',
    summary: 'issue a new secret (printed once); the old one keeps working for the overlap, then stops',
    options: { id: { type: 'string' }, overlap: { type: 'string' } },
    async run(ctx) {
      const overlapSeconds = duration(ctx, 'overlap');
      const rotated = await ctx.services.clients.rotateSecret(required(ctx, 'id'), { overlapSeconds });
      const until = rotated.previousSecretsExpireAt === null ? '' : `\nthe previous secret works until ${rotated.previousSecretsExpireAt}${overlapSeconds === undefined ? '' : ` (overlap ${formatDuration(overlapSeconds)})`}`;
      ctx.out.result(rotated, `${once(rotated.clientId, rotated.clientSecret)}${until}`);
    },
  },
  'clients remove': {
    usage: 'clients remove --id <client_id>', summary: 'remove a client and revoke its grants and refresh tokens', options: { id: { type: 'string' } },
    async run(ctx) {
      const clientId = required(ctx, 'id');
      await ctx.services.clients.remove(clientId);
      ctx.out.result({ clientId, removed: true }, `client ${clientId} removed; its grants are revoked`);
    },
  },
};
