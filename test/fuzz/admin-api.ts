/**
 * The admin API property (test-catalogue A-09, A-04): random JSON of every shape, plausible bodies
 * with wrong types, unicode, binary and 20 KB strings, arrays for scalars, invalid JSON and invalid
 * UTF-8, wrong content types, and random query parameters, against every writing endpoint.
 * Invariants: never a 5xx; every refusal is `{ error, message }` with no-store.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { adminApi } from '../support/admin-api.ts';
import { rawRequest } from '../support/oauth-error.ts';
import { startTestApp } from '../support/test-app.ts';
import { addResourceServer, randomName, setUpMiniProgram } from '../support/wechat-fixtures.ts';
import { CI_RUNS } from './plan.ts';
import { cases, countAnswer, surface } from './surface.ts';

const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom('', 'x'.repeat(20_000), 'https://api.fuzz.example', 'wx0123456789abcdef', 'openid profile', '微信用户', '\u0000') },
);
const scalar = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const loose = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(text, text, { maxKeys: 3 }));
/** Bodies shaped like the real ones, with every member optional and of any type. */
const plausible = fc.record({
  type: fc.oneof(fc.constantFrom('service', 'miniprogram', 'admin', 'implicit'), loose),
  clientId: fc.oneof(fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', '-'), minLength: 3, maxLength: 12 }), loose),
  wechatAppId: loose, scope: loose, resources: loose, defaultResource: loose, version: loose,
  uri: loose, scopes: loose, accessTokenTtl: loose, signingAlg: fc.oneof(fc.constantFrom('ES256', 'RS256', 'none', 'HS256'), loose),
  // The secret draws from no shared constants: a stored value that also came back as a name would be a false leak.
  kind: fc.oneof(fc.constantFrom('miniprogram', 'app', 'web', 'official_account'), loose), secret: fc.oneof(scalar.filter((v) => typeof v !== 'string'), fc.string({ maxLength: 40 })), name: loose,
  openPlatformId: loose, appId: loose, overlapSeconds: loose,
}, { requiredKeys: [] });

const INVALID_UTF8 = Uint8Array.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]); // {"name":"\xff\xfe"}

export const adminApiSurface = surface({
  name: 'admin-api',
  ciRuns: CI_RUNS['admin-api'],
  async prepare(stats) {
    const app = await startTestApp();
    const api = await adminApi(app);
    let token = await api.token();
    let tokenAt = Date.now();
    const mp = await setUpMiniProgram(app);
    const resource = await addResourceServer(app, 'read');
    const svc = (await app.admin.clients.register({ type: 'service', clientId: randomName('svc'), resources: { [resource]: 'read' } })).clientId;
    const target = fc.constantFrom(
      ['POST', '/clients'], ['PATCH', `/clients/${svc}`], ['PATCH', `/clients/${mp.clientId}`], ['POST', `/clients/${svc}/rotate-secret`],
      ['PUT', `/apps/${mp.appId}`], ['PUT', '/apps/wx00000000000000ff'], ['POST', '/apps'], ['POST', '/resources'],
      ['PATCH', `/resources/${encodeURIComponent(resource)}`], ['POST', '/users/no-such-user/disable'], ['GET', '/clients'], ['GET', '/audit'],
    );
    const body = fc.oneof(
      { weight: 4, arbitrary: plausible.map((value) => JSON.stringify(value)) },
      { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
      { weight: 1, arbitrary: fc.constantFrom('', '{', '{"uri":', 'null', '[]', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}') },
      { weight: 1, arbitrary: fc.constant<string | Uint8Array>(INVALID_UTF8) },
    );
    const query = fc.dictionary(fc.constantFrom('limit', 'cursor', 'since', 'until', 'action', 'client_id', 'x'),
      fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('0', '-1', '201', '1e3', '2026-13-45', 'x'.repeat(600))), { maxKeys: 3 });
    const contentType = fc.oneof({ weight: 5, arbitrary: fc.constant<string | null>('application/json') },
      { weight: 1, arbitrary: fc.constantFrom('application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', null) });

    return cases({
      arbitrary: fc.tuple(target, body, query, contentType),
      async check([[method, path], payload, params, type]) {
        // A long run outlives an access token: a fresh one every minute keeps the cases authenticated.
        if (Date.now() - tokenAt > 60_000) [token, tokenAt] = [await api.token(), Date.now()];
        const search = new URLSearchParams(params).toString();
        const answer = await rawRequest(`${app.baseUrl}/admin/v1${path}${search === '' ? '' : `?${search}`}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(type === null ? {} : { 'content-type': type }) },
          ...(method === 'GET' ? {} : { body: payload }),
        });
        countAnswer(stats, answer.status);
        expect(answer.status).toBeLessThan(500);
        expect(answer.headers.get('cache-control')).toBe('no-store');
        if (answer.status >= 400) expect(JSON.parse(answer.text)).toEqual({ error: expect.any(String), message: expect.any(String) });
      },
    });
  },
});
