/**
 * `wxbridge clients add|list|show|update|rotate-secret|remove` (design.md §6). A confidential
 * client's secret is printed once, by `add` and `rotate-secret`; nothing else ever shows it.
 */
import type { ClientView } from '../../clients/client-views.ts';
import { UsageError } from '../cli-io.ts';
import { formatDuration } from '../duration.ts';
import { aDuration, duration, integer, list, optional, PAGE_LIMIT, required, str, table, wholeNumber, type Command, type CommandContext, type Values } from './command.ts';
import { scopeGrants, type ScopeGrants } from './scope-grants.ts';

const once = (id: string, secret: string): string => `client_secret: ${secret}\n(store it now: it is not shown again; client ${id})`;
const describeClient = (c: ClientView): string => [
  `${c.clientId}\t${c.type}\tversion ${c.version}`,
  ...(c.wechatAppId === null ? [] : [`  app: ${c.wechatAppId}`]),
  ...(c.scope === null ? [] : [`  scope: ${c.scope}`]),
  ...(c.name === null ? [] : [`  name: ${c.name}`]),
  ...c.redirectUris.map((uri) => `  redirect uri: ${uri}`),
  ...c.postLogoutRedirectUris.map((uri) => `  post-logout redirect uri: ${uri}`),
  ...(c.scanAppId === null ? [] : [`  scan app: ${c.scanAppId}`]),
  ...(c.type === 'web' || c.type === 'spa' ? [`  consent: ${c.firstParty ? 'skipped (first party)' : 'asked (third party)'}`] : []),
  ...Object.entries(c.resources).map(([uri, scopes]) => `  resource: ${uri} ${scopes}${uri === c.defaultResource ? ' (default)' : ''}`),
  ...c.credentials.map((s) => `  secret issued ${s.createdAt}${s.expiresAt === null ? '' : `, expires ${s.expiresAt}`}`),
].join('\n');

/** `--resource` and its confirmation, as `clients add` and `clients update` take them. */
const RESOURCE_OPTIONS = { resource: { type: 'string', multiple: true }, 'allow-unscoped-resource': { type: 'boolean' } } as const;
/** What `--web` and `--spa` take (design.md §10). */
const BROWSER_OPTIONS = ['redirect-uri', 'post-logout-redirect-uri', 'first-party', 'scan-app', 'name', 'scope', 'resource', 'allow-unscoped-resource'] as const;
const VERSION = { min: 1, max: 999_999_999 };
const RESOURCE_USAGE = '[--resource <uri>[="a b"]]... [--allow-unscoped-resource]';

type Registered = Awaited<ReturnType<CommandContext['services']['clients']['register']>>;

/** `--web` or `--spa`: a browser client of the authorization code flow (design.md §10). */
const isBrowserClient = (ctx: Values): boolean => ctx.values['web'] === true || ctx.values['spa'] === true;

/** The scopes and resources of a new mini-program (--public), browser (--web, --spa) or service client; a service client has no OIDC scope. */
function newClientScopes(ctx: Values): ScopeGrants {
  const grants = scopeGrants(ctx);
  if (ctx.values['public'] !== true && !isBrowserClient(ctx) && grants.oidcScopes.length > 0) {
    throw new UsageError(`a service client acts for no user, so it gets no OIDC scope (${grants.oidcScopes.join(' ')}); --scope names the API scopes of its --resource`);
  }
  return grants;
}

async function registerWithScopes(ctx: CommandContext, clientId: string): Promise<Registered> {
  const { oidcScopes, resources, defaultResource, allowUnscopedResources } = newClientScopes(ctx);
  const common = { clientId, resources, ...optional('defaultResource', defaultResource) };
  const scope = oidcScopes.length > 0 ? oidcScopes.join(' ') : undefined;
  if (isBrowserClient(ctx)) {
    return ctx.services.clients.register({
      type: ctx.values['web'] === true ? 'web' : 'spa', ...common, ...optional('scope', scope), ...optional('name', str(ctx, 'name')),
      redirectUris: list(ctx, 'redirect-uri'), postLogoutRedirectUris: list(ctx, 'post-logout-redirect-uri'), firstParty: ctx.values['first-party'] === true,
      ...optional('scanAppId', str(ctx, 'scan-app')),
    }, { allowUnscopedResources });
  }
  if (ctx.values['public'] !== true) return ctx.services.clients.register({ type: 'service', ...common }, { allowUnscopedResources });
  return ctx.services.clients.register({ type: 'miniprogram', wechatAppId: required(ctx, 'app'), ...optional('scope', scope), ...common }, { allowUnscopedResources });
}

