// Nothing hands out or logs a session_key or a WeChat access token (design.md §2, ADR 0006; test catalogue
// W-10, S-01, S-03): every response of a full tour of the user endpoints, every captured log line, and the
// database columns (ciphertext only) are searched for each secret in every encoding.
import { describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.ts';
import { queryDatabase } from '../support/wechat-fixtures.ts';
import { callMe, setUpUserApp, signIn, type MeResponse } from './me-fixtures.ts';

/** The secret as text and in the encodings a careless log line might use. */
function encodings(secret: string, base64 = false): string[] {
  const forms = [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1).replaceAll('/', '\\/')];
  if (base64) {
    const bytes = Buffer.from(secret, 'base64');
    forms.push(bytes.toString('hex'), bytes.toString('base64url'));
  }
  return forms;
}

describe('secrets of the WeChat session', () => {
  it('never appear in responses, logs or plaintext database columns', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const login = await signIn(mp, 'alice', undefined, { phone_code: app.wechat.issuePhoneCode({ appId: mp.appId, user: 'alice' }).code });
    const sessionKey = app.wechat.findSessionKey(mp.appId, 'alice') ?? '';
    const seen: MeResponse[] = [];
    const call = async (method: string, path: string, body: unknown): Promise<void> => {
      seen.push(await callMe(app, method, path, { token: login.accessToken, body }));
    };

    await call('POST', '/me/phone', { code: app.wechat.issuePhoneCode({ appId: mp.appId, user: 'alice' }).code });
    app.wechat.invalidateAccessTokens({ appId: mp.appId }); // exercises the forced refresh and its logs
    await call('POST', '/me/phone', { code: app.wechat.issuePhoneCode({ appId: mp.appId, user: 'alice' }).code });
    await call('POST', '/me/phone', { code: 'f'.repeat(64) });
    await call('PATCH', '/me/profile', { nickname: 'Alice' });
    const encrypted = app.wechat.encryptUserData({ appId: mp.appId, user: 'alice' });
    await call('POST', '/me/wechat/decrypt', { encryptedData: encrypted.encryptedData, iv: encrypted.iv });
    await call('POST', '/me/wechat/decrypt', { encryptedData: encrypted.encryptedData.slice(0, 44), iv: encrypted.iv });
    await call('POST', '/me/wechat/verify-signature', app.wechat.signUserData({ appId: mp.appId, user: 'alice' }));
    seen.push(await callMe(app, 'GET', '/me', { token: login.accessToken }));

    expect(seen.map((r) => r.status)).toEqual([200, 200, 400, 200, 200, 400, 200, 200]);
    const wechatTokens = app.wechat.requests.filter((r) => r.endpoint === 'getuserphonenumber').map((r) => r.query['access_token'] ?? '');
    expect(new Set(wechatTokens).size).toBe(2);
    const responses = [JSON.stringify(login.tokens), ...seen.map((r) => `${JSON.stringify([...r.headers])}\n${r.raw}`)].join('\n');
    const logs = app.logs.join('\n');
    for (const secret of [...encodings(sessionKey, true), ...wechatTokens.flatMap((token) => encodings(token))]) {
      expect(responses).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }

    const [identity] = await queryDatabase<{ session_key_ciphertext: string }>(app, 'select session_key_ciphertext from wechat_identities');
    expect(identity?.session_key_ciphertext).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    const [cached] = await queryDatabase<{ token_ciphertext: string }>(app, 'select token_ciphertext from wechat_access_tokens');
    expect(cached?.token_ciphertext).toMatch(/^v1\./);
    const dump = JSON.stringify(await queryDatabase(app, 'select * from wechat_identities')) + JSON.stringify(await queryDatabase(app, 'select * from wechat_access_tokens'))
      + JSON.stringify(await queryDatabase(app, 'select * from audit_events'));
    for (const secret of [sessionKey, ...wechatTokens]) expect(dump).not.toContain(secret);
  });
});
