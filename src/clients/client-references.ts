/**
 * What a client registration refers to must exist (design.md §6; test-catalogue A-04): its WeChat
 * app, the mini-program its sign-in page shows (browser clients), its resource servers and, on each, only scopes that server offers.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../errors.ts';
import { WeChatApp } from '../wechat-apps/wechat-app.entity.ts';
import type { ParsedClientInput } from './client-metadata.ts';
import type { ResourceServerRegistry } from './resource-server-registry.ts';

export async function checkClientReferences(input: ParsedClientInput, deps: { resourceServers: Pick<ResourceServerRegistry, 'find'>; em: EntityManager }): Promise<void> {
  if (input.type === 'miniprogram' && (await deps.em.count(WeChatApp, { appId: input.wechatAppId })) === 0) {
    throw new AppError('client.invalid_metadata', `wechatAppId: unknown WeChat app ${input.wechatAppId}; add it first (wxbridge apps add)`);
  }
  if ((input.type === 'web' || input.type === 'spa') && input.scanAppId !== undefined
    && (await deps.em.count(WeChatApp, { appId: input.scanAppId, kind: 'miniprogram' })) === 0) {
    throw new AppError('client.invalid_metadata', `scanAppId: ${input.scanAppId} is not a mini-program app; add it first (wxbridge apps add --kind miniprogram)`);
  }
  for (const [uri, scopes] of Object.entries(input.resources)) {
    const server = await deps.resourceServers.find(uri);
    if (server === null) throw new AppError('client.invalid_metadata', `resources: unknown resource server ${uri}`);
    const unknown = scopes === '' ? [] : scopes.split(' ').filter((scope) => !server.scopes.includes(scope));
    if (unknown.length > 0) throw new AppError('client.invalid_metadata', `resources: ${uri} does not offer ${unknown.join(', ')}`);
  }
  if (input.defaultResource !== undefined && !(input.defaultResource in input.resources)) {
    throw new AppError('client.invalid_metadata', 'defaultResource must be one of the client\'s resources');
  }
}
