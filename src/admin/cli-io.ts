/**
 * CLI plumbing: exit codes scripts can branch on, output as text or `--json`, and secrets read
 * from a named environment variable or stdin — never from argv, which `ps` shows to everyone
 * (design.md §6, test-catalogue A-08).
 */
import { AppError, type ErrorCode } from '../errors.ts';

/** The CLI's exit codes (README "CLI"); 69, 75 and 78 are sysexits.h's, as `npm start` uses them. */
export const EXIT = { ok: 0, failure: 1, usage: 2, invalid: 3, notFound: 4, conflict: 5, databaseUnavailable: 69, migrationsPending: 75, config: 78 } as const;

export class UsageError extends Error {}

const EXIT_FOR: Partial<Record<ErrorCode, number>> = {
  'request.invalid': EXIT.invalid,
  'client.invalid_metadata': EXIT.invalid,
  'account.not_found': EXIT.notFound,
  'client.not_found': EXIT.notFound,
  'resource_server.not_found': EXIT.notFound,
  'wechat.app_unknown': EXIT.notFound,
  'client.conflict': EXIT.conflict,
  'database.unavailable': EXIT.databaseUnavailable,
  'database.migrations_pending': EXIT.migrationsPending,
  'config.invalid': EXIT.config,
  'config.unsafe_for_production': EXIT.config,
};

export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof AppError) return EXIT_FOR[error.code] ?? EXIT.failure;
  return EXIT.failure;
}

export interface Output {
  /** Prints a result: JSON with --json, else the text rendering. */
  result(value: unknown, text: string): void;
  error(error: unknown): void;
}

export function createOutput(json: boolean, write: (s: string) => void, writeError: (s: string) => void): Output {
  return {
    result(value, text) {
      write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
    },
    error(error) {
      const code = error instanceof AppError ? error.code : error instanceof UsageError ? 'usage' : 'error';
      const message = error instanceof Error ? error.message : String(error);
      writeError(json ? `${JSON.stringify({ error: code, message })}\n` : `${code}: ${message}\n`);
    },
  };
}

/** Reads a secret from the environment variable named by the user, or from stdin when none is named. */
export async function readSecret(env: Readonly<Record<string, string | undefined>>, variable: string | undefined, stdin: AsyncIterable<Buffer | string>): Promise<string> {
  if (variable !== undefined) {
    const value = env[variable];
    if (value === undefined || value === '') throw new UsageError(`environment variable ${variable} is empty or not set`);
    return value.trim();
  }
  let text = '';
  for await (const chunk of stdin) text += chunk.toString();
  if (text.trim() === '') throw new UsageError('no secret on stdin; pipe it in or use --secret-env <VAR>');
  return text.trim();
}
