import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { adminFetch } from '../support/admin-api.ts';
import { runCli, type CliResult } from '../support/cli-process.ts';
import { discover, verifyAccessToken, verifyIdToken, wechatLogin } from '../support/oidc-client.ts';
import { startTestApp } from '../support/test-app.ts';
import { randomAppId, randomSecret } from '../support/wechat-fixtures.ts';

const API = 'https://orders.example.test';

function expectOk(result: CliResult): void {
  expect(result.stderr, result.stdout).toBe('');
  expect(result.code).toBe(0);
}

describe('a fresh install configured only through the wxbridge CLI (design.md §6)', () => {
  it('serves a WeChat login and an admin API call, and never prints the AppSecret', { timeout: 90_000 }, async () => {
    const app = await startTestApp();
    const appId = randomAppId();
    const appSecret = randomSecret();
    app.wechat.registerApp({ appId, secret: appSecret, kind: 'miniprogram' });
    const outputs: CliResult[] = [];
    const cli = async (args: string[], options?: Parameters<typeof runCli>[2]): Promise<CliResult> => {
      const result = await runCli(app, args, options);
      outputs.push(result);
      return result;
    };

    expectOk(await cli(['apps', 'add', '--appid', appId, '--kind', 'miniprogram', '--secret-env', 'WX_SECRET', '--name', 'Shop'], { env: { WX_SECRET: appSecret } }));
    expectOk(await cli(['resources', 'add', '--uri', API, '--scope', 'orders:read orders:write', '--ttl', '600']));
    expectOk(await cli(['clients', 'add', '--id', 'shop-mp', '--app', appId, '--public', '--scope', 'openid profile offline_access orders:read', '--resource', API]));
    const adminClient = await cli(['clients', 'add', '--id', 'ops-admin', '--admin', '--json']);
    expectOk(adminClient);
    const { clientSecret } = adminClient.json() as { clientId: string; clientSecret: string };
    expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // The mini-program logs in through WeChat (the simulator) and gets tokens for the API.
    const mp = await discover(app.issuer, 'shop-mp');
    const tokens = await wechatLogin(mp, { code: app.wechat.issueCode({ appId, user: 'alice' }) });
    const access = await verifyAccessToken(app.issuer, tokens.access_token, API);
    expect(access).toMatchObject({ scope: 'orders:read', client_id: 'shop-mp' });
    expect((await verifyIdToken(app.issuer, tokens.id_token ?? '', 'shop-mp')).sub).toBe(access.sub);

    // The admin client gets an admin token and calls the API.
    const adminConfig = await discover(app.issuer, 'ops-admin', clientSecret);
    const { access_token: adminToken } = await oidc.clientCredentialsGrant(adminConfig, { scope: 'admin' });
    const apps = await adminFetch(app, 'GET', '/apps', { authorization: `Bearer ${adminToken}` });
    expect(apps.status).toBe(200);
    expect(apps.body).toEqual({ items: [{ appId, kind: 'miniprogram', name: 'Shop', openPlatformId: null, linkByVerifiedPhone: false, unionIdConflict: 'merge', newAccountsAllowed: true, webSignInPage: 'pages/web-sign-in/index' }], nextCursor: null });
    const user = await adminFetch(app, 'GET', `/users/${access.sub ?? ''}`, { authorization: `Bearer ${adminToken}` });
    expect(user.body).toMatchObject({ id: access.sub, status: 'active', identities: [{ appId }] });

    expectOk(await cli(['apps', 'list']));
    expectOk(await cli(['apps', 'list', '--json']));
    const audit = await cli(['audit', 'list', '--action', 'app.upsert', '--json']);
    expect((audit.json() as { items: { actor: string }[] }).items[0]?.actor).toMatch(/^cli:/);
    for (const output of [...outputs, apps, user]) expect(JSON.stringify(output)).not.toContain(appSecret);
    expect(app.logs.join('\n')).not.toContain(appSecret);
  });
});

describe('wxbridge CLI conventions', () => {
  it('answers --help on every command with exit code 0, and usage mistakes with exit code 2', async () => {
    const app = await startTestApp();
    const help = await runCli(app, ['--help']);
    expect(help.code).toBe(0);
    const commands = [...help.stdout.matchAll(/^ {2}([a-z]+(?: [a-z-]+)?) {2,}/gm)].map((m) => m[1] ?? '');
    expect(commands).toEqual(expect.arrayContaining(['clients list', 'clients rotate-secret', 'clients remove', 'keys rotate', 'audit list']));
    // Four processes at a time: quick, without starving the other test files of CPU.
    for (let i = 0; i < commands.length; i += 4) {
      const batch = commands.slice(i, i + 4);
      const results = await Promise.all(batch.map((command) => runCli(app, [...command.split(' '), '--help'])));
      results.forEach((result, j) => {
        expect(result.code, batch[j]).toBe(0);
        expect(result.stdout, batch[j]).toMatch(/^usage: wxbridge /);
      });
    }
    expect((await runCli(app, ['clients', 'remove'])).code).toBe(2);
    expect((await runCli(app, ['keys', 'rotate', '--delay', 'soon'])).code).toBe(2);
  }, 90_000);

  it('refuses a secret on the command line, and reports errors as JSON with exit codes scripts can use', { timeout: 90_000 }, async () => {
    const app = await startTestApp();
    const secret = randomSecret();
    const argv = await runCli(app, ['apps', 'add', '--appid', randomAppId(), '--kind', 'miniprogram', `--secret=${secret}`]);
    expect(argv.code).toBe(2);
    expect(argv.stderr).not.toContain(secret);

    const notFound = await runCli(app, ['clients', 'show', '--id', 'nobody-here', '--json']);
    expect(notFound.code).toBe(4);
    expect(JSON.parse(notFound.stderr)).toEqual({ error: 'client.not_found', message: 'no client nobody-here' });
    const invalid = await runCli(app, ['clients', 'add', '--id', 'mp-x', '--app', randomAppId(), '--public', '--json']);
    expect(invalid.code).toBe(3);
    expect(JSON.parse(invalid.stderr)).toMatchObject({ error: 'client.invalid_metadata', message: expect.stringContaining('unknown WeChat app') });
    expect((await runCli(app, ['clients', 'add', '--id', 'svc-dup'])).code).toBe(0);
    expect((await runCli(app, ['clients', 'add', '--id', 'svc-dup'])).code).toBe(5);
  });

  it('reads the AppSecret from stdin when no variable is named', async () => {
    const app = await startTestApp();
    const appId = randomAppId();
    const secret = randomSecret();
    const result = await runCli(app, ['apps', 'add', '--appid', appId, '--kind', 'miniprogram', '--json'], { stdin: `${secret}\n` });
    expect(result.code).toBe(0);
    expect(result.json()).toEqual({ appId, kind: 'miniprogram', name: null, openPlatformId: null, linkByVerifiedPhone: false, unionIdConflict: 'merge', newAccountsAllowed: true, webSignInPage: 'pages/web-sign-in/index' });
    expect(result.stdout + result.stderr).not.toContain(secret);
  });
});
