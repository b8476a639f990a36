/**
 * Issue #15 finding 4: a refresh with a `resource` it may not have is refused invalid_target without
 * spending the refresh token. Before the fix oidc-provider rotated (consumed) the token first, so the
 * user's next, correct refresh counted as reuse and revoked the whole grant.
 */
import { describe, expect, it } from 'vitest';
import { postToken, verifyAccessToken } from '../support/oidc-client.ts';
import { startTestApp } from '../support/test-app.ts';
import { addResourceServer, setUpMiniProgram } from '../support/wechat-fixtures.ts';

describe('refresh with a bad resource leaves the refresh token usable (issue #15 finding 4)', () => {
  it('answers invalid_target for an unknown resource, a resource of another client and one the token was not granted', async () => {
    const app = await startTestApp();
    const granted = await addResourceServer(app, 'read');
    const notGranted = await addResourceServer(app, 'read');
    const foreign = await addResourceServer(app, 'read');
    const mp = await setUpMiniProgram(app, { resources: { [granted]: 'read', [notGranted]: 'read' }, defaultResource: granted });
    const tokens = await mp.login('resourceful', { resource: granted });
    const refreshToken = tokens.refresh_token ?? '';
    const refresh = (resource?: string): ReturnType<typeof postToken> =>
      postToken(app.baseUrl, { grant_type: 'refresh_token', client_id: mp.clientId, refresh_token: refreshToken, ...(resource === undefined ? {} : { resource }) });

    for (const resource of ['https://unknown.example/api', foreign, notGranted, 'not a uri']) {
      const refused = await refresh(resource);
      expect({ resource, status: refused.status, error: refused.body['error'] }).toEqual({ resource, status: 400, error: expect.stringMatching(/^invalid_(target|request)$/) as unknown });
    }
    const answer = await refresh();
    expect(answer.status).toBe(200);
    expect(await verifyAccessToken(app.issuer, String(answer.body['access_token']), granted)).toMatchObject({ scope: 'read' });
  });
});
