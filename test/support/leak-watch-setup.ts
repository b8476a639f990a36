/**
 * Integration-project setup file (vitest.config.ts): wraps fetch to see every answer wxbridge gives
 * and every secret WeChat (the simulator) hands out, and scans for leaks after each test file
 * (test/support/leak-watch.ts). Only observes: requests and responses pass through unchanged.
 */
import { appendFileSync } from 'node:fs';
import { afterAll, expect } from 'vitest';
import { leakWatch, scanForLeaks } from './leak-watch.ts';

const WECHAT_PATHS = /^\/(sns|cgi-bin|wxa)\//;
const realFetch = globalThis.fetch;

function jsonFields(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The simulator's answers and our requests to it carry the secrets wxbridge must keep. */
function harvestWeChat(url: URL, requestBody: unknown, responseText: string): void {
  leakWatch.secret('app secret', url.searchParams.get('secret'));
  leakWatch.secret('login code', url.searchParams.get('js_code') ?? url.searchParams.get('code'));
  leakWatch.secret('wechat access token', url.searchParams.get('access_token'));
  const sent = typeof requestBody === 'string' ? jsonFields(requestBody) : {};
  leakWatch.secret('app secret', sent['secret']);
  const answer = jsonFields(responseText);
  leakWatch.secret('session key', answer['session_key']);
  leakWatch.secret('wechat access token', answer['access_token']);
}

/** wxbridge's answers: recorded for the scan, and the tokens and secrets they hand out harvested. */
function observeWxbridge(url: URL, method: string, requestBody: unknown, response: Response, text: string): void {
  const answer = jsonFields(text);
  leakWatch.secret('refresh token', answer['refresh_token']);
  leakWatch.secret('access token', answer['access_token']);
  leakWatch.secret('id token', answer['id_token']);
  leakWatch.secret('client secret', answer['clientSecret']);
  if (url.pathname.startsWith('/sandbox/')) leakWatch.secret('login code', answer['code']);
  // Only a stored AppSecret is wxbridge's to keep (a refused one was never accepted); fuzzed bodies
  // store words too ("hasOwnProperty"), so only random-looking values count.
  const stored = response.ok && url.pathname.includes('/admin/v1/apps') && typeof requestBody === 'string' ? jsonFields(requestBody)['secret'] : undefined;
  if (typeof stored === 'string' && /^(?=.*\d)(?=.*[a-z])[\w+/=-]{16,}$/i.test(stored)) leakWatch.secret('app secret', stored);
  const createsSecret = method === 'POST' && /\/admin\/v1\/clients(\/[^/]+\/rotate-secret)?$/.test(url.pathname);
  leakWatch.response(`${JSON.stringify([...response.headers])}\n${text}`, createsSecret);
}

globalThis.fetch = async (input, init) => {
  const response = await realFetch(input, init);
  const url = new URL(input instanceof Request ? input.url : String(input));
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  if (url.pathname.startsWith('/__simulator')) return response;
  leakWatch.track(response.clone().text().then((text) => {
    if (WECHAT_PATHS.test(url.pathname)) harvestWeChat(url, init?.body, text);
    else observeWxbridge(url, method, init?.body, response, text);
  }));
  return response;
};

afterAll(async () => {
  const { findings, ...counts } = await scanForLeaks();
  const file = process.env['WXBRIDGE_LEAK_STATS_FILE'];
  if (file !== undefined) appendFileSync(file, `${JSON.stringify({ file: expect.getState().testPath ?? null, ...counts, findings: findings.length })}\n`);
  expect(findings, 'secrets found in logs or responses (test/support/leak-watch.ts)').toEqual([]);
});
