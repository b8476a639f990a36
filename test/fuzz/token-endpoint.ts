/**
 * The POST /token property (test-catalogue C-04 request side; T-02, T-03, T-04, W-06, W-07, H-01):
 * genuine requests (a WeChat login, client_credentials) with up to three random mutations —
 * parameters dropped, duplicated, renamed or added, values replaced by real, hostile, binary or huge
 * ones — in invalid percent-encoding, invalid UTF-8 or JSON, under every kind of content type.
 * Invariants: never a 5xx; a token only for a request that carried a fresh WeChat code of the
 * client's app or the service client's real secret; every error a well-formed OAuth error that does
 * not reflect the content type.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { WECHAT_GRANT } from '../support/oidc-client.ts';
import { oauthErrorProblems, rawRequest } from '../support/oauth-error.ts';
import { startTestApp } from '../support/test-app.ts';
import { addResourceServer, randomName, setUpMiniProgram } from '../support/wechat-fixtures.ts';
import { CI_RUNS } from './plan.ts';
import { mutate, type Mutation, type Param } from './param-mutation.ts';
import { cases, countAnswer, surface } from './surface.ts';

const FRESH_CODE = '\u0000fresh-code';
const SERVICE_SECRET = '\u0000service-secret';

const names = fc.oneof(
  fc.constantFrom('grant_type', 'client_id', 'client_secret', 'code', 'scope', 'resource', 'phone_code', 'refresh_token',
    'openid', 'unionid', 'session_key', 'code[]', 'code[a]', 'grant_type[]', 'client_assertion', 'subject_token'),
  fc.string({ maxLength: 12 }),
);

function values(ids: { mp: string; svc: string; api: string }): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(WECHAT_GRANT, 'refresh_token', 'client_credentials', 'password', 'authorization_code', 'urn:ietf:params:oauth:grant-type:token-exchange') },
    { weight: 4, arbitrary: fc.constantFrom(ids.mp, ids.svc, 'no-such-client', FRESH_CODE, SERVICE_SECRET) },
    { weight: 2, arbitrary: fc.constantFrom('openid', 'openid profile offline_access', 'openid phone', 'read', ids.api, 'https://evil.example') },
    { weight: 3, arbitrary: fc.string({ maxLength: 40, unit: 'binary' }) },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', '\r\nX-Injected: 1', '../../sns/jscode2session', "' or 1=1 --", '%00', 'a'.repeat(70_000)) },
  );
}

type Encoding = 'form' | 'bad-percent' | 'bad-utf8' | 'json';
const CONTENT_TYPES = [
  'application/x-www-form-urlencoded; charset=utf-8', 'application/x-www-form-urlencoded; charset=bogus', 'application/json', 'text/plain',
  'multipart/form-data; boundary=x', 'invalid/@@##', '</><script>alert(1)</script>', '', null,
] as const;
const FORM = 'application/x-www-form-urlencoded';


/** A genuine request (a WeChat login, or client_credentials with Basic auth) to start mutating from. */
const TEMPLATES = {
  login: (mp: string): Param[] => [['grant_type', WECHAT_GRANT], ['client_id', mp], ['code', FRESH_CODE], ['scope', 'openid offline_access']],
  service: (): Param[] => [['grant_type', 'client_credentials']],
};

