/**
 * Issue #15 finding 5: a copy of oidc_payloads (a dump, a backup) must not hold a working token. Before
 * the fix the opaque token value was the row id (and the payload's `jti`), so every 30-day refresh token
 * could be lifted from a backup. The tokens themselves must keep working: refresh rotates, userinfo
 * answers, introspection and revocation find them, and reuse detection still ends the grant.
 */
import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { setUpUserApp, signIn, userinfo } from '../me/me-fixtures.ts';
import { dumpPayloads, piecesIn } from '../support/payload-dump.ts';
import { startTestApp } from '../support/test-app.ts';

describe('oidc_payloads stores token values only as hashes (issue #15 finding 5)', () => {
  it('a dump holds no refresh or opaque access token, yet refresh, userinfo and introspection work', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const first = await signIn(mp, 'dumped');
    const firstRefresh = first.tokens.refresh_token ?? '';
    expect(firstRefresh.length).toBeGreaterThanOrEqual(43);
    expect(first.accessToken.split('.')).toHaveLength(1); // opaque, stored in oidc_payloads

    const rotated = await oidc.refreshTokenGrant(mp.config, firstRefresh);
    const secondRefresh = rotated.refresh_token ?? '';
    expect(secondRefresh).not.toBe(firstRefresh);

    const dump = await dumpPayloads(app);
    expect(dump).toContain('RefreshToken');
    for (const token of [firstRefresh, first.accessToken, secondRefresh, rotated.access_token]) {
      expect(piecesIn(dump, token)).toEqual([]);
    }

    expect((await userinfo(mp, first)).sub).toBe(first.sub);
    expect((await userinfo(mp, { ...first, accessToken: rotated.access_token })).sub).toBe(first.sub);
    expect(await oidc.tokenIntrospection(mp.config, secondRefresh)).toMatchObject({ active: true, client_id: mp.clientId, sub: first.sub });
    expect(await oidc.tokenIntrospection(mp.config, rotated.access_token)).toMatchObject({ active: true, sub: first.sub });
  });

  it('reuse of a rotated refresh token still revokes the grant', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const user = await signIn(mp, 'reused');
    const rotated = await oidc.refreshTokenGrant(mp.config, user.tokens.refresh_token ?? '');

    await expect(oidc.refreshTokenGrant(mp.config, user.tokens.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });

    expect(await oidc.tokenIntrospection(mp.config, rotated.refresh_token ?? '')).toEqual({ active: false });
    await expect(oidc.refreshTokenGrant(mp.config, rotated.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('revocation finds a hashed refresh token and ends it', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const user = await signIn(mp, 'revoked');
    const refreshToken = user.tokens.refresh_token ?? '';

    await oidc.tokenRevocation(mp.config, refreshToken);

    expect(await oidc.tokenIntrospection(mp.config, refreshToken)).toEqual({ active: false });
    await expect(oidc.refreshTokenGrant(mp.config, refreshToken)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
