/**
 * WeChat calls of one minute (issue 14, the console's Overview): how many calls to one WeChat endpoint
 * ended with one errcode (`0`: success; a bounded name such as `unavailable` for failures without one).
 * Every worker and instance adds its counts to the same row (src/overview/wechat-call-minutes.ts);
 * rows older than 7 days are deleted by housekeeping.
 */
import { defineEntity, p } from '@mikro-orm/core';

export const WeChatCallMinuteSchema = defineEntity({
  name: 'WeChatCallMinute',
  tableName: 'wechat_call_minutes',
  properties: {
    minute: p.datetime().primary(),
    endpoint: p.string().length(32).primary(),
    errcode: p.string().length(32).primary(),
    count: p.bigint(),
  },
});

export class WeChatCallMinute extends WeChatCallMinuteSchema.class {}
WeChatCallMinuteSchema.setClass(WeChatCallMinute);
