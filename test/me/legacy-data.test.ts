// Legacy WeChat data for the signed-in user (design.md §4, wechat-api.md §5.2–§5.3; test catalogue W-11,
// W-13): decrypt with the stored session_key, refuse foreign watermarks, one uniform 400 for every
// decryption failure, and rawData signatures — checked against WeChat's official vectors.
import { describe, expect, it } from 'vitest';
import { ENCRYPTED_DATA_VECTOR, RAW_DATA_SIGNATURE_VECTOR } from '../../src/wechat-simulator/official-vectors.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { callMe, setUpUserApp, signIn, type SignedIn } from './me-fixtures.ts';

/** Logs `user` into the official vector's app with the official session_key pinned in the simulator. */
async function officialUser(app: TestApp, user: string, sessionKey: string): Promise<{ login: SignedIn; appId: string }> {
  const mp = await setUpUserApp(app, { appId: ENCRYPTED_DATA_VECTOR.appId });
  app.wechat.setSessionKey({ appId: mp.appId, user, sessionKey });
  return { login: await signIn(mp, user), appId: mp.appId };
}

describe('POST /me/wechat/decrypt', () => {
  it('decrypts the official §5.2 vector with the session_key stored at login', async () => {
    const app = await startTestApp();
    const { login } = await officialUser(app, 'band', ENCRYPTED_DATA_VECTOR.sessionKey);
    const { encryptedData, iv } = ENCRYPTED_DATA_VECTOR;

    const response = await callMe(app, 'POST', '/me/wechat/decrypt', { token: login.accessToken, body: { encryptedData, iv } });

    expect(response.status).toBe(200);
    expect(response.body).toEqual(JSON.parse(ENCRYPTED_DATA_VECTOR.plaintext));
  });

  it('decrypts data the simulated WeChat client encrypted with the current session_key', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const login = await signIn(mp, 'alice');
    const { encryptedData, iv, plaintext } = app.wechat.encryptUserData({ appId: mp.appId, user: 'alice' });
    const response = await callMe(app, 'POST', '/me/wechat/decrypt', { token: login.accessToken, body: { encryptedData, iv } });
    expect(response).toMatchObject({ status: 200, body: JSON.parse(plaintext) as Record<string, unknown> });
  });

  it('refuses data whose watermark names another app, though it decrypts (W-11)', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const login = await signIn(mp, 'bob');
    const foreign = app.wechat.encryptUserData({ appId: mp.appId, user: 'bob', watermarkAppId: 'wx0123456789abcdef' });
    const response = await callMe(app, 'POST', '/me/wechat/decrypt', { token: login.accessToken, body: { encryptedData: foreign.encryptedData, iv: foreign.iv } });
    expect(response).toMatchObject({ status: 400, body: { error: 'invalid_request', error_description: expect.stringContaining('watermark') as unknown } });
    expect(response.raw).not.toContain('openId');
  });

  it('answers one identical 400 body to every corruption and to a rotated session_key (W-13)', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const login = await signIn(mp, 'carol');
    const good = app.wechat.encryptUserData({ appId: mp.appId, user: 'carol' });
    const bytes = Buffer.from(good.encryptedData, 'base64');
    bytes[bytes.length - 17] = (bytes[bytes.length - 17] ?? 0) ^ 0x01;
    const notJson = app.wechat.encryptUserData({ appId: mp.appId, user: 'carol', data: {} });
    const variants = [
      { encryptedData: bytes.toString('base64'), iv: good.iv }, // bad padding
      { encryptedData: good.encryptedData.replace(/\+/g, ' ').replace(/\//g, ' '), iv: good.iv }, // `+` turned into a space
      { encryptedData: good.encryptedData, iv: good.iv.slice(0, 8) }, // wrong IV length
      { encryptedData: good.encryptedData.slice(0, 24), iv: good.iv }, // truncated
      { encryptedData: notJson.encryptedData, iv: Buffer.alloc(16, 7).toString('base64') }, // wrong IV: garbage first block
    ];
    const bodies = new Set<string>();
    for (const body of variants) {
      const response = await callMe(app, 'POST', '/me/wechat/decrypt', { token: login.accessToken, body });
      expect(response.status).toBe(400);
      bodies.add(response.raw);
    }
    expect([...bodies]).toHaveLength(1);
    expect(JSON.parse([...bodies][0] ?? '{}')).toMatchObject({ error: 'invalid_request' });
  });

  it('requires the wechat scope', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const login = await signIn(mp, 'dave', 'openid profile phone');
    const response = await callMe(app, 'POST', '/me/wechat/decrypt', { token: login.accessToken, body: { encryptedData: 'AAAA', iv: 'AAAA' } });
    expect(response).toMatchObject({ status: 403, body: { error: 'insufficient_scope' } });
  });
});

describe('POST /me/wechat/verify-signature', () => {
  it('accepts the official §5.3 signature and refuses a tampered rawData or signature', async () => {
    const app = await startTestApp();
    const { login } = await officialUser(app, 'band53', RAW_DATA_SIGNATURE_VECTOR.sessionKey);
    const { rawData, signature } = RAW_DATA_SIGNATURE_VECTOR;
    const verify = (body: unknown) => callMe(app, 'POST', '/me/wechat/verify-signature', { token: login.accessToken, body });

    expect(await verify({ rawData, signature })).toMatchObject({ status: 200, body: { valid: true } });
    expect(await verify({ rawData: rawData.replace('Band', 'Bond'), signature })).toMatchObject({ status: 200, body: { valid: false } });
    expect(await verify({ rawData, signature: `${signature.slice(0, -1)}0` })).toMatchObject({ status: 200, body: { valid: false } });
    expect(await verify({ rawData, signature: 'nope' })).toMatchObject({ status: 200, body: { valid: false } });
  });

  it('accepts what the simulated WeChat client signed with the current session_key', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const login = await signIn(mp, 'erin');
    const signed = app.wechat.signUserData({ appId: mp.appId, user: 'erin' });
    expect(await callMe(app, 'POST', '/me/wechat/verify-signature', { token: login.accessToken, body: signed })).toMatchObject({ status: 200, body: { valid: true } });
  });
});
