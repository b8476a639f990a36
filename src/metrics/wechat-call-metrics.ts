/**
 * A finished WeChat call (src/wechat/wechat-transport.ts WeChatCallEvent) as metric samples: the
 * `errcode` label is WeChat's errcode (0 on success) or, for a failure that has none, our bounded name
 * for it (`unavailable`, `rejected`, …). A 45011 on a code exchange is answered 429 (design.md §1), so it
 * counts as a rejection by WeChat's own rate limit too.
 */
import type { WeChatCallEvent } from '../wechat/wechat-transport.ts';
import type { Metrics } from './metrics.ts';

const CODE_EXCHANGES = new Set<WeChatCallEvent['endpoint']>(['jscode2session', 'oauth2_access_token']);

/** The call's errcode label: WeChat's errcode, `0` on success, or our bounded name for a failure without one. */
export function errcodeOf(event: WeChatCallEvent): string {
  return event.outcome === 'ok' ? '0' : event.errcode === undefined ? event.outcome.replace(/^wechat\./, '') : String(event.errcode);
}

export function recordWeChatCall(metrics: Pick<Metrics, 'observeWeChatCall' | 'countRateLimitRejection' | 'countPhoneQuotaExhausted'>, event: WeChatCallEvent): void {
  const errcode = errcodeOf(event);
  metrics.observeWeChatCall({ endpoint: event.endpoint, errcode, seconds: event.durationMs / 1000 });
  if (event.outcome === 'wechat.rate_limited' && CODE_EXCHANGES.has(event.endpoint)) metrics.countRateLimitRejection('code_exchange');
  // Issue 17 #6: the paid phone-number quota is used up (wechat-client.ts maps getuserphonenumber's 45009).
  if (event.outcome === 'wechat.quota_exhausted' && event.endpoint === 'getuserphonenumber') metrics.countPhoneQuotaExhausted();
}
