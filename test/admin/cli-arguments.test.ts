// The wxbridge CLI's command line (design.md §6, issue 18 #2, #3, #11): contradictory, ignored or
// missing options are refused with exit code 2 and a message that says what to write instead, before
// the configuration or the database is touched — these runs point DATABASE_URL at a closed port, so
// a check made after opening the database would exit 69 instead.
import { describe, expect, it } from 'vitest';
import { findFreePort } from '../../src/db/postmaster.ts';
import { runCliWith, type CliResult } from '../support/cli-process.ts';

const APP_ID = 'wx0123456789abcdef';

async function closedDatabase(): Promise<Record<string, string>> {
  return { NODE_ENV: 'test', DATABASE_URL: `postgres://wxbridge:db-password-7f3a@127.0.0.1:${await findFreePort()}/wxbridge` };
}

/** Runs each command line (four processes at a time, to spare the other test files' CPU). */
async function runAll(env: Record<string, string>, lines: readonly (readonly string[])[]): Promise<CliResult[]> {
  const results: CliResult[] = [];
  for (let i = 0; i < lines.length; i += 4) results.push(...await Promise.all(lines.slice(i, i + 4).map((args) => runCliWith(env, args))));
  return results;
}

describe('wxbridge CLI usage mistakes (exit code 2, nothing opened)', () => {
  it('refuses contradictory, ignored, repeated and missing options, saying what goes with what', { timeout: 90_000 }, async () => {
    const cases: [string[], RegExp][] = [
      // --app without --public used to create a service client with a secret and drop --app.
      [['clients', 'add', '--id', 'mp', '--app', APP_ID], /^usage: --app does not apply to a service client \(the default\); it goes with a mini-program client \(--public\)$/],
      [['clients', 'add', '--id', 'mp', '--public', '--admin'], /--public and --admin cannot be combined/],
      [['clients', 'add', '--id', 'ops', '--admin', '--scope', 'openid'], /--scope does not apply to an admin API client \(--admin\)/],
      [['clients', 'add', '--id', 'mp', '--public'], /--app is required for a mini-program client \(--public\)/],
      [['clients', 'add', '--id', 'a', '--id', 'b'], /--id is given more than once/],
      [['clients', 'add', '--id', 'svc', '--scope', 'openid read', '--resource', 'https://api.example.test'], /a service client acts for no user, so it gets no OIDC scope \(openid\)/],
      [['clients', 'list', '--limit', '0'], /--limit must be a whole number from 1 to 200/],
      [['audit', 'list', '--limit', '500'], /--limit must be a whole number from 1 to 200/],
      [['clients', 'rotate-secret', '--id', 'svc', '--overlap', 'soon'], /--overlap must be a duration/],
      [['apps', 'add'], /^usage: --appid and --kind are required$/],
      [['users', 'show'], /<sub> is required/],
      [['users', 'show', 'a', 'b'], /unexpected argument "b"/],
      [['apps', 'list', 'everything'], /unexpected argument "everything"/],
      [['apps', 'frob'], /unknown command "apps frob"; see wxbridge apps/],
    ];
    const results = await runAll(await closedDatabase(), cases.map(([args]) => args));
    results.forEach((result, i) => {
      const [args, message] = cases[i] ?? [[], /./];
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(result.stderr.trim(), args.join(' ')).toMatch(message);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    });
  });

  it('lists a noun\'s commands, and describes migrate', async () => {
    const [bare, help, migrate] = await runAll(await closedDatabase(), [['apps'], ['apps', '--help'], ['migrate', '--help']]);
    for (const listing of [bare, help]) {
      expect(listing?.stdout).toMatch(/^usage: wxbridge apps <command>/);
      expect([...(listing?.stdout ?? '').matchAll(/^ {2}(apps \S+)/gm)].map((m) => m[1])).toEqual(['apps add', 'apps update', 'apps rotate-secret', 'apps list', 'apps remove', 'apps link-by-phone', 'apps new-accounts', 'apps unionid-conflict']);
    }
    expect([bare?.code, help?.code]).toEqual([2, 0]);
    expect(migrate?.code).toBe(0);
    expect(migrate?.stdout).toMatch(/^usage: wxbridge migrate \[--json\]\n {2}apply pending database migrations/);
  });
});

describe('wxbridge CLI when PostgreSQL cannot be reached', () => {
  it('says so in one line naming where it looked, without the password, and exits 69', async () => {
    const env = await closedDatabase();
    const [text, json] = await runAll(env, [['clients', 'list'], ['clients', 'list', '--json']]);
    const port = new URL(env['DATABASE_URL'] ?? '').port;
    expect(text?.code).toBe(69);
    expect(text?.stderr).toBe(`database.unavailable: cannot reach PostgreSQL at 127.0.0.1:${port}/wxbridge: connection refused; is it running, and is DATABASE_URL right?\n`);
    expect(json?.code).toBe(69);
    expect(JSON.parse(json?.stderr ?? '')).toEqual({ error: 'database.unavailable', message: expect.stringContaining(`127.0.0.1:${port}/wxbridge`) });
    expect(`${text?.stderr ?? ''}${json?.stderr ?? ''}`).not.toContain('db-password-7f3a');
  });
});
