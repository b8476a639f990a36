// Editing a WeChat app without its AppSecret, and replacing the AppSecret alone (issue 14 #3): through
// the admin API (PATCH /admin/v1/apps/:appId, POST /admin/v1/apps/:appId/rotate-secret) and the CLI
// (`apps update`, `apps rotate-secret`), both audited, neither ever showing the secret.
import { describe, expect, it } from 'vitest';
import { adminApi } from '../support/admin-api.ts';
import { runCli } from '../support/cli-process.ts';
import { startTestApp } from '../support/test-app.ts';
import { randomSecret, registerMiniProgramApp, randomAppId } from '../support/wechat-fixtures.ts';

describe('PATCH /admin/v1/apps/:appId and POST /admin/v1/apps/:appId/rotate-secret', () => {
  it('changes the name, Open Platform and web sign-in page without the secret, clears one with null, and audits it', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const appId = randomAppId();
    await registerMiniProgramApp(app, { appId, secret: randomSecret(), openPlatformId: 'op-shop' });

    const changed = await api.call('PATCH', `/apps/${appId}`, { name: 'Shop', webSignInPage: 'pages/login/index' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ appId, name: 'Shop', openPlatformId: 'op-shop', webSignInPage: 'pages/login/index' });
    const cleared = await api.call('PATCH', `/apps/${appId}`, { openPlatformId: null });
    expect(cleared.body).toMatchObject({ appId, name: 'Shop', openPlatformId: null });
    expect((await api.call('GET', `/apps/${appId}`)).body).toEqual(cleared.body);
    // The check still uses the secret it had: the edit did not touch it.
    expect((await api.call('POST', `/apps/${appId}/check`)).body).toMatchObject({ diagnosis: 'ok' });

    const audit = await api.call('GET', `/audit?action=app.update&actor=${api.clientId}`);
    expect((audit.body as { items: unknown[] }).items).toHaveLength(2);
    expect(audit.body).toMatchObject({ items: expect.arrayContaining([expect.objectContaining({ target: appId, outcome: 'success', before: expect.objectContaining({ openPlatformId: 'op-shop' }), after: expect.objectContaining({ openPlatformId: null }) })]) });
  });

  it('refuses a bad field with 400 naming it, an empty edit, and an unknown app with 404', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const appId = randomAppId();
    await registerMiniProgramApp(app, { appId, secret: randomSecret() });

    const bad = await api.call('PATCH', `/apps/${appId}`, { webSignInPage: '/pages/x', openPlatformId: 'no spaces' });
    expect(bad.status).toBe(400);
    expect((bad.body as { message: string }).message).toMatch(/^openPlatformId: .*; webSignInPage: must be a mini-program page path|^webSignInPage: .*openPlatformId/);
    expect((await api.call('PATCH', `/apps/${appId}`, {})).status).toBe(400);
    expect((await api.call('PATCH', `/apps/${appId}`, { secret: randomSecret() })).status).toBe(400);
    expect((await api.call('PATCH', `/apps/${randomAppId()}`, { name: 'x' })).status).toBe(404);
    expect((await api.call('GET', `/apps/${randomAppId()}`)).status).toBe(404);
    expect((await api.call('POST', `/apps/${randomAppId()}/rotate-secret`, { secret: randomSecret() })).status).toBe(404);
  });

  it('replaces the AppSecret: the check then uses the new one; a malformed one is refused and never echoed', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const appId = randomAppId();
    const secret = randomSecret();
    await registerMiniProgramApp(app, { appId, secret });

    const wrong = randomSecret();
    const rotated = await api.call('POST', `/apps/${appId}/rotate-secret`, { secret: wrong });
    expect(rotated.status).toBe(200);
    expect(rotated.text).not.toContain(wrong);
    expect((await api.call('POST', `/apps/${appId}/check`)).body).toMatchObject({ diagnosis: 'wrong_secret' });
    await api.call('POST', `/apps/${appId}/rotate-secret`, { secret });
    expect((await api.call('POST', `/apps/${appId}/check`)).body).toMatchObject({ diagnosis: 'ok' });

    const malformed = await api.call('POST', `/apps/${appId}/rotate-secret`, { secret: 'short!' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ message: 'secret: must be the AppSecret (16–64 letters and digits)' });
    const audit = await api.call('GET', `/audit?action=app.rotate_secret&actor=${api.clientId}`);
    expect((audit.body as { items: { outcome: string }[] }).items.map((item) => item.outcome).sort()).toEqual(['failure', 'success', 'success']);
    expect(audit.text).not.toContain(secret);
    expect(audit.text).not.toContain(wrong);
  });
});

describe('wxbridge apps update | rotate-secret', () => {
  it('edits an app the API then shows, and replaces its secret from an environment variable without printing it', async () => {
    const app = await startTestApp();
    const appId = randomAppId();
    const secret = randomSecret();
    await registerMiniProgramApp(app, { appId, secret, openPlatformId: 'op-cli' });

    const updated = await runCli(app, ['apps', 'update', '--appid', appId, '--name', 'CLI shop', '--open-platform', '', '--json']);
    expect(updated.code).toBe(0);
    expect(updated.json()).toMatchObject({ appId, name: 'CLI shop', openPlatformId: null });
    expect(await app.admin.apps.find(appId)).toMatchObject({ name: 'CLI shop', openPlatformId: null });

    const wrong = randomSecret();
    const rotated = await runCli(app, ['apps', 'rotate-secret', '--appid', appId, '--secret-env', 'NEW_SECRET'], { env: { NEW_SECRET: wrong } });
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain(`app ${appId}: AppSecret replaced`);
    expect(rotated.stdout + rotated.stderr).not.toContain(wrong);
    expect(await app.admin.apps.check(appId)).toMatchObject({ diagnosis: 'wrong_secret' });
    expect((await runCli(app, ['apps', 'rotate-secret', '--appid', appId], { stdin: `${secret}\n` })).code).toBe(0);
    expect(await app.admin.apps.check(appId)).toMatchObject({ diagnosis: 'ok' });

    const unknown = await runCli(app, ['apps', 'update', '--appid', randomAppId(), '--name', 'x']);
    expect(unknown.code).toBe(4);
    const audit = await app.admin.audit.query({ action: 'app.rotate_secret', limit: 5 });
    expect(audit.items.every((item) => item.actor.startsWith('cli:'))).toBe(true);
    expect(audit.items).toHaveLength(2);
  });
});
