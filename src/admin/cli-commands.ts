/**
 * The CLI's commands (design.md §6), one file per noun under cli-commands/, each a thin translation
 * of argv into a call on the admin services that the admin API uses too; and which command, or
 * which help text, a command line names.
 */
import { ACCOUNT_LIFECYCLE_COMMANDS } from './cli-commands/account-lifecycle.ts';
import { ADMIN_ROLE_COMMANDS } from './cli-commands/admins.ts';
import { APP_COMMANDS } from './cli-commands/apps.ts';
import { CLIENT_COMMANDS } from './cli-commands/clients.ts';
import type { Command, CommandSpec } from './cli-commands/command.ts';
import { KEY_USER_AUDIT_COMMANDS } from './cli-commands/keys-users-audit.ts';
import { OVERVIEW_COMMANDS } from './cli-commands/overview.ts';
import { RESOURCE_COMMANDS } from './cli-commands/resources.ts';
import { EXIT, UsageError } from './cli-io.ts';

export type { Command, CommandContext } from './cli-commands/command.ts';

export const COMMANDS: Readonly<Record<string, Command>> = {
  ...APP_COMMANDS,
  ...RESOURCE_COMMANDS,
  ...CLIENT_COMMANDS,
  ...KEY_USER_AUDIT_COMMANDS,
  ...ACCOUNT_LIFECYCLE_COMMANDS,
  ...ADMIN_ROLE_COMMANDS,
  ...OVERVIEW_COMMANDS,
};

/** `wxbridge migrate` needs no services: cli.ts runs it itself. */
export const MIGRATE: CommandSpec = {
  usage: 'migrate',
  summary: 'apply pending database migrations and seed the console client: a deployment step in production (the server only checks), done by `npm start` in development',
  options: {},
};

const line = (name: string, spec: CommandSpec): string => `  ${name.padEnd(24)} ${spec.summary}`;

const HELP = `usage: wxbridge <command> [options] [--json]

${line('migrate', MIGRATE)}
${Object.entries(COMMANDS).map(([name, c]) => line(name, c)).join('\n')}

Run \`wxbridge <command> --help\` for a command's options. Exit codes: 0 ok, 1 failure, 2 usage,
3 invalid input, 4 not found, 5 conflict, 69 database unreachable, 75 migrations pending,
78 configuration.`;

export type CommandLineTarget =
  | { readonly help: string; readonly exitCode: number }
  | { readonly name: string; readonly spec: CommandSpec; readonly command: Command | undefined; readonly args: readonly string[] };

/**
 * What `argv` (without --json) asks for: a command and its own arguments, or a help text — the whole
 * list, or a noun's commands for `wxbridge apps` (issue 18 #11). Help asked for exits 0, help given
 * because the line named nothing runnable exits 2 (usage).
 */
export function resolveCommandLine(argv: readonly string[]): CommandLineTarget {
  const help = argv.includes('--help');
  const [noun, verb] = argv;
  const helpExit = help ? EXIT.ok : EXIT.usage;
  if (noun === undefined || noun.startsWith('-')) return { help: HELP, exitCode: helpExit };
  if (noun === 'migrate') return found('migrate', MIGRATE, undefined, argv.slice(1), help);
  // A command of one word (`wxbridge overview`) takes its options right after it.
  const single = COMMANDS[noun];
  if (single !== undefined) return found(noun, single, single, argv.slice(1), help);
  const nounCommands = Object.entries(COMMANDS).filter(([name]) => name.startsWith(`${noun} `));
  if (nounCommands.length === 0) {
    if (help) return { help: HELP, exitCode: EXIT.ok };
    throw new UsageError(`unknown command "${noun}"; see wxbridge --help`);
  }
  const command = COMMANDS[`${noun} ${verb ?? ''}`];
  if (command !== undefined) return found(`${noun} ${verb ?? ''}`, command, command, argv.slice(2), help);
  if (verb !== undefined && !verb.startsWith('-')) throw new UsageError(`unknown command "${noun} ${verb}"; see wxbridge ${noun}`);
  return { help: `usage: wxbridge ${noun} <command> [options] [--json]\n\n${nounCommands.map(([name, c]) => line(name, c)).join('\n')}`, exitCode: helpExit };
}

function found(name: string, spec: CommandSpec, command: Command | undefined, args: readonly string[], help: boolean): CommandLineTarget {
  if (help) return { help: `usage: wxbridge ${spec.usage} [--json]\n  ${spec.summary}`, exitCode: EXIT.ok };
  return { name, spec, command, args };
}
