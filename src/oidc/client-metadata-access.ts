/** Reads our extra client metadata (`wechat_appid`, design.md §1) off an oidc-provider Client. */
import type { Client } from 'oidc-provider';

export function clientWeChatAppId(client: Client | undefined): string | undefined {
  const value = client?.metadata()['wechat_appid'];
  return typeof value === 'string' ? value : undefined;
}
