/**
 * Token-endpoint rate limits (docs/decisions/0013; test-catalogue T-11, W-15): per IP address, per
 * client, and failed client authentications per IP address, answered 429 `temporarily_unavailable`
 * with Retry-After, counted in windows shared by every instance (PostgreSQL; Redis when REDIS_URL is
 * set). Limits are set low here; by default only failed authentications are limited.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '@redis/client';
import { describe, expect, it } from 'vitest';
import { oauthErrorProblems, rawRequest, type RawAnswer } from '../support/oauth-error.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { addResourceServer, codeExchanges, queryDatabase, randomName, setUpMiniProgram } from '../support/wechat-fixtures.ts';

const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** client_credentials from `ip` (X-Forwarded-For, honoured only with WXBRIDGE_TRUST_PROXY). */
function clientCredentials(app: TestApp, clientId: string, secret: string, ip?: string): Promise<RawAnswer> {
  return rawRequest(`${app.baseUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(clientId, secret), ...(ip === undefined ? {} : { 'x-forwarded-for': ip }) },
    body: 'grant_type=client_credentials',
  });
}

async function serviceClient(app: TestApp): Promise<{ clientId: string; secret: string }> {
  const api = await addResourceServer(app, 'read');
  const { clientId, clientSecret } = await app.admin.clients.register({ type: 'service', clientId: randomName('svc'), resources: { [api]: 'read' }, defaultResource: api });
  return { clientId, secret: clientSecret ?? '' };
}

// Long windows, so that a burst almost never meets a window's end (and then waits for the next one).
const WINDOW_S = 600;
const LONG_WINDOW = { WXBRIDGE_RATE_LIMIT_WINDOW_S: String(WINDOW_S) };

/** Fixed windows: a burst starts at the beginning of a window (the app's clock moved there), so it cannot straddle two. */
function atWindowStart(app: TestApp, windowSeconds: number): void {
  const windowMs = windowSeconds * 1000;
  app.clock.advance(windowMs - (app.clock.now() % windowMs) + 50);
}

/** Waits until the shared store holds `count` requests of `clientId` (each instance flushes its counts every 200 ms). */
async function untilStored(app: TestApp, clientId: string, count: number, redis?: { url: string; prefix: string }): Promise<void> {
  const stored = async (): Promise<number> => {
    if (redis === undefined) {
      const rows = await queryDatabase<{ n: number }>(app, 'select coalesce(sum(count), 0)::int as n from rate_limit_counters where key = $1', [`client:${clientId}`]);
      return rows[0]?.n ?? 0;
    }
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      const keys = await client.keys(`${redis.prefix}rl:client:${clientId}:*`);
      return (await Promise.all(keys.map((key) => client.get(key)))).reduce((sum, value) => sum + Number(value ?? 0), 0);
    } finally {
      await client.close();
    }
  };
  for (let tries = 0; (await stored()) < count; tries += 1) {
    if (tries > 400) throw new Error(`the counts of ${clientId} never reached the shared store`);
    await sleep(25);
  }
}

function expectRateLimited(answer: RawAnswer, windowSeconds: number): void {
  expect(answer.status).toBe(429);
  expect(oauthErrorProblems(answer)).toEqual([]);
  expect(JSON.parse(answer.text)).toMatchObject({ error: 'temporarily_unavailable' });
  expect(Number(answer.headers.get('retry-after'))).toBeLessThanOrEqual(windowSeconds);
}

describe('failed client authentications per IP address (T-11)', () => {
  it('answers 429 to a secret guesser after the threshold, for 1,000 attempts, while other addresses are unaffected', async () => {
    const app = await startTestApp({ env: { ...LONG_WINDOW, WXBRIDGE_TRUST_PROXY: '1', WXBRIDGE_RATE_LIMIT_AUTH_FAILURES_PER_IP: '10' } });
    const svc = await serviceClient(app);
    atWindowStart(app, WINDOW_S);
    const guess = (): Promise<RawAnswer> => clientCredentials(app, svc.clientId, randomBytes(16).toString('hex'), '203.0.113.7');

    const first: RawAnswer[] = [];
    for (let i = 0; i < 25; i += 1) first.push(await guess());
    const rest: RawAnswer[] = [];
    for (let batch = 0; batch < 39; batch += 1) rest.push(...await Promise.all(Array.from({ length: 25 }, guess)));

    expect(first.map((a) => a.status)).toEqual([...Array<number>(10).fill(401), ...Array<number>(15).fill(429)]);
    expect(new Set(rest.map((a) => a.status))).toEqual(new Set([429]));
    expect(first.length + rest.length).toBe(1000);
    expectRateLimited(rest.at(-1)!, WINDOW_S);
    // The right secret from another address works; from the guesser's address it waits for the window too.
    expect((await clientCredentials(app, svc.clientId, svc.secret, '198.51.100.1')).status).toBe(200);
    expect((await clientCredentials(app, svc.clientId, svc.secret, '203.0.113.7')).status).toBe(429);
  });
});

describe('requests per client and per IP address', () => {
  it('answers 429 to the client over its limit before WeChat is called, and other clients are unaffected', async () => {
    const app = await startTestApp({ env: { ...LONG_WINDOW, WXBRIDGE_RATE_LIMIT_PER_CLIENT: '3' } });
    const [busy, quiet] = [await setUpMiniProgram(app), await setUpMiniProgram(app)];
    atWindowStart(app, WINDOW_S);
    for (const user of ['a', 'b', 'c']) await busy.login(user);
    const code = busy.code('d');

    const refused = await rawRequest(`${app.baseUrl}/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:wxbridge:params:oauth:grant-type:wechat-code', client_id: busy.clientId, code }),
    });

    expectRateLimited(refused, WINDOW_S);
    expect(codeExchanges(app, code)).toBe(0); // the code is not spent: the user may retry with it later
    const claimed = await queryDatabase(app, 'select digest from wechat_login_codes');
    expect(claimed).toHaveLength(3);
    await quiet.login('e');
  });

  it('answers 429 to an address over its limit, on every endpoint that authenticates clients', async () => {
    const app = await startTestApp({ env: { ...LONG_WINDOW, WXBRIDGE_TRUST_PROXY: '1', WXBRIDGE_RATE_LIMIT_PER_IP: '4' } });
    const svc = await serviceClient(app);
    atWindowStart(app, WINDOW_S);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await clientCredentials(app, svc.clientId, svc.secret, '192.0.2.10')).status);
    const introspection = await rawRequest(`${app.baseUrl}/token/introspection`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(svc.clientId, svc.secret), 'x-forwarded-for': '192.0.2.10' }, body: 'token=x',
    });
    const over = await clientCredentials(app, svc.clientId, svc.secret, '192.0.2.10');

    expect([...statuses, introspection.status]).toEqual([200, 200, 200, 200]);
    expectRateLimited(over, WINDOW_S);
    expect((await clientCredentials(app, svc.clientId, svc.secret, '192.0.2.11')).status).toBe(200);
  });
});

