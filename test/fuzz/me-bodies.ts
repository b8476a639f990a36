/**
 * The /me/* property (design.md §4; issue #15 "Fuzzing at scale"): the user's own endpoints — profile
 * PATCH/POST, phone, legacy decrypt and verify-signature, export, userinfo, and DELETE /me with
 * tokens that are not the user's — with a valid user token, one without the needed scope, garbage
 * tokens or none, and bodies of every shape: plausible members with wrong types, random JSON,
 * broken JSON, lone surrogates, NUL bytes, huge strings, a token in the body, wrong content types.
 * Invariants: never a 5xx; every JSON refusal is `{ error, error_description? }`; no secret in an
 * answer or a log line (the leak watch).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { callMe, setUpUserApp, signIn } from '../me/me-fixtures.ts';
import { startTestApp } from '../support/test-app.ts';
import { randomName } from '../support/wechat-fixtures.ts';
import { CI_RUNS } from './plan.ts';
import { cases, countAnswer, surface } from './surface.ts';

const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom('', 'x'.repeat(20_000), 'a\u0000b', '\u0000', 'https://evil.example/p.png', 'javascript:alert(1)',
    'AAAAAAAAAAAAAAAAAAAAAA==', '0'.repeat(64), '微信用户', '\ud800', "' or 1=1 --", '<script>x</script>') },
);
const scalar = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const loose = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(text, text, { maxKeys: 2 }));
/** Bodies shaped like the real ones (phone code, profile, decrypt, signature), every member optional and of any type. */
const plausible = fc.record({
  code: fc.oneof(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'.split('')), minLength: 1, maxLength: 64 }), loose),
  nickname: loose, picture: loose, encryptedData: fc.oneof(fc.base64String({ maxLength: 64 }), loose), iv: fc.oneof(fc.base64String({ maxLength: 24 }), loose),
  rawData: fc.oneof(fc.json({ maxDepth: 1 }), loose), signature: fc.oneof(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'.split('')), maxLength: 40 }), loose),
  access_token: text, extra: loose,
}, { requiredKeys: [] });
const body = fc.oneof(
  { weight: 5, arbitrary: plausible.map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.constantFrom('', '{', '{"nickname":', 'null', '[]', '"x"', '{"__proto__":{"admin":true}}', 'nickname=x&picture=y') },
  { weight: 1, arbitrary: fc.constant<string | undefined>(undefined) },
);
const TARGETS = [
  ['POST', '/me/phone'], ['PATCH', '/me/profile'], ['POST', '/me/profile'], ['POST', '/me/wechat/decrypt'], ['POST', '/me/wechat/verify-signature'],
  ['GET', '/me/export'], ['GET', '/me'], ['POST', '/me'], ['DELETE', '/me'], ['PUT', '/me/profile'], ['POST', '/me/wechat/unknown'],
] as const;
type TokenKind = 'valid' | 'narrow' | 'garbage' | 'none' | 'query';

export const meBodies = surface({
  name: 'me-bodies',
  ciRuns: CI_RUNS['me-bodies'],
  async prepare(stats) {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const user = randomName('fuzz-user');
    // Tokens expire during a long run: fresh ones every minute keep the cases authenticated.
    const fresh = async () => ({ all: (await signIn(mp, user)).accessToken, narrow: (await signIn(mp, user, 'openid')).accessToken, at: Date.now() });
    let tokens = await fresh();
    const arbitrary = fc.record({
      target: fc.constantFrom(...TARGETS),
      token: fc.constantFrom<TokenKind>('valid', 'valid', 'valid', 'narrow', 'garbage', 'none', 'query'),
      garbage: fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('x\u0000y', 'a'.repeat(9000), 'eyJhbGciOiJub25lIn0.e30.', '..', 'Bearer x')),
      body,
      contentType: fc.oneof({ weight: 5, arbitrary: fc.constant<string | null>('application/json') },
        { weight: 1, arbitrary: fc.constantFrom('application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', null) }),
    });

    return cases({
      arbitrary,
      async check({ target: [method, path], token: kind, garbage, body: payload, contentType }) {
        if (Date.now() - tokens.at > 60_000) tokens = await fresh();
        // The user's own token never deletes the account the other cases use.
        const chosen = method === 'DELETE' && (kind === 'valid' || kind === 'query') ? 'garbage' : kind;
        const token = chosen === 'valid' ? tokens.all : chosen === 'narrow' ? tokens.narrow : chosen === 'garbage' ? garbage : undefined;
        const headers: Record<string, string> = contentType === null ? {} : { 'content-type': contentType };
        const sendsBody = payload !== undefined && method !== 'GET';
        let answer;
        try {
          answer = await callMe(app, method, path, {
            ...(token === undefined ? {} : { token }),
            ...(sendsBody ? { rawBody: payload } : {}),
            headers: sendsBody ? headers : {},
            ...(chosen === 'query' ? { query: `?access_token=${encodeURIComponent(tokens.all)}` } : {}),
          });
        } catch (error) {
          // fetch itself refuses a header value it cannot send (CR, LF, NUL, non-Latin-1): no request, no answer.
          if (error instanceof TypeError && /header|ByteString/i.test(`${error.message} ${error.cause instanceof Error ? error.cause.message : ''}`)) return;
          throw error;
        }
        countAnswer(stats, answer.status);
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400 && answer.headers.get('content-type')?.startsWith('application/json') === true) {
          expect(answer.body).toEqual(expect.objectContaining({ error: expect.any(String) }));
        }
      },
    });
  },
});
