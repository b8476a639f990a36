/**
 * One fixed-window counter of the token-endpoint rate limits (docs/decisions/0013): requests of a
 * client or an IP address, or failed client authentications of an IP address, in the window that
 * starts at `windowStart`. Shared by every instance; rows of past windows are deleted periodically.
 */
import { defineEntity, p } from '@mikro-orm/core';

export const RateLimitCounterSchema = defineEntity({
  name: 'RateLimitCounter',
  tableName: 'rate_limit_counters',
  properties: {
    key: p.string().length(255).primary(),
    windowStart: p.datetime().primary().index('rate_limit_counters__window_start'),
    count: p.integer(),
  },
});

export class RateLimitCounter extends RateLimitCounterSchema.class {}
RateLimitCounterSchema.setClass(RateLimitCounter);
