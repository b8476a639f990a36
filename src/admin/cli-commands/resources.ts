/** `wxbridge resources add|list|remove` (design.md §6): resource servers are access-token audiences. */
import type { ResourceServerInput } from '../../clients/resource-server-registry.ts';
import { integer, optional, required, str, table, type Command } from './command.ts';

export const RESOURCE_COMMANDS: Readonly<Record<string, Command>> = {
  'resources add': {
    usage: 'resources add --uri <uri> --scope "a b" [--ttl 600] [--alg ES256|RS256]',
    summary: 'add a resource server (the access-token audience)',
    options: { uri: { type: 'string' }, scope: { type: 'string' }, ttl: { type: 'string' }, alg: { type: 'string' } }, required: ['uri', 'scope'],
    async run(ctx) {
      const server = await ctx.services.resourceServers.add({
        uri: required(ctx, 'uri'), scopes: required(ctx, 'scope'),
        ...optional('accessTokenTtl', integer(ctx, 'ttl')), ...optional('signingAlg', str(ctx, 'alg') as ResourceServerInput['signingAlg']),
      });
      ctx.out.result(server, `resource server ${server.uri} added`);
    },
  },
  'resources list': {
    usage: 'resources list', summary: 'list resource servers', options: {},
    async run(ctx) {
      const servers = await ctx.services.resourceServers.list();
      ctx.out.result(servers, table(servers.map((s) => [s.uri, s.scopes.join(' '), `ttl=${s.accessTokenTtl}`, s.signingAlg]), '(no resource servers)'));
    },
  },
  'resources remove': {
    usage: 'resources remove --uri <uri>', summary: 'remove a resource server (refused while a client may use it)', options: { uri: { type: 'string' } }, required: ['uri'],
    async run(ctx) {
      const uri = required(ctx, 'uri');
      await ctx.services.resourceServers.remove(uri);
      ctx.out.result({ uri, removed: true }, `resource server ${uri} removed`);
    },
  },
};
