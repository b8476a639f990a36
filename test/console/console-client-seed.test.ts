// Issue 14 #2: the console's first-party client is seeded by `migrate`, for the issuer the server on that
// database runs as; running `migrate` again (every deploy does) changes nothing, unless the registration is out of date
// (an older wxbridge registered it without offline_access, issue 14 #2): then it is re-registered.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runCli, runCliWith } from '../support/cli-process.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { startTestApp } from '../support/test-app.ts';

describe('console client seeded by migrate', { timeout: 120_000 }, () => {
  it('registers wxbridge-console for the recorded issuer once, and a second migrate leaves it as it was', async () => {
    const app = await startTestApp();
    const before = await runCli(app, ['clients', 'show', '--id', 'wxbridge-console', '--json']);
    expect(before.code).not.toBe(0);

    const first = await runCli(app, ['migrate', '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.json()).toMatchObject({ consoleClient: 'wxbridge-console' });
    const shown = await runCli(app, ['clients', 'show', '--id', 'wxbridge-console', '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.json()).toMatchObject({
      clientId: 'wxbridge-console', type: 'spa',
      redirectUris: [`${app.issuer}/console/callback`], postLogoutRedirectUris: [`${app.issuer}/console/signed-out`],
    });

    const again = await runCli(app, ['migrate', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(await runCli(app, ['clients', 'show', '--id', 'wxbridge-console', '--json']).then((r) => r.json())).toEqual(shown.json());
  });
});

describe('console client brought up to date', { timeout: 120_000 }, () => {
  it('re-registers a console client an older wxbridge registered without offline_access, and then leaves it alone', async () => {
    const app = await startTestApp();
    const audience = app.admin.adminAudience;
    // As an older wxbridge left it: the same client, without offline_access.
    expect((await runCli(app, ['migrate', '--json'])).code).toBe(0);
    const current = await app.admin.clients.show('wxbridge-console');
    await app.admin.clients.update('wxbridge-console', { version: current.version, scope: 'openid' });
    expect((await app.admin.clients.show('wxbridge-console')).scope).toBe('openid');
    expect((await runCli(app, ['migrate', '--json'])).code).toBe(0);
    const shown = await runCli(app, ['clients', 'show', '--id', 'wxbridge-console', '--json']);
    expect(shown.json()).toMatchObject({ scope: 'openid offline_access', resources: { [audience]: 'admin' }, redirectUris: [`${app.issuer}/console/callback`] });
    expect((await runCli(app, ['migrate', '--json'])).code).toBe(0);
    expect(await runCli(app, ['clients', 'show', '--id', 'wxbridge-console', '--json']).then((r) => r.json())).toEqual(shown.json());
  });
});

describe('console client seeded by migrate on a database no server has started on', { timeout: 120_000 }, () => {
  it('creates the admin API audience it needs and the client for the configured issuer', async () => {
    const database = await createTestDatabase();
    const env = { NODE_ENV: 'test', DATABASE_URL: database.url, WXBRIDGE_MASTER_KEY: randomBytes(32).toString('base64'), WXBRIDGE_ISSUER: 'https://id.example.com' };
    const migrated = await runCliWith(env, ['migrate', '--json']);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.json()).toMatchObject({ consoleClient: 'wxbridge-console' });
    const shown = await runCliWith(env, ['clients', 'show', '--id', 'wxbridge-console', '--json']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.json()).toMatchObject({ redirectUris: ['https://id.example.com/console/callback'] });
    const resources = await runCliWith(env, ['resources', 'list', '--json']);
    expect(resources.json()).toEqual(expect.arrayContaining([expect.objectContaining({ uri: 'https://id.example.com/admin/v1', scopes: ['admin'] })]));
  });
});