/** Two instances on one database (and, for Redis, one Redis): what one counted, the other enforces. */
async function expectSharedLimit(env: Record<string, string>): Promise<void> {
  const [database, masterKey] = [await createTestDatabase(), randomBytes(32).toString('base64')];
  const first = await startTestApp({ database, masterKey, env: { ...env, ...LONG_WINDOW, WXBRIDGE_RATE_LIMIT_PER_CLIENT: '4' } });
  const second = await startTestApp({ database, masterKey, clock: first.clock, env: { ...env, ...LONG_WINDOW, WXBRIDGE_RATE_LIMIT_PER_CLIENT: '4' } });
  const svc = await serviceClient(first);
  atWindowStart(first, WINDOW_S);
  for (let i = 0; i < 4; i += 1) expect((await clientCredentials(first, svc.clientId, svc.secret)).status).toBe(200);
  const redis = env['REDIS_URL'] === undefined ? undefined : { url: env['REDIS_URL'], prefix: env['WXBRIDGE_REDIS_KEY_PREFIX'] ?? '' };
  await untilStored(first, svc.clientId, 4, redis);

  expectRateLimited(await clientCredentials(second, svc.clientId, svc.secret), WINDOW_S);
  expectRateLimited(await clientCredentials(first, svc.clientId, svc.secret), WINDOW_S);
}

describe('rate-limit counters shared by every instance', () => {
  it('in PostgreSQL (the default)', async () => {
    await expectSharedLimit({});
  });

  it.skipIf(process.env['REDIS_URL'] === undefined)('in Redis (REDIS_URL set)', async () => {
    await expectSharedLimit({ REDIS_URL: process.env['REDIS_URL'] ?? '', WXBRIDGE_REDIS_KEY_PREFIX: `wxbridge-test-${randomBytes(4).toString('hex')}:` });
  });
});

