/**
 * Property-based fuzz of what WeChat answers to jscode2session (test-catalogue C-04 upstream side,
 * C-06, U-04); the property is test/fuzz/wechat-response.ts, shared with `npm run fuzz`. numRuns: 150.
 */
import { describe, it } from 'vitest';
import { runSurface } from '../fuzz/run-surface.ts';
import { wechatResponse } from '../fuzz/wechat-response.ts';

describe('POST /token while WeChat answers random bytes (C-04, C-06)', () => {
  it(`answers 500 only for our misconfiguration and issues tokens only for a string openid (${String(wechatResponse.ciRuns)} runs)`, { timeout: 120_000 }, async () => {
    await runSurface(wechatResponse);
  });
});
