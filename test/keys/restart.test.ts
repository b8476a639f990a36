import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import pg from 'pg';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createSecretBox } from '../../src/keys/secret-box.ts';
import { captureLogs } from '../support/captured-logs.ts';
import { discover, verifyAccessToken, verifyIdToken, wechatLogin } from '../support/oidc-client.ts';
import { CONFIG_DIR, startTestApp, type TestApp } from '../support/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const API = 'https://api.example.test';
const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = '0123456789abcdef0123456789abcdef';
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

async function publishedKids(app: TestApp): Promise<string[]> {
  const body = (await (await fetch(`${app.baseUrl}/jwks`)).json()) as { keys: { kid: string }[] };
  return body.keys.map((key) => key.kid).sort();
}

async function query<Row extends pg.QueryResultRow>(database: TestDatabase, text: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query<Row>(text)).rows;
  } finally {
    await client.end();
  }
}

describe('restart (P-02)', () => {
  it('verifies a client_credentials access token issued before the restart, with the same kids published', async () => {
    const app = await startTestApp();
    await app.admin.resourceServers.add({ uri: API, scopes: 'read' });
    const { clientSecret } = await app.admin.clients.register({ type: 'service', clientId: 'svc-1', resources: { [API]: 'read' }, defaultResource: API });
    const { access_token: token } = await oidc.clientCredentialsGrant(await discover(app.issuer, 'svc-1', clientSecret), { scope: 'read' });
    const kidsBefore = await publishedKids(app);

    await app.restart();

    expect(await publishedKids(app)).toEqual(kidsBefore);
    expect(await verifyAccessToken(app.issuer, token, API)).toMatchObject({ client_id: 'svc-1', scope: 'read' });
  });

  it('refreshes a WeChat-login refresh token issued before the restart', async () => {
    const app = await startTestApp();
    app.wechat.registerApp({ appId: APP_ID, secret: APP_SECRET, kind: 'miniprogram' });
    await app.admin.apps.upsert({ appId: APP_ID, kind: 'miniprogram', secret: APP_SECRET });
    await app.admin.clients.register({ type: 'miniprogram', clientId: 'mp-1', wechatAppId: APP_ID, scope: 'openid offline_access' });
    const login = await wechatLogin(await discover(app.issuer, 'mp-1'), { code: app.wechat.issueCode({ appId: APP_ID, user: 'alice' }) });
    const sub = (await verifyIdToken(app.issuer, login.id_token ?? '', 'mp-1')).sub;

    await app.restart();

    const refreshed = await oidc.refreshTokenGrant(await discover(app.issuer, 'mp-1'), login.refresh_token ?? '');
    expect((await verifyIdToken(app.issuer, refreshed.id_token ?? '', 'mp-1')).sub).toBe(sub);
  });
});

describe('signing keys at rest', () => {
  it('stores private keys only as ciphertext under the master key', async () => {
    const app = await startTestApp();
    const rows = await query<{ kid: string; public_jwk: Record<string, unknown>; private_jwk_ciphertext: string; row: string }>(
      app.database, 'select kid, public_jwk, private_jwk_ciphertext, row_to_json(k)::text as row from signing_keys k');
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const box = createSecretBox(Buffer.from(app.masterKey, 'base64'));
    for (const row of rows) {
      expect(() => JSON.parse(row.private_jwk_ciphertext) as unknown).toThrow();
      expect(Object.keys(row.public_jwk).filter((member) => PRIVATE_MEMBERS.includes(member))).toEqual([]);
      // The private members, taken from the decrypted key, appear nowhere in the stored row.
      const privateJwk = JSON.parse(box.open(row.private_jwk_ciphertext, `signing_key:${row.kid}`)) as Record<string, string>;
      const secrets = PRIVATE_MEMBERS.map((member) => privateJwk[member]).filter((value) => value !== undefined);
      expect(secrets.length).toBeGreaterThanOrEqual(1);
      for (const secret of secrets) expect(row.row).not.toContain(secret);
    }
  });

  it('generates exactly one key per algorithm when two instances start on one empty database at once', async () => {
    const database = await createTestDatabase();
    const masterKey = randomBytes(32).toString('base64');
    const [first, second] = await Promise.all([startTestApp({ database, masterKey }), startTestApp({ database, masterKey })]);
    const rows = await query<{ alg: string; n: string }>(database, 'select alg, count(*)::text as n from signing_keys group by alg order by alg');
    expect(rows).toEqual([{ alg: 'ES256', n: '1' }, { alg: 'RS256', n: '1' }]);
    expect(await publishedKids(second)).toEqual(await publishedKids(first));
  });

  it('refuses to start with a different master key instead of serving (keys.decrypt_failed)', async () => {
    const first = await startTestApp();
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: first.database.url,
      WXBRIDGE_MASTER_KEY: randomBytes(32).toString('base64'),
      WXBRIDGE_ISSUER: 'http://127.0.0.1:1',
    }, { configDir: CONFIG_DIR });
    await expect(createApp(config, { logger: captureLogs().logger })).rejects.toMatchObject({
      code: 'keys.decrypt_failed',
      message: expect.stringMatching(/wrong master key/),
    });
  });
});
