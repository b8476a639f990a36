/**
 * wxbridge killed with SIGKILL in the middle of login and refresh traffic, then started again
 * (test-catalogue P-02, L-07): the real process (`node src/main.ts`) on a clone of the migrated
 * template, the WeChat simulator on a socket of this test. Only the requests in flight at the kill are
 * lost: every access and ID token issued before verifies against the restarted process's JWKS, every
 * refresh token a client holds refreshes exactly once, and no account is half-created.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { initOrm } from '../../src/db/orm.ts';
import { findFreePort } from '../../src/db/postmaster.ts';
import { createServices } from '../../src/services.ts';
import { systemClock } from '../../src/clock.ts';
import { createWeChatSimulator, type WeChatSimulator } from '../../src/wechat-simulator/wechat-simulator.ts';
import { captureLogs } from '../support/captured-logs.ts';
import { startLoginTraffic } from '../support/login-traffic.ts';
import { postToken } from '../support/oidc-client.ts';
import { CONFIG_DIR } from '../support/test-app.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { randomAppId, randomName, randomSecret } from '../support/wechat-fixtures.ts';
import { withAdmin } from '../support/global-setup.ts';
import { createProcessWorkspace, waitUntilServing } from '../support/wxbridge-process.ts';

const workspace = createProcessWorkspace();

/** A mini-program app, a resource server and a public client, arranged as an operator would (the CLI's services). */
async function arrange(env: Record<string, string>, wechat: WeChatSimulator): Promise<{ clientId: string; appId: string; api: string }> {
  const orm = await initOrm({ url: env['DATABASE_URL'] ?? '', poolSize: 2 });
  try {
    const config = loadConfig(env, { configDir: CONFIG_DIR });
    const { admin } = createServices({ config, orm, logger: captureLogs().logger, clock: systemClock, issuer: env['WXBRIDGE_ISSUER'] ?? '' });
    const [appId, secret, clientId, api] = [randomAppId(), randomSecret(), randomName('mp'), `https://${randomName('api')}.example.test`];
    wechat.registerApp({ appId, secret, kind: 'miniprogram' });
    await admin.apps.upsert({ appId, kind: 'miniprogram', secret });
    await admin.resourceServers.add({ uri: api, scopes: 'read' });
    await admin.clients.register({ type: 'miniprogram', clientId, wechatAppId: appId, scope: 'openid offline_access', resources: { [api]: 'read' }, defaultResource: api });
    return { clientId, appId, api };
  } finally {
    await orm.close();
  }
}

describe('wxbridge killed with SIGKILL under load, then restarted (P-02, L-07)', () => {
  it('keeps every token issued before valid and every held refresh token usable exactly once', { timeout: 120_000 }, async () => {
    const database = await createTestDatabase();
    const wechat = createWeChatSimulator();
    afterAll(() => wechat.close());
    const port = await findFreePort();
    const issuer = `http://127.0.0.1:${String(port)}`;
    const env = {
      NODE_ENV: 'test', PORT: String(port), DATABASE_URL: database.url, WXBRIDGE_ISSUER: issuer, WXBRIDGE_LOG_LEVEL: 'warn',
      WXBRIDGE_MASTER_KEY: randomBytes(32).toString('base64'), WXBRIDGE_WECHAT_API_BASE_URL: (await wechat.listen()).url,
    };
    const first = await workspace.start(env);
    await waitUntilServing(first);
    const { clientId, appId, api } = await arrange(env, wechat);
    const traffic = startLoginTraffic({ baseUrl: issuer, clientId, code: (user) => wechat.issueCode({ appId, user }) });
    // Killed mid-load: once a good number of tokens has been issued (a state of the traffic, not a duration).
    while (traffic.chains.flatMap((chain) => chain.tokens).length < 40) await sleep(25);

    first.child.kill('SIGKILL');
    const stopped = traffic.stop();
    expect((await first.exited).signal).toBe('SIGKILL');
    await stopped;
    const second = await workspace.start(env);
    await waitUntilServing(second);

    const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
    const issued = traffic.chains.flatMap((chain) => chain.tokens);
    expect(issued.length).toBeGreaterThan(10);
    for (const { accessToken, idToken } of issued) {
      await jwtVerify(accessToken, jwks, { issuer, audience: api, typ: 'at+jwt' });
      await jwtVerify(idToken, jwks, { issuer, audience: clientId });
    }
    const held = traffic.chains.filter((chain) => !chain.broken);
    const refresh = (refreshToken: string): ReturnType<typeof postToken> => postToken(issuer, { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken });
    expect((await Promise.all(held.map((chain) => refresh(chain.refreshToken)))).map((r) => r.status)).toEqual(held.map(() => 200));
    expect((await Promise.all(held.map((chain) => refresh(chain.refreshToken)))).map((r) => r.body['error'])).toEqual(held.map(() => 'invalid_grant'));

    const { rows: [counts] } = await withAdmin(database.url, (client) => client.query<{ orphans: string; accounts: string; identities: string }>(`select
      (select count(*) from accounts a where not exists (select 1 from wechat_identities i where i.account_id = a.id)) as orphans,
      (select count(*) from accounts) as accounts, (select count(*) from wechat_identities) as identities`));
    if (process.env['WXBRIDGE_RELIABILITY_STATS'] !== undefined) console.log(JSON.stringify({ requests: traffic.outcomes.length, lost: traffic.outcomes.filter((o) => o.status === 0).length, tokens: issued.length, held: held.length }));
    expect(counts?.orphans).toBe('0');
    expect(counts?.accounts).toBe(counts?.identities);
    expect(Number(counts?.accounts)).toBeGreaterThanOrEqual(traffic.loggedIn.size);
  });
});
