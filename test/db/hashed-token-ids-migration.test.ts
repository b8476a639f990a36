// The hashed_token_ids migration (issue #15 finding 5): tokens written by the previous release (the value
// as the row id and as the payload's jti) are converted to their hash, so an upgrade signs nobody out.
import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { initOrm } from '../../src/db/orm.ts';
import { storedTokenId } from '../../src/oidc/storage/stored-token-id.ts';
import { setUpUserApp, signIn, userinfo } from '../me/me-fixtures.ts';
import { dumpPayloads, piecesIn } from '../support/payload-dump.ts';
import { startTestApp } from '../support/test-app.ts';
import { queryDatabase } from '../support/wechat-fixtures.ts';

const MIGRATION = 'Migration20261130034700_hashed_token_ids';

describe(`${MIGRATION} (issue #15 finding 5)`, () => {
  it('converts refresh and access tokens stored in the old clear form, and they keep working', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const user = await signIn(mp, 'upgraded');
    const refreshToken = user.tokens.refresh_token ?? '';
    // Back to how the previous release stored them, as if this database had not been migrated yet.
    for (const [model, value] of [['RefreshToken', refreshToken], ['AccessToken', user.accessToken]] as const) {
      const changed = await queryDatabase(app, `
        update oidc_payloads set id = $1::text, payload = payload || jsonb_build_object('jti', $1::text)
        where model = $2 and id = $3 returning id`, [value, model, storedTokenId(model, value)]);
      expect(changed).toHaveLength(1);
    }
    await queryDatabase(app, 'delete from mikro_orm_migrations where name = $1', [MIGRATION]);
    expect(piecesIn(await dumpPayloads(app), refreshToken)).not.toEqual([]);
    // This release reads only the hashed form: unmigrated, the token is unknown.
    expect(await oidc.tokenIntrospection(mp.config, refreshToken)).toEqual({ active: false });

    const orm = await initOrm({ url: app.database.url, poolSize: 1 });
    try {
      expect((await orm.migrator.up()).map((migration) => migration.name)).toEqual([MIGRATION]);
    } finally {
      await orm.close();
    }

    const dump = await dumpPayloads(app);
    expect(piecesIn(dump, refreshToken)).toEqual([]);
    expect(piecesIn(dump, user.accessToken)).toEqual([]);
    expect((await userinfo(mp, user)).sub).toBe(user.sub);
    expect(await oidc.tokenIntrospection(mp.config, refreshToken)).toMatchObject({ active: true, sub: user.sub });
    const refreshed = await oidc.refreshTokenGrant(mp.config, refreshToken);
    expect(refreshed.claims()?.sub).toBe(user.sub);
    // The converted token was consumed by that refresh like any other: a replay still ends the grant.
    await expect(oidc.refreshTokenGrant(mp.config, refreshToken)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await oidc.tokenIntrospection(mp.config, refreshed.refresh_token ?? '')).toEqual({ active: false });
  });
});
