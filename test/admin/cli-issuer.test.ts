// The CLI configures the server on its database (issue 18 #1): it acts as the issuer that server
// recorded at its start, so an admin client it adds works at once whatever PORT the CLI was given,
// and a configuration naming another issuer is refused with both named.
import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { adminFetch } from '../support/admin-api.ts';
import { runCli } from '../support/cli-process.ts';
import { discover } from '../support/oidc-client.ts';
import { startTestApp } from '../support/test-app.ts';

describe('the wxbridge CLI next to a running server', () => {
  it('binds an admin client to the running server\'s admin API, even when the CLI is given another PORT', async () => {
    const app = await startTestApp();
    const added = await runCli(app, ['clients', 'add', '--id', 'ops-admin', '--admin', '--json'], { env: { PORT: '3000' } });
    expect(added.code).toBe(0);
    const { clientSecret } = added.json() as { clientSecret: string };
    const { access_token: token } = await oidc.clientCredentialsGrant(await discover(app.issuer, 'ops-admin', clientSecret), { scope: 'admin' });
    expect((await adminFetch(app, 'GET', '/clients', { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await runCli(app, ['clients', 'show', '--id', 'ops-admin', '--json'])).json()).toMatchObject({ resources: { [`${app.issuer}/admin/v1`]: 'admin' } });
  });

  it('refuses to act when WXBRIDGE_ISSUER differs from the issuer the server runs as, naming both (exit 78)', async () => {
    const app = await startTestApp();
    const result = await runCli(app, ['clients', 'add', '--id', 'ops-admin', '--admin'], { env: { WXBRIDGE_ISSUER: 'http://localhost:3000' } });
    expect(result.code).toBe(78);
    expect(result.stderr).toBe(`config.invalid: the server on this database runs as issuer ${app.issuer} (recorded at its last start), `
      + 'but WXBRIDGE_ISSUER here is http://localhost:3000; run the CLI with the server\'s configuration, or restart the server with the new issuer first\n');
    expect((await runCli(app, ['clients', 'show', '--id', 'ops-admin'])).code).toBe(4);
  });
});