export const CLIENT_COMMANDS: Readonly<Record<string, Command>> = {
  'clients add': {
    usage: `clients add --id <client_id> [--public --app <appid> | --admin | --web|--spa --redirect-uri <uri>... [--post-logout-redirect-uri <uri>]... [--first-party] [--scan-app <appid>] [--name "..."]] [--scope "..."] ${RESOURCE_USAGE}`,
    summary: 'add a public mini-program client (--public --app), an admin API client (--admin), a browser web app (--web, secret printed once) or single-page app (--spa), or a service client (secret printed once)',
    options: {
      id: { type: 'string' }, app: { type: 'string' }, public: { type: 'boolean' }, admin: { type: 'boolean' }, scope: { type: 'string' }, ...RESOURCE_OPTIONS,
      web: { type: 'boolean' }, spa: { type: 'boolean' }, 'redirect-uri': { type: 'string', multiple: true }, 'post-logout-redirect-uri': { type: 'string', multiple: true },
      'first-party': { type: 'boolean' }, 'scan-app': { type: 'string' }, name: { type: 'string' },
    },
    required: ['id'],
    variants: [
      { name: 'a mini-program client', chosenBy: 'public', takes: ['app', 'scope', 'resource', 'allow-unscoped-resource'], requires: ['app'] },
      { name: 'a web app', chosenBy: 'web', takes: [...BROWSER_OPTIONS], requires: ['redirect-uri'] },
      { name: 'a single-page app', chosenBy: 'spa', takes: [...BROWSER_OPTIONS], requires: ['redirect-uri'] },
      // design.md §6: an admin client gets scope admin on the admin API, nothing else.
      { name: 'an admin API client', chosenBy: 'admin', takes: [] },
      { name: 'a service client', takes: ['scope', 'resource', 'allow-unscoped-resource'] },
    ],
    check: (line) => { if (line.values['admin'] !== true) newClientScopes(line); },
    async run(ctx) {
      const clientId = required(ctx, 'id');
      const registered = ctx.values['admin'] === true ? await ctx.services.clients.registerAdmin(clientId) : await registerWithScopes(ctx, clientId);
      ctx.out.result(registered, registered.clientSecret === undefined ? `client ${clientId} added` : `client ${clientId} added\n${once(clientId, registered.clientSecret)}`);
    },
  },
  'clients list': {
    usage: 'clients list [--limit 50] [--cursor <client_id>]', summary: 'list clients, a page at a time (secrets are never shown)',
    options: { limit: { type: 'string' }, cursor: { type: 'string' } }, checks: { limit: wholeNumber(PAGE_LIMIT) },
    async run(ctx) {
      const page = await ctx.services.clients.list({ limit: integer(ctx, 'limit', PAGE_LIMIT) ?? 50, ...optional('cursor', str(ctx, 'cursor')) });
      const rows = table(page.items.map((c) => [c.clientId, c.type, c.wechatAppId, Object.keys(c.resources).join(','), `v${c.version}`]), '(no clients)');
      ctx.out.result(page, page.nextCursor === null ? rows : `${rows}\n(more: --cursor ${page.nextCursor})`);
    },
  },
  'clients show': {
    usage: 'clients show --id <client_id>', summary: 'show a client (its version is what `clients update` needs)', options: { id: { type: 'string' } }, required: ['id'],
    async run(ctx) {
      const client = await ctx.services.clients.show(required(ctx, 'id'));
      ctx.out.result(client, describeClient(client));
    },
  },
  'clients update': {
    usage: `clients update --id <client_id> --version <n> [--scope "..."] ${RESOURCE_USAGE}`,
    summary: 'change a client\'s scopes and resources (--resource replaces them all); refused if it changed since you read --version',
    options: { id: { type: 'string' }, version: { type: 'string' }, scope: { type: 'string' }, ...RESOURCE_OPTIONS },
    required: ['id', 'version'], checks: { version: wholeNumber(VERSION) }, check: scopeGrants,
    async run(ctx) {
      const version = integer(ctx, 'version', VERSION) ?? 0;
      const grants = scopeGrants(ctx);
      const client = await ctx.services.clients.update(required(ctx, 'id'), {
        version,
        ...(grants.oidcScopes.length > 0 ? { scope: grants.oidcScopes.join(' ') } : {}),
        ...(grants.defaultResource === undefined ? {} : { resources: grants.resources, defaultResource: grants.defaultResource }),
      }, { allowUnscopedResources: grants.allowUnscopedResources });
      ctx.out.result(client, describeClient(client));
    },
  },
  'clients rotate-secret': {
    usage: 'clients rotate-secret --id <client_id> [--overlap 24h]',
    summary: 'issue a new secret (printed once); the old one keeps working for the overlap, then stops',
    options: { id: { type: 'string' }, overlap: { type: 'string' } }, required: ['id'], checks: { overlap: aDuration },
    async run(ctx) {
      const overlapSeconds = duration(ctx, 'overlap');
      const rotated = await ctx.services.clients.rotateSecret(required(ctx, 'id'), { overlapSeconds });
      const until = rotated.previousSecretsExpireAt === null ? '' : `\nthe previous secret works until ${rotated.previousSecretsExpireAt}${overlapSeconds === undefined ? '' : ` (overlap ${formatDuration(overlapSeconds)})`}`;
      ctx.out.result(rotated, `${once(rotated.clientId, rotated.clientSecret)}${until}`);
    },
  },
  'clients remove': {
    usage: 'clients remove --id <client_id>', summary: 'remove a client and revoke its grants and refresh tokens', options: { id: { type: 'string' } }, required: ['id'],
    async run(ctx) {
      const clientId = required(ctx, 'id');
      await ctx.services.clients.remove(clientId);
      ctx.out.result({ clientId, removed: true }, `client ${clientId} removed; its grants are revoked`);
    },
  },
};
