/**
 * `wxbridge <command>` (design.md §6): `npx wxbridge --help`. Checks the command line first, then
 * builds only what the commands need (configuration, database, master key, admin services) and
 * never starts HTTP. It acts as the issuer the server recorded at its start (issue 18 #1).
 */
import { userInfo } from 'node:os';
import { loadConfig, type Config } from './config.ts';
import { AppError } from './errors.ts';
import type { Orm } from './db/orm.ts';
import type { Logger } from './logger.ts';
import { describeStartupFailure } from './startup-failures.ts';
import { resolveCommandLine, type Command } from './admin/cli-commands.ts';
import { readCommandLine, type CommandLine } from './admin/cli-commands/command-line.ts';
import { cliIssuer } from './admin/cli-issuer.ts';
import { createOutput, EXIT, exitCodeFor, UsageError, type Output } from './admin/cli-io.ts';

async function run(argv: readonly string[]): Promise<number> {
  const out = createOutput(argv.includes('--json'), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
  let config: Config | undefined;
  try {
    if (argv.some((a) => a === '--secret' || a.startsWith('--secret='))) {
      throw new UsageError('secrets are never read from the command line (ps shows it to everyone); use --secret-env <VAR> or pipe the secret on stdin');
    }
    const target = resolveCommandLine(argv.filter((a) => a !== '--json'));
    if ('help' in target) return (process.stdout.write(`${target.help}\n`), target.exitCode);
    // Every usage mistake is refused here, before the configuration, the database or stdin is touched.
    const line = readCommandLine(target.spec, target.args);
    config = loadConfig(process.env, { configDir: new URL('../config', import.meta.url).pathname });
    // The database, ORM and service modules load only now: help and usage mistakes answer at once.
    const { createLogger } = await import('./logger.ts');
    const logger = createLogger({ level: 'warn', destination: process.stderr });
    await (target.command === undefined ? runMigrate(config, logger, out) : runCommand(target.command, line, { config, logger, out }));
    return EXIT.ok;
  } catch (caught) {
    // PostgreSQL unreachable, missing or refusing the login: one line, as `npm start` says it.
    const failure = caught instanceof AppError || config === undefined ? undefined : describeStartupFailure(caught, { port: config.http.port, databaseUrl: config.database.url });
    const error = failure === undefined ? caught : new AppError('database.unavailable', failure.message, { cause: caught });
    out.error(error);
    return exitCodeFor(error);
  }
}

async function runMigrate(config: Config, logger: Logger, out: Output): Promise<void> {
  const [{ resolveDatabaseUrl }, { initOrm, migrate }] = await Promise.all([import('./db/database.ts'), import('./db/orm.ts')]);
  const { url, embedded } = await resolveDatabaseUrl(config, logger);
  try {
    const orm = await initOrm({ url, poolSize: 2 });
    try {
      const applied = await migrate(orm);
      const consoleClient = await seedConsoleClient(config, orm, logger);
      out.result({ applied, consoleClient }, `${applied.length === 0 ? 'database is up to date' : `applied ${applied.join(', ')}`}; console client ${consoleClient}`);
    } finally {
      await orm.close();
    }
  } finally {
    await embedded?.stop();
  }
}

/**
 * The console's first-party client (issue 14 #2) is seeded by `migrate` for the issuer this database
 * serves; the console re-registers it at sign-in when the issuer changed since (ADR 0025).
 */
async function seedConsoleClient(config: Config, orm: Orm, logger: Logger): Promise<string> {
  const [{ readRecordedIssuer }, { createServices }, { systemClock }, { ensureConsoleClient, CONSOLE_CLIENT_ID }] = await Promise.all([
    import('./db/server-settings.ts'), import('./services.ts'), import('./clock.ts'), import('./console/console-client.ts'),
  ]);
  const issuer = cliIssuer(config, await readRecordedIssuer(orm.em.fork()));
  const services = createServices({ config, orm, logger, clock: systemClock, issuer });
  try {
    // The console's resource is the admin API: on a fresh database no server has created it yet.
    await services.admin.ensureAdminAudience();
    await ensureConsoleClient(services.clients, issuer, services.admin.adminAudience);
    return CONSOLE_CLIENT_ID;
  } finally {
    await services.close();
  }
}

async function runCommand(command: Command, line: CommandLine, deps: { config: Config; logger: Logger; out: Output }): Promise<void> {
  const { config, logger, out } = deps;
  const [{ openDatabase }, { readRecordedIssuer }, { createServices }, { systemClock }] = await Promise.all([
    import('./db/database.ts'), import('./db/server-settings.ts'), import('./services.ts'), import('./clock.ts'),
  ]);
  const database = await openDatabase(config, logger);
  try {
    const issuer = cliIssuer(config, await readRecordedIssuer(database.orm.em.fork()));
    const services = createServices({ config, orm: database.orm, logger, clock: systemClock, issuer });
    try {
      // Every change is audited as `cli:<os user>` (design.md §6: who did what).
      const admin = services.admin.as({ actor: `cli:${osUser()}` });
      await command.run({ ...line, services: admin, out, env: process.env, stdin: process.stdin });
    } finally {
      await services.close();
    }
  } finally {
    await database.close();
  }
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid-${process.getuid?.() ?? 'unknown'}`; // no passwd entry (e.g. an arbitrary container uid)
  }
}

process.exitCode = await run(process.argv.slice(2));
