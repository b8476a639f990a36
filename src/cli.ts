/**
 * `wxbridge <command>` (design.md §6): `npx wxbridge --help`. Builds only what the commands need
 * (configuration, database, master key, admin services) and never starts HTTP.
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { systemClock } from './clock.ts';
import { issuerOf, loadConfig } from './config.ts';
import { openDatabase, resolveDatabaseUrl } from './db/database.ts';
import { initOrm, migrate } from './db/orm.ts';
import { createLogger } from './logger.ts';
import { createServices } from './services.ts';
import { COMMANDS } from './admin/cli-commands.ts';
import { createOutput, EXIT, exitCodeFor, UsageError } from './admin/cli-io.ts';

const HELP = `usage: wxbridge <command> [options] [--json]

  migrate${' '.repeat(18)}apply pending database migrations
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(24)} ${c.summary}`).join('\n')}

Run \`wxbridge <command> --help\` for a command's options. Exit codes: 0 ok, 1 failure, 2 usage,
3 invalid input, 4 not found, 5 conflict, 78 configuration.`;

async function run(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  const out = createOutput(json, (s) => process.stdout.write(s), (s) => process.stderr.write(s));
  const words = argv.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'migrate' ? 'migrate' : `${words[0] ?? ''} ${words[1] ?? ''}`.trim();
  if (name === '' || argv.includes('--help') && !(name in COMMANDS) && name !== 'migrate') {
    process.stdout.write(`${HELP}\n`);
    return name === '' && !argv.includes('--help') ? EXIT.usage : EXIT.ok;
  }
  try {
    const config = loadConfig(process.env, { configDir: new URL('../config', import.meta.url).pathname });
    const logger = createLogger({ level: 'warn', destination: process.stderr });
    if (name === 'migrate') {
      if (argv.includes('--help')) return (process.stdout.write('usage: wxbridge migrate [--json]\n'), EXIT.ok);
      const { url, embedded } = await resolveDatabaseUrl(config, logger);
      const orm = await initOrm({ url, poolSize: 2 });
      try {
        const applied = await migrate(orm);
        out.result({ applied }, applied.length === 0 ? 'database is up to date' : `applied ${applied.join(', ')}`);
      } finally {
        await orm.close();
        await embedded?.stop();
      }
      return EXIT.ok;
    }
    if (argv.some((a) => a === '--secret' || a.startsWith('--secret='))) {
      throw new UsageError('secrets are never read from the command line (ps shows it to everyone); use --secret-env <VAR> or pipe the secret on stdin');
    }
    const command = COMMANDS[name];
    if (command === undefined) throw new UsageError(`unknown command "${name}"; see wxbridge --help`);
    if (argv.includes('--help')) return (process.stdout.write(`usage: wxbridge ${command.usage} [--json]\n  ${command.summary}\n`), EXIT.ok);
    const { values, positionals } = parseArgs({
      args: argv.filter((a) => a !== '--json').slice(name.split(' ').length),
      options: command.options, allowPositionals: true, strict: true,
    });
    const database = await openDatabase(config, logger);
    try {
      const services = createServices({ config, orm: database.orm, logger, clock: systemClock, issuer: issuerOf(config) });
      try {
        // Every change is audited as `cli:<os user>` (design.md §6: who did what).
        const admin = services.admin.as({ actor: `cli:${osUser()}` });
        await command.run({ values, positionals, services: admin, out, env: process.env, stdin: process.stdin });
      } finally {
        await services.close();
      }
    } finally {
      await database.close();
    }
    return EXIT.ok;
  } catch (caught) {
    const error = isParseArgsError(caught) ? new UsageError(caught.message) : caught;
    out.error(error);
    return exitCodeFor(error);
  }
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid-${process.getuid?.() ?? 'unknown'}`; // no passwd entry (e.g. an arbitrary container uid)
  }
}

/** node:util parseArgs rejects unknown or malformed options with ERR_PARSE_ARGS_* TypeErrors. */
function isParseArgsError(error: unknown): error is TypeError {
  return error instanceof TypeError && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
}

process.exitCode = await run(process.argv.slice(2));
