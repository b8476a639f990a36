import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { storedTokenId } from '../../src/oidc/storage/stored-token-id.ts';
import { postToken, verifyAccessToken, verifyIdToken } from '../support/oidc-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { addResourceServer, queryDatabase, setUpMiniProgram, type MiniProgram } from '../support/wechat-fixtures.ts';

const refresh = (app: TestApp, mp: MiniProgram, refreshToken: string): ReturnType<typeof postToken> =>
  postToken(app.baseUrl, { grant_type: 'refresh_token', client_id: mp.clientId, refresh_token: refreshToken });

async function grantIdOf(app: TestApp, refreshToken: string): Promise<string> {
  const [row] = await queryDatabase<{ grant_id: string }>(app, "select grant_id from oidc_payloads where model = 'RefreshToken' and id = $1", [storedTokenId('RefreshToken', refreshToken)]);
  if (row === undefined) throw new Error('refresh token not stored');
  return row.grant_id;
}

async function liveRefreshTokens(app: TestApp, grantId: string): Promise<number> {
  const rows = await queryDatabase(app, `select id from oidc_payloads where model = 'RefreshToken' and grant_id = $1
    and consumed_at is null and (expires_at is null or expires_at > now())`, [grantId]);
  return rows.length;
}

describe('POST /token grant_type=refresh_token for mini-program clients', () => {
  it('rotates the refresh token on every use and consumes the old one (R-01)', async () => {
    const app = await startTestApp();
    const mp = await setUpMiniProgram(app);
    const first = await mp.login('amy');

    const second = await oidc.refreshTokenGrant(mp.config, first.refresh_token ?? '');

    expect(second.refresh_token).toEqual(expect.any(String));
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await oidc.tokenIntrospection(mp.config, first.refresh_token ?? '')).active).toBe(false);
    expect((await oidc.tokenIntrospection(mp.config, second.refresh_token ?? '')).active).toBe(true);
    expect(await liveRefreshTokens(app, await grantIdOf(app, second.refresh_token ?? ''))).toBe(1);
  });

  it('gives an ID token with the same iss, sub, aud and auth_time, and a JWT for the same resource (R-11)', async () => {
    const app = await startTestApp();
    const api = await addResourceServer(app, 'read');
    const mp = await setUpMiniProgram(app, { resources: { [api]: 'read' }, defaultResource: api });
    const first = await mp.login('bea');

    const second = await oidc.refreshTokenGrant(mp.config, first.refresh_token ?? '');

    const [before, after] = await Promise.all([first, second].map((t) => verifyIdToken(app.issuer, t.id_token ?? '', mp.clientId)));
    expect(after).toMatchObject({ iss: before?.iss, sub: before?.sub, aud: mp.clientId });
    expect(after?.['auth_time']).toBe(before?.['auth_time']);
    expect(after?.iat).toBeGreaterThanOrEqual(before?.iat ?? Infinity);
    expect(after).not.toHaveProperty('nonce');
    expect(await verifyAccessToken(app.issuer, second.access_token, api)).toMatchObject({ sub: before?.sub, scope: 'read' });
  });

  it('refuses a refresh token presented by another client, and leaves it usable by its own (R-02)', async () => {
    const app = await startTestApp();
    const owner = await setUpMiniProgram(app);
    const thief = await setUpMiniProgram(app);
    const tokens = await owner.login('cleo');

    const stolen = await refresh(app, thief, tokens.refresh_token ?? '');

    expect(stolen.status).toBe(400);
    expect(stolen.body['error']).toBe('invalid_grant');
    expect((await refresh(app, owner, tokens.refresh_token ?? '')).status).toBe(200);
  });

  it('lets exactly one of 20 concurrent refreshes of one token win, round after round (R-08)', async () => {
    const app = await startTestApp();
    const mp = await setUpMiniProgram(app);

    for (let round = 0; round < 5; round += 1) {
      const tokens = await mp.login(`race-${String(round)}`);
      const rt = tokens.refresh_token ?? '';
      const grantId = await grantIdOf(app, rt);

      const results = await Promise.all(Array.from({ length: 20 }, () => refresh(app, mp, rt)));

      const winners = results.filter((r) => r.status === 200);
      expect(winners).toHaveLength(1);
      expect(results.filter((r) => r.status === 400 && r.body['error'] === 'invalid_grant')).toHaveLength(19);
      expect(results.every((r) => r.headers.get('cache-control') === 'no-store')).toBe(true);
      expect(await liveRefreshTokens(app, grantId)).toBeLessThanOrEqual(1);
      // The race was a reuse: the grant is revoked, the winner's new refresh token included (ADR 0003),
      // even when the losers' revocation ran before the winner had stored its new token.
      const winnersToken = String(winners[0]?.body['refresh_token']);
      expect((await refresh(app, mp, winnersToken)).body['error']).toBe('invalid_grant');
    }
  });

  it('revokes the whole grant when a rotated-away token is used again (R-05)', async () => {
    const app = await startTestApp();
    const mp = await setUpMiniProgram(app);
    const rt1 = (await mp.login('dina')).refresh_token ?? '';
    const rt2 = (await oidc.refreshTokenGrant(mp.config, rt1)).refresh_token ?? '';

    const replay = await refresh(app, mp, rt1);

    expect(replay.status).toBe(400);
    expect(replay.body['error']).toBe('invalid_grant');
    expect((await refresh(app, mp, rt2)).body['error']).toBe('invalid_grant');
    expect(await oidc.tokenIntrospection(mp.config, rt2)).toEqual({ active: false });
  });

  it('revokes the grandchildren too when the first token is replayed after two rotations (R-06)', async () => {
    const app = await startTestApp();
    const mp = await setUpMiniProgram(app);
    const rt1 = (await mp.login('eve')).refresh_token ?? '';
    const rt2 = (await oidc.refreshTokenGrant(mp.config, rt1)).refresh_token ?? '';
    const rt3 = (await oidc.refreshTokenGrant(mp.config, rt2)).refresh_token ?? '';
    const grantId = await grantIdOf(app, rt3);

    expect((await refresh(app, mp, rt1)).body['error']).toBe('invalid_grant');

    expect((await refresh(app, mp, rt3)).body['error']).toBe('invalid_grant');
    expect(await oidc.tokenIntrospection(mp.config, rt3)).toEqual({ active: false });
    expect(await liveRefreshTokens(app, grantId)).toBe(0);
  });
});
