/**
 * The CLI's commands (design.md §6), one file per noun under cli-commands/, each a thin translation
 * of argv into a call on the admin services that the admin API uses too.
 */
import { APP_COMMANDS } from './cli-commands/apps.ts';
import { CLIENT_COMMANDS } from './cli-commands/clients.ts';
import type { Command } from './cli-commands/command.ts';
import { KEY_USER_AUDIT_COMMANDS } from './cli-commands/keys-users-audit.ts';
import { RESOURCE_COMMANDS } from './cli-commands/resources.ts';

export type { Command, CommandContext } from './cli-commands/command.ts';

export const COMMANDS: Readonly<Record<string, Command>> = {
  ...APP_COMMANDS,
  ...RESOURCE_COMMANDS,
  ...CLIENT_COMMANDS,
  ...KEY_USER_AUDIT_COMMANDS,
};
