/**
 * The property of what WeChat answers to jscode2session (test-catalogue C-04 upstream side, C-06,
 * U-04): the simulator replies with random JSON (wrong types for openid and session_key, huge
 * numbers, duplicate keys, control characters, any errcode), garbage, truncated bodies, random HTTP
 * statuses and content types, and now and then too late. Invariants: a 500 only for an errcode that
 * means our misconfiguration or an unknown one (the injected "on purpose" faults); a token only when
 * the reply carried a string openid and session_key, and then for exactly that openid; every error a
 * well-formed OAuth error; an account only for such an openid.
 */
import fc from 'fast-check';
import { decodeJwt } from 'jose';
import { expect } from 'vitest';
import { escapeControlCharsInStrings } from '../../src/wechat/wechat-body.ts';
import { weChatErrcodes } from '../../src/wechat/wechat-errors.ts';
import { oauthErrorProblems } from '../support/oauth-error.ts';
import { startTestApp } from '../support/test-app.ts';
import { queryDatabase, randomName, setUpMiniProgram } from '../support/wechat-fixtures.ts';
import { CI_RUNS } from './plan.ts';
import { cases, countAnswer, surface } from './surface.ts';

const TIMEOUT_MS = 500;

const hex = (length: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'.split('')), minLength: length, maxLength: length });
const anyValue = fc.oneof(
  fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('', 'o'.repeat(5000), 'a\u0001b'),
  fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }), fc.object({ maxDepth: 1, maxKeys: 2 }),
);
const errcode = fc.oneof(
  fc.constantFrom(0, -1, 40029, 40163, 42003, 40226, 45011, 40125, 40013, 40164, 40243, 41004, 99999, '0', '40029', '45011'),
  fc.integer(), fc.string({ maxLength: 5 }),
);
const payload = fc.record({
  openid: fc.oneof({ weight: 3, arbitrary: hex(27).map((h) => `o${h}`) }, { weight: 2, arbitrary: anyValue }),
  session_key: fc.oneof({ weight: 3, arbitrary: fc.base64String({ minLength: 24, maxLength: 24 }) }, { weight: 1, arbitrary: anyValue }),
  unionid: anyValue,
  errcode,
  errmsg: fc.string({ maxLength: 20 }),
  expires_in: anyValue,
}, { requiredKeys: [] });
// A success with WeChat's quirks (§1.4, §1.5): `errcode: 0`, extra keys, any key order.
const success = fc.record({
  openid: hex(27).map((h) => `o${h}`), session_key: fc.base64String({ minLength: 24, maxLength: 24 }),
  errcode: fc.constant(0), expires_in: fc.integer(), errmsg: fc.string({ maxLength: 5 }),
}, { requiredKeys: ['openid', 'session_key'] }).chain((fields) => fc.shuffledSubarray(Object.entries(fields), { minLength: 2 })
  .filter((entries) => entries.some(([k]) => k === 'openid') && entries.some(([k]) => k === 'session_key')).map(Object.fromEntries));
const body = fc.oneof(
  { weight: 4, arbitrary: success.map((p) => JSON.stringify(p)) },
  { weight: 6, arbitrary: payload.map((p) => JSON.stringify(p)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: payload.map((p) => JSON.stringify(p)).chain((text) => fc.nat(text.length).map((n) => text.slice(0, n))) },
  { weight: 1, arbitrary: fc.constantFrom('{"openid":"oA","openid":1,"session_key":"k"}', '{"errcode":1e400}', '{"errcode":4.0029e4}', '[]', 'null',
    '{"openid":"o\u0000x","session_key":"a\tb"}', '\ufeff{"openid":"oBOM","session_key":"k"}', '{"openid":"oNUM","session_key":"k","errcode":"0"}') },
);
const reply = fc.record({
  body,
  status: fc.oneof({ weight: 8, arbitrary: fc.constant(200) }, { weight: 2, arbitrary: fc.constantFrom(201, 302, 400, 404, 500, 502, 503) }),
  contentType: fc.constantFrom('application/json; encoding=utf-8', 'text/plain', 'text/html; charset=gbk', 'application/octet-stream'),
  ms: fc.oneof({ weight: 19, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(TIMEOUT_MS + 200) }),
});

function parsed(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(escapeControlCharsInStrings(text.replace(/^\ufeff/, '')));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The reply as the oracle reads it: a deliberate misconfiguration errcode, or the identity it carries. */
function classify(r: { body: string; status: number; ms: number }): { misconfiguration: boolean; openid: string | undefined } {
  const value = r.status < 300 && r.ms < TIMEOUT_MS ? parsed(r.body) : undefined;
  const code = typeof value?.['errcode'] === 'string' && /^-?\d{1,9}$/.test(value['errcode']) ? Number(value['errcode']) : value?.['errcode'];
  const kind = typeof code === 'number' && Number.isInteger(code) && code !== 0 ? (weChatErrcodes.get(code)?.kind ?? 'rejected') : undefined;
  const isId = (id: unknown): id is string => typeof id === 'string' && /^[\x21-\x7e]{1,64}$/.test(id); // as src/wechat/wechat-responses.ts
  const identity = value !== undefined && (code === undefined || code === 0) && isId(value['openid']) && (value['unionid'] === undefined || isId(value['unionid']))
    && typeof value['session_key'] === 'string' && value['session_key'] !== '' ? value['openid'] : undefined;
  return { misconfiguration: kind === 'misconfigured' || kind === 'rejected', openid: identity };
}

export const wechatResponse = surface({
  name: 'wechat-response',
  ciRuns: CI_RUNS['wechat-response'],
  async prepare(stats) {
    // The failed-code limits off (issue #15 finding 7a): every run must reach WeChat, whose reply is the subject here.
    const app = await startTestApp({ env: { WXBRIDGE_WECHAT_TIMEOUT_MS: String(TIMEOUT_MS), WXBRIDGE_RATE_LIMIT_FAILED_CODES_PER_IP: '0', WXBRIDGE_RATE_LIMIT_FAILED_CODES_PER_CLIENT: '0' } });
    const mp = await setUpMiniProgram(app, { scope: 'openid wechat' });
    const openids = new Set<string>();
    return cases({
      arbitrary: reply,
      async check(r) {
        app.wechat.clearFaults();
        app.wechat.injectFault({ kind: 'raw', endpoint: 'jscode2session', ...r });
        const answer = await mp.post({ code: mp.code(randomName('fuzz')), scope: 'openid wechat' });
        const text = JSON.stringify(answer.body);
        const expected = classify(r);
        // The simulator keeps a bounded log; the property needs none of it.
        app.wechat.clearRequests();
        // WeChat's own failures are 503 by design (U-01, U-08), our misconfiguration 500 (U-07): not bad input.
        countAnswer(stats, answer.status, expected.misconfiguration || answer.status === 503);
        if (answer.status === 200) {
          expect(expected.openid).toEqual(expect.any(String));
          expect(decodeJwt(String(answer.body['id_token']))['wechat_openid']).toBe(expected.openid);
          openids.add(expected.openid ?? '');
          return;
        }
        expect(oauthErrorProblems({ status: answer.status, headers: answer.headers, text })).toEqual([]);
        if (answer.status === 500) expect(expected.misconfiguration).toBe(true);
        expect([400, 429, 500, 503]).toContain(answer.status);
      },
      async finish() {
        const [counts] = await queryDatabase<{ accounts: string; identities: string }>(app, 'select (select count(*) from accounts) as accounts, (select count(*) from wechat_identities) as identities');
        expect(counts).toEqual({ accounts: String(openids.size), identities: String(openids.size) });
      },
    });
  },
});