/** A login with a made-up, code-shaped wx.login() code (issue #15 finding 7a), from `ip` when given. */
function madeUpCodeLogin(app: TestApp, clientId: string, ip?: string): { code: string; answer: Promise<RawAnswer> } {
  const code = randomBytes(16).toString('hex');
  const answer = rawRequest(`${app.baseUrl}/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(ip === undefined ? {} : { 'x-forwarded-for': ip }) },
    body: new URLSearchParams({ grant_type: 'urn:wxbridge:params:oauth:grant-type:wechat-code', client_id: clientId, code }),
  });
  return { code, answer };
}

describe('failed WeChat code exchanges (issue #15 finding 7a), limited by default', () => {
  it('refuses made-up codes from one address after 20 failures, without calling WeChat; successful logins do not count', async () => {
    const app = await startTestApp({ env: LONG_WINDOW });
    const [mp, other] = [await setUpMiniProgram(app), await setUpMiniProgram(app)];
    atWindowStart(app, WINDOW_S);
    for (let i = 0; i < 25; i += 1) await mp.login(`user-${String(i)}`);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i += 1) statuses.push((await madeUpCodeLogin(app, mp.clientId).answer).status);
    const over = madeUpCodeLogin(app, mp.clientId);
    const refused = await over.answer;
    const otherClient = madeUpCodeLogin(app, other.clientId);

    expect(statuses).toEqual(Array<number>(20).fill(400));
    expectRateLimited(refused, WINDOW_S);
    expect(codeExchanges(app, over.code)).toBe(0);
    // The address is what is limited: another client's made-up code from it is refused too, and WeChat not asked.
    expectRateLimited(await otherClient.answer, WINDOW_S);
    expect(codeExchanges(app, otherClient.code)).toBe(0);
  });

  it('refuses made-up codes for one client from many addresses after its own limit; other clients are unaffected', async () => {
    const app = await startTestApp({ env: { ...LONG_WINDOW, WXBRIDGE_TRUST_PROXY: '1', WXBRIDGE_RATE_LIMIT_FAILED_CODES_PER_CLIENT: '6' } });
    const [mp, other] = [await setUpMiniProgram(app), await setUpMiniProgram(app)];
    atWindowStart(app, WINDOW_S);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await madeUpCodeLogin(app, mp.clientId, `198.51.100.${String(i + 1)}`).answer).status);
    const over = madeUpCodeLogin(app, mp.clientId, '198.51.100.99');

    expect(statuses).toEqual(Array<number>(6).fill(400));
    expectRateLimited(await over.answer, WINDOW_S);
    expect(codeExchanges(app, over.code)).toBe(0);
    expect((await madeUpCodeLogin(app, other.clientId, '198.51.100.99').answer).status).toBe(400);
    await other.login('fine');
  });
});

describe('failed client authentications keyed per address and client (issue #15 finding 7b)', () => {
  it('stops the guesser of one client, not other clients from the same address; unknown ids have their own bucket', async () => {
    const app = await startTestApp({ env: { ...LONG_WINDOW, WXBRIDGE_TRUST_PROXY: '1' } });
    const [a, b] = [await serviceClient(app), await serviceClient(app)];
    atWindowStart(app, WINDOW_S);
    const guesses: number[] = [];
    for (let i = 0; i < 25; i += 1) guesses.push((await clientCredentials(app, a.clientId, randomBytes(16).toString('hex'), '203.0.113.50')).status);
    const unknown: number[] = [];
    for (let i = 0; i < 25; i += 1) unknown.push((await clientCredentials(app, randomName('nobody'), 'x', '203.0.113.50')).status);

    expect(guesses).toEqual([...Array<number>(20).fill(401), ...Array<number>(5).fill(429)]);
    expect(unknown).toEqual([...Array<number>(20).fill(401), ...Array<number>(5).fill(429)]);
    expect((await clientCredentials(app, a.clientId, a.secret, '203.0.113.50')).status).toBe(429);
    expect((await clientCredentials(app, b.clientId, b.secret, '203.0.113.50')).status).toBe(200);
    expect((await clientCredentials(app, b.clientId, randomBytes(16).toString('hex'), '203.0.113.50')).status).toBe(401);
  });

  it('counts IPv6 addresses per /64', async () => {
    const app = await startTestApp({ env: { ...LONG_WINDOW, WXBRIDGE_TRUST_PROXY: '1', WXBRIDGE_RATE_LIMIT_AUTH_FAILURES_PER_IP: '5' } });
    const svc = await serviceClient(app);
    atWindowStart(app, WINDOW_S);
    for (let i = 0; i < 5; i += 1) expect((await clientCredentials(app, svc.clientId, 'wrong', `2001:db8:0:7::${String(i + 1)}`)).status).toBe(401);

    expectRateLimited(await clientCredentials(app, svc.clientId, svc.secret, '2001:db8:0:7:ffff:1:2:3'), WINDOW_S);
    expect((await clientCredentials(app, svc.clientId, svc.secret, '2001:db8:0:8::1')).status).toBe(200);
  });
});
