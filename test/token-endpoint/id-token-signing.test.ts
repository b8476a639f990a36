// ID tokens are signed ES256 for clients registered without a choice, RS256 when a client registers it
// (docs/decisions/0012: a P-256 signature costs a third of an RSA-2048 one on every login).
import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { postToken, verifyIdToken, WECHAT_GRANT } from '../support/oidc-client.ts';
import { startTestApp } from '../support/test-app.ts';
import { randomAppId, randomName, randomSecret, registerMiniProgramApp } from '../support/wechat-fixtures.ts';

async function idTokenOf(choice: { idTokenSigningAlg?: 'ES256' | 'RS256' }): Promise<{ header: string | undefined; verified: boolean }> {
  const app = await startTestApp();
  const appId = randomAppId();
  await registerMiniProgramApp(app, { appId, secret: randomSecret() });
  const clientId = randomName('mp');
  await app.admin.clients.register({ type: 'miniprogram', clientId, wechatAppId: appId, scope: 'openid profile', ...choice });
  const response = await postToken(app.baseUrl, { grant_type: WECHAT_GRANT, client_id: clientId, code: app.wechat.issueCode({ appId, user: 'ida' }) });
  const idToken = String(response.body['id_token']);
  return { header: decodeProtectedHeader(idToken).alg, verified: (await verifyIdToken(app.issuer, idToken, clientId)).aud === clientId };
}

describe('ID-token signing algorithm of a mini-program client', () => {
  it('is ES256 when the client was registered without one', async () => {
    expect(await idTokenOf({})).toEqual({ header: 'ES256', verified: true });
  });

  it('is RS256 when the client was registered with RS256', async () => {
    expect(await idTokenOf({ idTokenSigningAlg: 'RS256' })).toEqual({ header: 'RS256', verified: true });
  });
});
