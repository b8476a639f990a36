/**
 * The one cached access token per WeChat app (wechat-api.md §6.2, design.md §4), shared by every
 * instance. The token is a credential for the app's server APIs, so it is kept only as ciphertext
 * under the master key. `generation` grows with each replacement: callers compare-and-swap on it.
 */
import { defineEntity, p } from '@mikro-orm/core';

export const WeChatAccessTokenSchema = defineEntity({
  name: 'WeChatAccessToken',
  tableName: 'wechat_access_tokens',
  properties: {
    appId: p.string().length(32).primary(),
    tokenCiphertext: p.text(),
    generation: p.integer(),
    fetchedAt: p.datetime(),
    /** When a proactive (normal-mode) refresh is due: before expiry, §12 rule 7. */
    refreshAt: p.datetime(),
    expiresAt: p.datetime(),
    /** The last `force_refresh:true` (§6.2: at most one per 30 s, 20 a day). */
    forcedAt: p.datetime().nullable(),
  },
});

export class WeChatAccessToken extends WeChatAccessTokenSchema.class {}
WeChatAccessTokenSchema.setClass(WeChatAccessToken);
