// WeChat's browser authorize pages as the simulator serves them over plain HTTP (wechat-api.md §8.1, §14 item 19;
// design.md §10): parameter errors shown on the page, the consent page's markup and headers, approve / deny
// redirects, codes bound to (appid, user, scope), and forms that only the page itself can submit.
import { describe, expect, it } from 'vitest';
import { json } from './app-token-helpers.ts';
import { exchangeOAuth, OA, startSimulator, WEB, type TestSimulator } from './simulator-fixture.ts';
import type { SimulatedApp } from '../../src/wechat-simulator/wechat-simulator.ts';

const CALLBACK = 'http://127.0.0.1:4000/wechat/callback';
const PATHS = { oauth2: '/connect/oauth2/authorize', qrconnect: '/connect/qrconnect' } as const;
type Flavour = keyof typeof PATHS;

function params(flavour: Flavour, overrides: Record<string, string | null> = {}): Record<string, string> {
  const base: Record<string, string | null> = flavour === 'oauth2'
    ? { appid: OA.appId, redirect_uri: CALLBACK, response_type: 'code', scope: 'snsapi_userinfo', state: 'xyz123' }
    : { appid: WEB.appId, redirect_uri: CALLBACK, response_type: 'code', scope: 'snsapi_login', state: 'xyz123' };
  const merged = { ...base, ...overrides };
  return Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== null));
}

function pageUrl(t: TestSimulator, flavour: Flavour, overrides: Record<string, string | null> = {}): string {
  return `${t.url}${PATHS[flavour]}?${new URLSearchParams(params(flavour, overrides)).toString()}`;
}

async function getPage(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers, redirect: 'manual' });
  return { status: response.status, headers: response.headers, html: await response.text() };
}

function ticketOf(html: string): string {
  const ticket = /name="ticket" value="([^"]+)"/.exec(html)?.[1];
  if (ticket === undefined) throw new Error('no ticket on the page');
  return ticket;
}

async function submit(url: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  });
  return { status: response.status, location: response.headers.get('location'), html: await response.text() };
}

/** Shows the page, then answers it as its own form would. */
async function approve(t: TestSimulator, url: string, user: string) {
  const ticket = ticketOf((await getPage(url)).html);
  return submit(url, { ticket, user }, { origin: t.url, 'sec-fetch-site': 'same-origin' });
}

