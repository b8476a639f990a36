// The simulator's session-key services and legacy crypto helper (wechat-api.md §4, §5.2, §5.3, §14 items
// 9, 10, 15), checked against WeChat's official vectors.
import { createDecipheriv, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encryptUserData, sessionSignature, signRawData } from '../../src/wechat-simulator/legacy-crypto.ts';
import { CHECKSESSION_VECTORS, ENCRYPTED_DATA_VECTOR, RAW_DATA_SIGNATURE_VECTOR } from '../../src/wechat-simulator/official-vectors.ts';
import { checkSession, json, stableToken, tokenOf } from './app-token-helpers.ts';
import { exchangeLogin, getRaw, MINI, startSimulator, type TestSimulator } from './simulator-fixture.ts';

async function loggedIn(t: TestSimulator, user: string): Promise<string> {
  await exchangeLogin(t, MINI, t.sim.issueCode({ appId: MINI.appId, user }));
  return t.sim.findSessionKey(MINI.appId, user) ?? '';
}

describe('legacy crypto helper (item 15)', () => {
  it('reproduces the official vectors of §4.1, §5.2 and §5.3', () => {
    const v = ENCRYPTED_DATA_VECTOR;
    expect(encryptUserData(v.sessionKey, v.plaintext, v.iv).encryptedData).toBe(v.encryptedData);
    expect(signRawData(RAW_DATA_SIGNATURE_VECTOR.rawData, RAW_DATA_SIGNATURE_VECTOR.sessionKey)).toBe(RAW_DATA_SIGNATURE_VECTOR.signature);
    for (const c of CHECKSESSION_VECTORS) expect(sessionSignature(c.sessionKey, c.message)).toBe(c.signature);
  });

  it('encrypts a user payload with the current session_key and a watermark of the app (or another)', async () => {
    const t = await startSimulator();
    const sessionKey = await loggedIn(t, 'alice');
    const { encryptedData, iv, plaintext } = t.sim.encryptUserData({ appId: MINI.appId, user: 'alice', watermarkAppId: 'wx0000000000000001' });
    const decipher = createDecipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), Buffer.from(iv, 'base64'));
    const decrypted = Buffer.concat([decipher.update(Buffer.from(encryptedData, 'base64')), decipher.final()]).toString('utf8');
    expect(decrypted).toBe(plaintext);
    expect(JSON.parse(decrypted)).toMatchObject({ openId: t.sim.openIdOf(MINI.appId, 'alice'), watermark: { appid: 'wx0000000000000001', timestamp: Math.floor(t.now() / 1000) } });
  });

  it('signs rawData with the current session_key', async () => {
    const t = await startSimulator();
    const sessionKey = await loggedIn(t, 'bob');
    const { rawData, signature } = t.sim.signUserData({ appId: MINI.appId, user: 'bob', rawData: '{"nickName":"Bob"}' });
    expect(signature).toBe(createHash('sha1').update(rawData + sessionKey).digest('hex'));
  });

  it('pins a session_key (e.g. the official one) through the API and the control API', async () => {
    const t = await startSimulator();
    t.sim.setSessionKey({ appId: MINI.appId, user: 'carol', sessionKey: ENCRYPTED_DATA_VECTOR.sessionKey });
    const session = json(await exchangeLogin(t, MINI, t.sim.issueCode({ appId: MINI.appId, user: 'carol' })));
    expect(session['session_key']).toBe(ENCRYPTED_DATA_VECTOR.sessionKey);
    const response = await fetch(`${t.url}/__simulator/session-keys`, {
      method: 'PUT',
      body: JSON.stringify({ appId: MINI.appId, user: 'dave', sessionKey: 'not base64' }),
    });
    expect(response.status).toBe(400);
  });

  it('serves encrypted and signed data through the control API', async () => {
    const t = await startSimulator();
    await loggedIn(t, 'erin');
    const encrypted = await fetch(`${t.url}/__simulator/legacy-data/encrypted`, { method: 'POST', body: JSON.stringify({ appId: MINI.appId, user: 'erin' }) });
    const signed = await fetch(`${t.url}/__simulator/legacy-data/signed`, { method: 'POST', body: JSON.stringify({ appId: MINI.appId, user: 'erin' }) });
    expect(await encrypted.json()).toEqual({ encryptedData: expect.any(String) as unknown, iv: expect.any(String) as unknown, plaintext: expect.any(String) as unknown });
    expect(await signed.json()).toEqual({ rawData: expect.any(String) as unknown, signature: expect.stringMatching(/^[0-9a-f]{40}$/) as unknown });
  });
});

describe('GET /wxa/checksession (item 9)', () => {
  it('accepts the HMAC-SHA256 of "" keyed with the current session_key (official vector) and refuses a stale one', async () => {
    const t = await startSimulator();
    const vector = CHECKSESSION_VECTORS[1];
    t.sim.setSessionKey({ appId: MINI.appId, user: 'frank', sessionKey: vector.sessionKey });
    const token = await tokenOf(stableToken(t, MINI));
    const openid = t.sim.openIdOf(MINI.appId, 'frank');
    expect(json(await checkSession(t, { access_token: token, openid, signature: vector.signature }))).toEqual({ errcode: 0, errmsg: 'ok' });
    await loggedIn(t, 'frank'); // same key within the rotation period
    t.advance(300_001);
    await loggedIn(t, 'frank'); // rotated
    expect(json(await checkSession(t, { access_token: await tokenOf(stableToken(t, MINI)), openid, signature: vector.signature }))['errcode']).toBe(87009);
  });

  it('answers 87008 to another sig_method, 40003 to an openid it never saw and 40001 to a bad token', async () => {
    const t = await startSimulator();
    const token = await tokenOf(stableToken(t, MINI));
    const openid = t.sim.openIdOf(MINI.appId, 'gina');
    expect(json(await checkSession(t, { access_token: token, openid, signature: 'x', sig_method: 'md5' }))['errcode']).toBe(87008);
    expect(json(await checkSession(t, { access_token: token, openid: 'o-unknown', signature: 'x' }))['errcode']).toBe(40003);
    expect(json(await checkSession(t, { access_token: 'nope', openid, signature: 'x' }))['errcode']).toBe(40001);
  });
});

describe('GET /wxa/resetusersessionkey (item 10)', () => {
  it('issues a new session_key, invalidating the old one, and refuses a second reset within the cooldown', async () => {
    const t = await startSimulator();
    const old = await loggedIn(t, 'hugo');
    const token = await tokenOf(stableToken(t, MINI));
    const openid = t.sim.openIdOf(MINI.appId, 'hugo');
    const query = (key: string): string => new URLSearchParams({ access_token: token, openid, signature: sessionSignature(key), sig_method: 'hmac_sha256' }).toString();

    const reset = json(await getRaw(`${t.url}/wxa/resetusersessionkey?${query(old)}`));
    expect(reset).toEqual({ errcode: 0, errmsg: 'ok', openid, session_key: expect.stringMatching(/^[A-Za-z0-9+/]{22}==$/) as unknown });
    expect(reset['session_key']).not.toBe(old);
    expect(json(await checkSession(t, { access_token: token, openid, signature: sessionSignature(old) }))['errcode']).toBe(87009);
    expect(json(await getRaw(`${t.url}/wxa/resetusersessionkey?${query(String(reset['session_key']))}`))['errcode']).toBe(45011);
  });
});
