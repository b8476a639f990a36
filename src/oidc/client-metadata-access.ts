/** Reads our extra client metadata (`wechat_appid`, design.md §1) off an oidc-provider Client. */
import type { Client } from 'oidc-provider';

// client.metadata() rebuilds the whole metadata object on each call; oidc-provider keeps one Client
// instance per distinct stored metadata, so the answer is kept per instance (bench/README.md, profile).
const appIds = new WeakMap<Client, string | undefined>();

export function clientWeChatAppId(client: Client | undefined): string | undefined {
  if (client === undefined) return undefined;
  if (appIds.has(client)) return appIds.get(client);
  const value = client.metadata()['wechat_appid'];
  const appId = typeof value === 'string' ? value : undefined;
  appIds.set(client, appId);
  return appId;
}