describe('GET /connect/qrconnect and /connect/oauth2/authorize (item 19)', () => {
  it('shows a zh-CN consent page with the approve form, under a strict CSP and no-store', async () => {
    const t = await startSimulator();
    const page = await getPage(pageUrl(t, 'qrconnect'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const csp = page.headers.get('content-security-policy') ?? '';
    const nonce = /style-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(csp).toMatch(/^default-src 'none'; style-src 'nonce-[^']+'; img-src data:; form-action 'self' http: https:; frame-ancestors 'none'; base-uri 'none'$/);
    expect(page.html).toContain(`<style nonce="${String(nonce)}">`);
    expect(page.html).toContain('<html lang="zh-CN">');
    expect(page.html).toMatch(/<form id="wechat-approve" method="post" action="\/connect\/qrconnect\?[^"]+">/);
    expect(page.html).toMatch(/<input type="text" id="wechat-user" name="user"/);
    expect(page.html).toContain('<form id="wechat-deny"');
    expect(page.html).not.toMatch(/<script|src="http|href="http/);
  });

  it('speaks English for lang=en on qrconnect and for an English Accept-Language on oauth2/authorize', async () => {
    const t = await startSimulator();
    const qr = await getPage(pageUrl(t, 'qrconnect', { lang: 'en' }));
    const oa = await getPage(pageUrl(t, 'oauth2'), { 'accept-language': 'en-GB,en;q=0.9,zh-CN;q=0.5' });
    for (const page of [qr, oa]) {
      expect(page.html).toContain('<html lang="en">');
      expect(page.html).toContain('>Allow</button>');
    }
    expect((await getPage(pageUrl(t, 'oauth2'), { 'accept-language': 'zh-TW,en;q=0.5' })).html).toContain('>同意</button>');
  });

  const domainApp = { ...OA, redirectDomains: ['rp.example', '127.0.0.1:4000'] } satisfies SimulatedApp;
  it.each<[string, Flavour, Record<string, string | null>, number]>([
    ['no appid', 'oauth2', { appid: null }, 10012],
    ['an unknown appid', 'oauth2', { appid: 'wx0000000000000000' }, 40013],
    ['a website appid on the official-account page', 'oauth2', { appid: WEB.appId }, 10016],
    ['an official-account appid on the QR page', 'qrconnect', { appid: OA.appId }, 10005],
    ['no redirect_uri', 'oauth2', { redirect_uri: null }, 10011],
    ['a redirect_uri outside the authorized domains', 'oauth2', { redirect_uri: 'https://evil.example/cb' }, 10003],
    ['an authorized host on another port', 'oauth2', { redirect_uri: 'http://127.0.0.1:4001/cb' }, 10003],
    ['a javascript: redirect_uri', 'qrconnect', { redirect_uri: 'javascript:alert(1)' }, 10003],
    ['response_type=token', 'oauth2', { response_type: 'token' }, 10008],
    ['no scope', 'oauth2', { scope: null }, 10010],
    ['snsapi_login on the official-account page', 'oauth2', { scope: 'snsapi_login' }, 10005],
    ['snsapi_userinfo on the QR page', 'qrconnect', { scope: 'snsapi_userinfo' }, 10005],
    ['a 129-character state', 'oauth2', { state: 'a'.repeat(129) }, 10013],
    ['a state with a dash', 'qrconnect', { state: 'abc-def' }, 10013],
  ])('shows errcode on the page for %s, and never redirects', async (_name, flavour, overrides, errcode) => {
    const t = await startSimulator();
    t.sim.registerApp(domainApp);
    const page = await getPage(pageUrl(t, flavour, overrides));
    expect(page.status).toBe(400);
    expect(page.headers.get('location')).toBeNull();
    expect(page.html).toContain(`data-errcode="${String(errcode)}"`);
    expect(page.html).not.toContain('wechat-approve');
    expect(t.sim.requests.at(-1)).toMatchObject({ path: PATHS[flavour], endpoint: null, outcome: errcode });
  });

  it('accepts an authorized domain on any port, and no state at all', async () => {
    const t = await startSimulator();
    t.sim.registerApp({ ...WEB, redirectDomains: ['127.0.0.1'] });
    expect((await getPage(pageUrl(t, 'qrconnect', { state: null }))).status).toBe(200);
  });
});

describe('POST to an authorize page: approve and deny', () => {
  it('approves with a 302 to redirect_uri?code&state, keeping its own query, with a code for that user and scope', async () => {
    const t = await startSimulator();
    const url = pageUrl(t, 'oauth2', { redirect_uri: `${CALLBACK}?from=rp`, scope: 'snsapi_userinfo' });
    const answer = await approve(t, url, 'alice');
    expect(answer.status).toBe(302);
    const location = new URL(answer.location ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
    expect([...location.searchParams.keys()]).toEqual(['from', 'code', 'state']);
    expect(location.searchParams.get('state')).toBe('xyz123');
    const token = json(await exchangeOAuth(t, OA, location.searchParams.get('code') ?? ''));
    expect(token).toMatchObject({ openid: t.sim.openIdOf(OA.appId, 'alice'), scope: 'snsapi_userinfo', unionid: t.sim.unionIdOf('op-main', 'alice') });
    expect(t.sim.requests.filter((request) => request.endpoint === null).map((request) => request.outcome)).toEqual(['ok', 'approved']);
  });

  it('gives one person one unionid across the website and the official account', async () => {
    const t = await startSimulator();
    const web = new URL((await approve(t, pageUrl(t, 'qrconnect'), 'bob')).location ?? '');
    const oa = new URL((await approve(t, pageUrl(t, 'oauth2'), 'bob')).location ?? '');
    const webToken = json(await exchangeOAuth(t, WEB, web.searchParams.get('code') ?? ''));
    const oaToken = json(await exchangeOAuth(t, OA, oa.searchParams.get('code') ?? ''));
    expect(webToken['unionid']).toBe(oaToken['unionid']);
    expect(webToken['openid']).not.toBe(oaToken['openid']);
  });

  it('lets an official-account code live 300 s and a website code 600 s, each once', async () => {
    const t = await startSimulator();
    const oaCode = new URL((await approve(t, pageUrl(t, 'oauth2'), 'carol')).location ?? '').searchParams.get('code') ?? '';
    const webCode = new URL((await approve(t, pageUrl(t, 'qrconnect'), 'carol')).location ?? '').searchParams.get('code') ?? '';
    t.advance(300_001);
    expect(json(await exchangeOAuth(t, OA, oaCode))).toMatchObject({ errcode: 42003 });
    expect(json(await exchangeOAuth(t, WEB, webCode))).toHaveProperty('access_token');
    expect(json(await exchangeOAuth(t, WEB, webCode))).toMatchObject({ errcode: 40163 });
  });

  it('denies with a 302 to redirect_uri carrying only the state, and mints nothing', async () => {
    const t = await startSimulator();
    const url = pageUrl(t, 'qrconnect');
    const ticket = ticketOf((await getPage(url)).html);
    const answer = await submit(url, { ticket, decision: 'deny' }, { origin: t.url });
    expect(answer.status).toBe(302);
    expect(answer.location).toBe(`${CALLBACK}?state=xyz123`);
    expect(t.sim.storeSizes().oauthCodes).toBe(0);
  });

  it('shows the form again with an alert for a user name it cannot take', async () => {
    const t = await startSimulator();
    const answer = await approve(t, pageUrl(t, 'oauth2'), 'alice smith');
    expect(answer.status).toBe(400);
    expect(answer.location).toBeNull();
    expect(answer.html).toContain('aria-invalid="true"');
    expect(answer.html).toMatch(/<p id="wechat-user-error" class="field-error" role="alert">/);
    expect(t.sim.storeSizes().oauthCodes).toBe(0);
  });
});

describe('POST to an authorize page: only the page itself may answer', () => {
  it.each<[string, (t: TestSimulator, ticket: string) => { form: Record<string, string>; headers: Record<string, string> }]>([
    ['no ticket', () => ({ form: { user: 'mallory' }, headers: {} })],
    ['a made-up ticket', () => ({ form: { user: 'mallory', ticket: `1.${'A'.repeat(43)}` }, headers: {} })],
    ['another origin', (_t, ticket) => ({ form: { user: 'mallory', ticket }, headers: { origin: 'http://evil.example' } })],
    ['a cross-site fetch', (_t, ticket) => ({ form: { user: 'mallory', ticket }, headers: { 'sec-fetch-site': 'cross-site' } })],
  ])('refuses %s with 403 and no redirect', async (_name, forge) => {
    const t = await startSimulator();
    const url = pageUrl(t, 'qrconnect');
    const { form, headers } = forge(t, ticketOf((await getPage(url)).html));
    const answer = await submit(url, form, headers);
    expect(answer.status).toBe(403);
    expect(answer.location).toBeNull();
    expect(t.sim.storeSizes().oauthCodes).toBe(0);
    expect(t.sim.requests.at(-1)).toMatchObject({ method: 'POST', outcome: 'refused' });
  });

  it('refuses a ticket shown for other parameters (another state or redirect_uri)', async () => {
    const t = await startSimulator();
    const ticket = ticketOf((await getPage(pageUrl(t, 'oauth2', { state: 'mine' }))).html);
    for (const tampered of [pageUrl(t, 'oauth2', { state: 'theirs' }), pageUrl(t, 'oauth2', { state: 'mine', redirect_uri: 'http://127.0.0.1:9/x' })]) {
      expect((await submit(tampered, { ticket, user: 'mallory' }, { origin: t.url })).status).toBe(403);
    }
  });

  it('says the page expired when it is answered more than 10 minutes after it was shown', async () => {
    const t = await startSimulator();
    const url = pageUrl(t, 'qrconnect', { lang: 'en' });
    const ticket = ticketOf((await getPage(url)).html);
    t.advance(600_001);
    const answer = await submit(url, { ticket, user: 'dave' }, { origin: t.url });
    expect(answer.status).toBe(400);
    expect(answer.html).toContain('This page has expired');
  });

  it('answers 405 to other methods', async () => {
    const t = await startSimulator();
    const response = await fetch(pageUrl(t, 'qrconnect'), { method: 'PUT' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD, POST');
  });
});