/** The request body bytes for `params` in `encoding`. */
function encode(params: readonly (readonly [string, string])[], encoding: Encoding): Uint8Array | string {
  switch (encoding) {
    case 'form': return new URLSearchParams(params.map(([k, v]): [string, string] => [k, v])).toString();
    case 'bad-percent': return params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}%zz%E0%A4%`).join('&');
    case 'json': return JSON.stringify(Object.fromEntries(params));
    case 'bad-utf8': {
      const form = new TextEncoder().encode(new URLSearchParams(params.map(([k, v]): [string, string] => [k, v])).toString());
      return Uint8Array.from([...form, 0x26, 0x78, 0x3d, 0xff, 0xfe, 0xc3, 0x28]); // "&x=" + invalid UTF-8
    }
  }
}

export const tokenEndpoint = surface({
  name: 'token-endpoint',
  ciRuns: CI_RUNS['token-endpoint'],
  async prepare(stats) {
    // Limits off so every case reaches the code it fuzzes (the limits have their own tests, test/reliability/rate-limits.test.ts).
    const app = await startTestApp({ env: { WXBRIDGE_RATE_LIMIT_AUTH_FAILURES_PER_IP: '0', WXBRIDGE_RATE_LIMIT_FAILED_CODES_PER_IP: '0', WXBRIDGE_RATE_LIMIT_FAILED_CODES_PER_CLIENT: '0' } });
    const api = await addResourceServer(app, 'read');
    const mp = await setUpMiniProgram(app, { scope: 'openid profile offline_access', resources: { [api]: 'read' } });
    const svc = await app.admin.clients.register({ type: 'service', clientId: randomName('svc'), resources: { [api]: 'read' }, defaultResource: api });
    const mutation = fc.record({
      op: fc.constantFrom<Mutation['op']>('drop', 'duplicate', 'value', 'name', 'add'),
      at: fc.nat(), name: names, value: values({ mp: mp.clientId, svc: svc.clientId, api }),
    });
    const arbitrary = fc.record({
      template: fc.constantFrom<keyof typeof TEMPLATES>('login', 'login', 'service'),
      mutations: fc.array(mutation, { maxLength: 3 }),
      encoding: fc.oneof({ weight: 6, arbitrary: fc.constant<Encoding>('form') }, { weight: 1, arbitrary: fc.constantFrom<Encoding>('bad-percent', 'bad-utf8', 'json') }),
      contentType: fc.oneof({ weight: 6, arbitrary: fc.constant<string | null>(FORM) }, { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) }),
      basic: fc.option(fc.constantFrom(`${svc.clientId}:${SERVICE_SECRET}`, `${mp.clientId}:`, 'x:y', '!!!'), { nil: undefined }),
    });

    return cases({
      arbitrary,
      async check({ template, mutations, encoding, contentType, basic: chosen }) {
        const params = mutations.reduce(mutate, TEMPLATES[template](mp.clientId));
        const basic = template === 'service' && mutations.length === 0 ? `${svc.clientId}:${SERVICE_SECRET}` : chosen;
        const real = params.map(([k, v]): [string, string] => [k, v === FRESH_CODE ? mp.code(randomName('fuzz')) : v === SERVICE_SECRET ? svc.clientSecret ?? '' : v]);
        const authorization = basic === undefined ? undefined : `Basic ${Buffer.from(basic.replace(SERVICE_SECRET, svc.clientSecret ?? '')).toString('base64')}`;
        // Only this case's exchanges can carry its fresh code (and a long run must not rescan them all).
        app.wechat.clearRequests();
        const answer = await rawRequest(`${app.baseUrl}/token`, {
          method: 'POST',
          headers: { ...(contentType === null ? {} : { 'content-type': contentType }), ...(authorization === undefined ? {} : { authorization }) },
          body: encode(real, encoding),
        });
        countAnswer(stats, answer.status);
        expect(answer.status).toBeLessThan(500);
        if (answer.status === 200) {
          const exchanges = app.wechat.requests;
          const usedFreshCode = real.some(([k, v]) => k === 'code' && exchanges.some((r) => r.query['js_code'] === v && r.outcome === 'ok'));
          const usedServiceSecret = params.some(([, v]) => v === SERVICE_SECRET) || basic?.includes(SERVICE_SECRET) === true;
          expect(usedFreshCode || usedServiceSecret).toBe(true);
        } else {
          expect(oauthErrorProblems(answer)).toEqual([]);
          expect(answer.text).not.toContain('<script>');
        }
      },
    });
  },
});
