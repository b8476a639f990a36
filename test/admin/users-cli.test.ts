// The CLI's counterparts of the console's Users page (issue 14 #3, "and the reverse"): find an account by
// an exact openid, sub or unionid, and sign it out everywhere; both as the admin API does them.
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.ts';
import { postToken } from '../support/oidc-client.ts';
import { startTestApp } from '../support/test-app.ts';
import { queryDatabase, setUpMiniProgram, subOf } from '../support/wechat-fixtures.ts';

// Six CLI processes, each starting Node and opening the database: well past 30 s on a loaded machine.
describe('wxbridge users find / sign-out', { timeout: 120_000 }, () => {
  it('finds an account by its openid or sub, and signs it out of every app (refresh refused, sign-in still allowed, audited)', async () => {
    const app = await startTestApp();
    const mp = await setUpMiniProgram(app);
    const tokens = await mp.login('nora');
    const sub = subOf(tokens);
    const [identity] = await queryDatabase<{ open_id: string }>(app, 'select open_id from wechat_identities where account_id = $1', [sub]);
    const openId = identity?.open_id ?? '';

    for (const query of [openId, sub]) {
      const found = await runCli(app, ['users', 'find', query, '--json']);
      expect(found.code, found.stderr).toBe(0);
      expect(found.json()).toEqual([expect.objectContaining({ id: sub, status: 'active', identities: [expect.objectContaining({ appId: mp.appId, openId })] })]);
    }
    const none = await runCli(app, ['users', 'find', `${openId}x`]);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('(no account matches exactly)');

    const signedOut = await runCli(app, ['users', 'sign-out', sub, '--json']);
    expect(signedOut.code, signedOut.stderr).toBe(0);
    expect(signedOut.json()).toMatchObject({ id: sub, revoked: expect.any(Number) });
    const refresh = await postToken(app.baseUrl, { grant_type: 'refresh_token', client_id: mp.clientId, refresh_token: tokens.refresh_token ?? '' });
    expect(refresh.status).toBe(400);
    expect(refresh.body['error']).toBe('invalid_grant');
    expect(subOf(await mp.login('nora'))).toBe(sub);
    const audit = await app.admin.audit.query({ action: 'user.sign_out', limit: 5 });
    expect(audit.items[0]).toMatchObject({ target: sub, outcome: 'success', actor: expect.stringMatching(/^cli:/) });

    const unknown = await runCli(app, ['users', 'sign-out', '00000000-0000-4000-8000-000000000000']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/no account|not found/i);
  });
});
