/**
 * The browser endpoints' property (design.md §10; issue #15 "Fuzzing at scale"): the authorization
 * endpoint with mutated parameters (client_id, redirect_uri, prompt, max_age, PKCE, scope, response
 * type: dropped, duplicated, renamed, replaced by hostile or binary values); the /interaction/* routes
 * of a real interaction (with and without its cookies) or a made-up one, cross-site posts included;
 * the WeChat callback with a real or random state and a real or random code; and /session/end.
 * Invariants: never a 5xx; a redirect only to wxbridge, to WeChat's sign-in page, or to a URI the
 * client registered; no secret in an answer or a log line (the leak watch).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { registerRelyingParty, setUpBrowserApps } from '../support/browser-sign-in.ts';
import { startTestApp } from '../support/test-app.ts';
import { randomName } from '../support/wechat-fixtures.ts';
import { CI_RUNS } from './plan.ts';
import { mutate, type Mutation, type Param } from './param-mutation.ts';
import { cases, countAnswer, surface } from './surface.ts';


const names = fc.oneof(
  fc.constantFrom('client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'nonce', 'prompt', 'max_age', 'code_challenge', 'code_challenge_method',
    'response_mode', 'request', 'request_uri', 'claims', 'ui_locales', 'id_token_hint', 'login_hint', 'acr_values', 'resource', 'display', 'registration'),
  fc.string({ maxLength: 12 }),
);
const hostile = fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '%00', '\r\nSet-Cookie: x=1', "' or 1=1 --", '<script>alert(1)</script>', 'x'.repeat(9000),
  'https://evil.example/cb', 'javascript:alert(1)', '//evil.example', 'http://127.0.0.1:1/callback', '{"userinfo":{"phone_number":null}}', 'eyJhbGciOiJub25lIn0.e30.');
const promptValues = fc.constantFrom('none', 'login', 'consent', 'select_account', 'login consent', 'none login', 'create', 'LOGIN');
const maxAge = fc.oneof(fc.constantFrom('0', '-1', '1e99', 'abc', '99999999999999999999', '3600', '1.5', ' 1'), fc.integer().map(String));
const challenge = fc.oneof(fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJabcdefghij0123456789-_'.split('')), minLength: 0, maxLength: 128 }), fc.constantFrom('S256', 'plain', 's256', ''));

export const browserEndpoints = surface({
  name: 'browser-endpoints',
  ciRuns: CI_RUNS['browser-endpoints'],
  async prepare(stats) {
    const app = await startTestApp();
    const apps = await setUpBrowserApps(app);
    const rp = await registerRelyingParty(app, { name: 'Fuzz shop', scope: 'openid profile' });
    const issuer = new URL(app.issuer).origin;
    const wechatOrigin = new URL(app.config.wechat.openBaseUrl).origin;
    const registered = [rp.site.callback, rp.site.loggedOut];
    const value = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(rp.clientId, 'no-such-client', rp.site.callback, `${rp.site.callback}/../x`, `${rp.site.callback}?x=1`, rp.site.loggedOut, 'code', 'token', 'id_token', 'openid', 'openid profile phone', 'offline_access') },
      { weight: 2, arbitrary: promptValues }, { weight: 2, arbitrary: maxAge }, { weight: 2, arbitrary: challenge },
      { weight: 2, arbitrary: fc.string({ maxLength: 40, unit: 'binary' }) }, { weight: 2, arbitrary: hostile },
    );
    const mutation = fc.record({ op: fc.constantFrom<Mutation['op']>('drop', 'duplicate', 'value', 'name', 'add'), at: fc.nat(), name: names, value });
    const authorization = (): Param[] => [
      ['client_id', rp.clientId], ['redirect_uri', rp.site.callback], ['response_type', 'code'], ['scope', 'openid profile'],
      ['state', randomName('state')], ['nonce', randomName('nonce')], ['code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'], ['code_challenge_method', 'S256'],
    ];
    const route = fc.constantFrom('page', 'wechat/website-qr', 'wechat/official-account', 'wechat/unknown', 'wechat-callback', 'consent', 'abort', 'callback-with-state');
    const arbitrary = fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('auth' as const), mutations: fc.array(mutation, { maxLength: 3 }), method: fc.constantFrom('GET', 'GET', 'POST') }) },
      { weight: 4, arbitrary: fc.record({
        kind: fc.constant('interaction' as const), route,
        uid: fc.oneof({ weight: 4, arbitrary: fc.constant<string | null>(null) }, { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 30 }), hostile) }),
        cookies: fc.boolean(), state: fc.oneof(fc.string({ maxLength: 40 }), hostile), code: fc.oneof(fc.constant<string | null>(null), fc.string({ maxLength: 40 }), hostile),
        site: fc.constantFrom('same-origin', 'cross-site', ''), form: fc.string({ maxLength: 40 }),
      }) },
      { weight: 2, arbitrary: fc.record({
        kind: fc.constant('logout' as const), path: fc.constantFrom('/session/end', '/session/end/confirm', '/session/end/success'), method: fc.constantFrom('GET', 'POST'),
        params: fc.array(fc.tuple(fc.constantFrom('id_token_hint', 'post_logout_redirect_uri', 'state', 'client_id', 'ui_locales', 'xsrf', 'logout', 'x'), value), { maxLength: 4 }),
      }) },
    );

    const send = async (path: string, init: RequestInit = {}): Promise<Response> => {
      const response = await fetch(`${app.baseUrl}${path}`, { redirect: 'manual', ...init });
      await response.text();
      return response;
    };
    /** The answer's status counted and checked; a redirect's target must be wxbridge, WeChat or a registered URI. */
    const checked = (response: Response): void => {
      countAnswer(stats, response.status);
      expect(response.status).toBeLessThan(500);
      const location = response.headers.get('location');
      if (location === null) return;
      const target = new URL(location, app.baseUrl);
      const allowed = target.origin === issuer || target.origin === wechatOrigin || registered.some((uri) => `${target.origin}${target.pathname}` === uri);
      expect(allowed, `redirect to ${location}`).toBe(true);
    };
    /** A real interaction: its uid and the cookies that bind it to this browser. */
    const interaction = async (): Promise<{ uid: string; cookie: string }> => {
      const started = await send(`/auth?${new URLSearchParams(authorization().map(([k, v]): [string, string] => [k, v])).toString()}`);
      const uid = /\/interaction\/([^/?]+)/.exec(started.headers.get('location') ?? '')?.[1];
      if (uid === undefined) throw new Error(`no interaction: ${String(started.status)} ${String(started.headers.get('location'))}`);
      return { uid, cookie: started.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') };
    };

    return cases({
      arbitrary,
      async check(input) {
        if (input.kind === 'auth') {
          const query = new URLSearchParams(input.mutations.reduce(mutate, authorization()).map(([k, v]): [string, string] => [k, v])).toString();
          checked(input.method === 'GET'
            ? await send(`/auth?${query}`)
            : await send('/auth', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: query }));
          return;
        }
        if (input.kind === 'logout') {
          const query = new URLSearchParams(input.params.map(([k, v]): [string, string] => [k, v])).toString();
          checked(input.method === 'GET'
            ? await send(`${input.path}?${query}`)
            : await send(input.path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: query }));
          return;
        }
        const real = await interaction();
        const uid = encodeURIComponent(input.uid ?? real.uid);
        const headers: Record<string, string> = { ...(input.cookies ? { cookie: real.cookie } : {}), ...(input.site === '' ? {} : { 'sec-fetch-site': input.site }) };
        const callback = (state: string, code: string | null): string =>
          `/interaction/${uid}/wechat-callback?${new URLSearchParams({ state, ...(code === null ? {} : { code }) }).toString()}`;
        switch (input.route) {
          case 'page': checked(await send(`/interaction/${uid}`, { headers })); break;
          case 'wechat/website-qr': case 'wechat/official-account': case 'wechat/unknown':
            checked(await send(`/interaction/${uid}/${input.route}`, { headers })); break;
          case 'wechat-callback': checked(await send(callback(input.state, input.code), { headers })); break;
          case 'callback-with-state': {
            // A real trip to WeChat first: the state is genuine, the code random (or a real one of the website app).
            const trip = await send(`/interaction/${real.uid}/wechat/website-qr`, { headers: { cookie: real.cookie } });
            checked(trip);
            const state = new URL(trip.headers.get('location') ?? app.baseUrl, app.baseUrl).searchParams.get('state') ?? input.state;
            const code = input.code ?? app.wechat.issueCode({ appId: apps.website.appId, user: randomName('fuzz'), scope: 'snsapi_login' });
            checked(await send(callback(state, code), { headers }));
            break;
          }
          case 'consent': case 'abort':
            checked(await send(`/interaction/${uid}/${input.route}`, {
              method: 'POST', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded', origin: input.site === 'cross-site' ? 'https://evil.example' : app.baseUrl },
              body: new URLSearchParams({ x: input.form }).toString(),
            }));
            break;
        }
      },
    });
  },
});
