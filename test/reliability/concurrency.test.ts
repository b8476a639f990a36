/**
 * A refresh racing a revocation (test-catalogue R-09): the client's own RFC 7009 revocation, or an
 * admin disabling the user, lands while a refresh of the same token is in flight. Whatever the
 * interleaving, no usable refresh token remains afterwards — a revoke is never undone by a refresh
 * that saved its new token after the grant was deleted. Ten rounds each, with varied timing.
 * (First logins of one user, one unionid through two apps, concurrent refreshes and concurrent admin
 * edits are covered in test/accounts/identity-mapping.test.ts, test/token-endpoint/refresh-rotation.test.ts
 * and test/admin/clients-api.test.ts: see test/reliability/README.md.)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { adminApi } from '../support/admin-api.ts';
import { postToken } from '../support/oidc-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { setUpMiniProgram, subOf, type MiniProgram } from '../support/wechat-fixtures.ts';

const ROUNDS = 10;

const refresh = (app: TestApp, mp: MiniProgram, token: string): ReturnType<typeof postToken> =>
  postToken(app.baseUrl, { grant_type: 'refresh_token', client_id: mp.clientId, refresh_token: token });

/** Every refresh token of the race, old and (if the refresh won) new, is refused afterwards. */
async function expectNoUsableToken(app: TestApp, mp: MiniProgram, tokens: readonly string[]): Promise<void> {
  for (const token of tokens) expect((await refresh(app, mp, token)).body['error']).toBe('invalid_grant');
}

describe('refresh racing a revocation (R-09)', () => {
  it(`leaves no usable refresh token when the client revokes during a refresh (${String(ROUNDS)} rounds)`, async () => {
    const app = await startTestApp();
    const mp = await setUpMiniProgram(app);
    for (let round = 0; round < ROUNDS; round += 1) {
      const rt1 = (await mp.login(`racer-${String(round)}`)).refresh_token ?? '';
      const revocation = (async () => {
        await sleep(round % 5); // vary which side reaches PostgreSQL first
        return fetch(`${app.baseUrl}/token/revocation`, { method: 'POST', body: new URLSearchParams({ client_id: mp.clientId, token: rt1 }) });
      })();
      const [refreshed, revoked] = await Promise.all([refresh(app, mp, rt1), revocation]);

      expect(revoked.status).toBe(200);
      const rt2 = refreshed.body['refresh_token'];
      await expectNoUsableToken(app, mp, [rt1, ...(typeof rt2 === 'string' ? [rt2] : [])]);
    }
  });

  it(`leaves no usable refresh token when an admin disables the user during a refresh (${String(ROUNDS)} rounds)`, async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const mp = await setUpMiniProgram(app);
    for (let round = 0; round < ROUNDS; round += 1) {
      const login = await mp.login(`disabled-${String(round)}`);
      const disable = (async () => {
        await sleep(round % 5);
        return api.call('POST', `/users/${subOf(login)}/disable`);
      })();
      const [refreshed, disabled] = await Promise.all([refresh(app, mp, login.refresh_token ?? ''), disable]);

      expect(disabled.status).toBe(200);
      const rt2 = refreshed.body['refresh_token'];
      await expectNoUsableToken(app, mp, [login.refresh_token ?? '', ...(typeof rt2 === 'string' ? [rt2] : [])]);
    }
  });
});
