import { setTimeout as sleep } from 'node:timers/promises';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { adminApi } from '../support/admin-api.ts';
import { runCli } from '../support/cli-process.ts';
import { discover } from '../support/oidc-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { addResourceServer, setUpMiniProgram } from '../support/wechat-fixtures.ts';

/** Instances reload keys every 200 ms in these tests (production default: 30 s). */
const FAST_RELOAD = { WXBRIDGE_KEY_RELOAD_INTERVAL_MS: '200' };

interface KeyRow { kid: string; alg: string; state: string; activatesAt: string; removeAfter: string | null }

const kidOf = (token: string | undefined): string => decodeProtectedHeader(token ?? '').kid ?? '';

async function publishedKids(app: TestApp): Promise<string[]> {
  const body = (await (await fetch(`${app.baseUrl}/jwks`)).json()) as { keys: { kid: string }[] };
  return body.keys.map((key) => key.kid);
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

/** Verifies like a resource server that has never seen wxbridge before: a fresh JWKS fetch. */
async function verifiesFresh(app: TestApp, token: string, audience: string): Promise<boolean> {
  const { protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(`${app.issuer}/jwks`)), { issuer: app.issuer, audience });
  return protectedHeader.kid === kidOf(token);
}

describe('POST /admin/v1/keys/rotate with a delay (design.md §5; test-catalogue K-03, K-04, K-08)', () => {
  it('publishes the new keys at once, signs with them only after the delay, and keeps old tokens valid', async () => {
    const app = await startTestApp({ env: FAST_RELOAD });
    const api = await adminApi(app);
    const resource = await addResourceServer(app, 'read');
    const mp = await setUpMiniProgram(app, { resources: { [resource]: 'read' }, defaultResource: resource });
    const before = await mp.login('kim');
    const [oldAccessKid, oldIdKid] = [kidOf(before.access_token), kidOf(before.id_token)];

    const rotation = await api.call('POST', '/keys/rotate', { delaySeconds: 60 });
    const created = (rotation.body as { created: KeyRow[] }).created;
    expect(created.map((k) => [k.alg, k.state]).sort()).toEqual([['ES256', 'pending'], ['RS256', 'pending']]);
    const newKids = created.map((k) => k.kid);
    await waitFor(async () => (await publishedKids(app)).filter((kid) => newKids.includes(kid)).length === 2);

    // Published but not signing yet: new tokens still carry the old kids.
    const during = await mp.login('kim');
    expect([kidOf(during.access_token), kidOf(during.id_token)]).toEqual([oldAccessKid, oldIdKid]);
    const keys = (await api.call('GET', '/keys')).body as { items: KeyRow[] };
    expect(keys.items.filter((k) => newKids.includes(k.kid)).map((k) => k.state)).toEqual(['pending', 'pending']);
    // (Access and ID tokens may share a key: both are ES256 by default.)
    for (const kid of new Set([oldAccessKid, oldIdKid])) expect(keys.items.find((k) => k.kid === kid)?.state).toBe('signing');

    // The delay passes; each instance reloads its keys within its interval (200 ms here) and signs with the new ones.
    app.clock.advance(Math.max(...created.map((k) => Date.parse(k.activatesAt))) - app.clock.now() + 100);
    const jwksBefore = await publishedKids(app);
    let after = await mp.login('kim');
    await waitFor(async () => newKids.includes(kidOf((after = await mp.login('kim')).access_token)));
    expect(newKids).toContain(kidOf(after.access_token));
    expect(newKids).toContain(kidOf(after.id_token));
    expect(jwksBefore).toEqual(expect.arrayContaining([kidOf(after.access_token), kidOf(after.id_token)]));

    // Every outstanding token still verifies, and refresh works across the rotation (K-05).
    for (const tokens of [before, during, after]) expect(await verifiesFresh(app, tokens.access_token, resource)).toBe(true);
    expect(await verifiesFresh(app, before.id_token ?? '', mp.clientId)).toBe(true);
    const refreshed = await oidc.refreshTokenGrant(mp.config, before.refresh_token ?? '');
    expect(newKids).toContain(kidOf(refreshed.id_token));

    const states = ((await api.call('GET', '/keys')).body as { items: KeyRow[] }).items;
    for (const old of states.filter((k) => [oldAccessKid, oldIdKid].includes(k.kid))) {
      expect(old.state).toBe('retired');
      // Published until the longest token lifetime (ID token, 3600 s) plus leeway has passed.
      expect(Date.parse(old.removeAfter ?? '')).toBeGreaterThan(Date.now() + 3600_000);
    }
    expect(await publishedKids(app)).toEqual(expect.arrayContaining([oldAccessKid, oldIdKid, ...newKids]));
  });
});

describe('wxbridge keys rotate --delay 0, run from the CLI next to two running instances', () => {
  it('reaches every instance without a restart, and no instance signs with a key it does not publish', async () => {
    const first = await startTestApp({ env: FAST_RELOAD });
    const second = await startTestApp({ env: FAST_RELOAD, database: first.database, masterKey: first.masterKey });
    const resource = await addResourceServer(first, 'read');
    const { clientSecret } = await first.admin.clients.register({ type: 'service', clientId: 'svc-keys', resources: { [resource]: 'read' }, defaultResource: resource });
    const configs = await Promise.all([first, second].map((app) => discover(app.issuer, 'svc-keys', clientSecret)));
    const token = async (i: 0 | 1): Promise<string> => (await oidc.clientCredentialsGrant(configs[i] as oidc.Configuration, { scope: 'read' })).access_token;
    const oldTokens = [await token(0), await token(1)];
    const oldKid = kidOf(oldTokens[0]);

    const rotated = await runCli(first, ['keys', 'rotate', '--delay', '0', '--alg', 'ES256', '--json']);
    expect(rotated.code, rotated.stderr).toBe(0);
    const [created] = rotated.json() as KeyRow[];
    const newKid = created?.kid ?? '';

    // While the instances pick the change up, every token's kid is in the JWKS of the instance that signed it.
    const apps = [first, second] as const;
    const deadline = Date.now() + 20_000; // a bound for a loaded machine; instances reload every 200 ms
    const switched = new Set<number>();
    while (switched.size < 2 && Date.now() < deadline) {
      for (const i of [0, 1] as const) {
        const kid = kidOf(await token(i));
        expect(await publishedKids(apps[i])).toContain(kid);
        if (kid === newKid) switched.add(i);
      }
    }
    expect([...switched].sort()).toEqual([0, 1]);
    for (const [i, old] of oldTokens.entries()) expect(await verifiesFresh(apps[i as 0 | 1], old, resource)).toBe(true);

    const listed = await runCli(first, ['keys', 'list', '--json']);
    const states = listed.json() as KeyRow[];
    expect(states.find((k) => k.kid === newKid)?.state).toBe('signing');
    expect(states.find((k) => k.kid === oldKid)?.state).toBe('retired');
    const audit = await runCli(first, ['audit', 'list', '--action', 'keys.rotate', '--json']);
    expect((audit.json() as { items: { actor: string; outcome: string }[] }).items[0]).toMatchObject({ actor: expect.stringMatching(/^cli:/), outcome: 'success' });
  });
});
