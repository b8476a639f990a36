/**
 * Why wxbridge could not start, as one line an operator can act on and an exit code scripts can branch
 * on (issue 18 #3, #4; README "Exit codes", sysexits.h): the configuration refused, the port taken,
 * PostgreSQL unreachable, missing or refusing the login, migrations pending. Anything else is
 * unexpected: undefined here, and the caller logs it whole.
 */
import { isDatabaseUnavailable } from './db/database-errors.ts';
import { AppError } from './errors.ts';

export const STARTUP_EXIT = { databaseUnavailable: 69, portUnavailable: 71, migrationsPending: 75, config: 78 } as const;

export interface StartupFailure {
  readonly exitCode: number;
  readonly message: string;
}

export interface StartupContext {
  readonly port: number;
  /** WXBRIDGE_METRICS_PORT, if set: a taken metrics port names its own variable. */
  readonly metricsPort?: number | undefined;
  /** DATABASE_URL, if set (only its host, port and database name are ever shown). */
  readonly databaseUrl: string | undefined;
}

export function describeStartupFailure(error: unknown, context: StartupContext): StartupFailure | undefined {
  if (error instanceof AppError) {
    if (error.code === 'config.invalid' || error.code === 'config.unsafe_for_production') return { exitCode: STARTUP_EXIT.config, message: error.message };
    if (error.code === 'database.migrations_pending') return { exitCode: STARTUP_EXIT.migrationsPending, message: error.message };
  }
  const cause = findInChain(error, (e) => typeof codeOf(e) === 'string');
  const code = cause === undefined ? undefined : codeOf(cause);
  if (code === 'EADDRINUSE' || (code === 'EACCES' && (cause as { syscall?: unknown }).syscall === 'listen')) {
    const listened = (cause as { port?: unknown }).port;
    const port = typeof listened === 'number' ? listened : context.port;
    const variable = port === context.metricsPort && port !== context.port ? 'WXBRIDGE_METRICS_PORT' : 'PORT';
    return { exitCode: STARTUP_EXIT.portUnavailable, message: code === 'EADDRINUSE'
      ? `port ${port} is already in use (another wxbridge or another program listens on it): stop that, or start on a free port with ${variable}=<port>`
      : `not permitted to listen on port ${port} (ports below 1024 need privileges): set ${variable} to 1024 or above` };
  }
  const where = databaseLocation(context.databaseUrl);
  // PostgreSQL's own messages name the database or the user, never the password.
  if (code === '3D000') return unavailable(`${(cause as Error).message} on ${where}: create it, then run \`wxbridge migrate\``);
  if (code === '28P01' || code === '28000') return unavailable(`${where} refused the login: ${(cause as Error).message}; check the user and password of DATABASE_URL`);
  if (code === 'ENOTFOUND' || isDatabaseUnavailable(error)) {
    return unavailable(`cannot reach ${where}: ${reasonOf(code, cause)}${context.databaseUrl === undefined ? '' : '; is it running, and is DATABASE_URL right?'}`);
  }
  return undefined;
}

const unavailable = (message: string): StartupFailure => ({ exitCode: STARTUP_EXIT.databaseUnavailable, message });

function databaseLocation(url: string | undefined): string {
  if (url === undefined) return 'the embedded PostgreSQL';
  const parsed = new URL(url);
  return `PostgreSQL at ${parsed.hostname}:${parsed.port || '5432'}/${decodeURIComponent(parsed.pathname.slice(1))}`;
}

const REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused', ETIMEDOUT: 'connection timed out', EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable', ENOTFOUND: 'host not found', EAI_AGAIN: 'host name lookup failed',
};

function reasonOf(code: string | undefined, cause: Error | undefined): string {
  return (code === undefined ? undefined : REASONS[code]) ?? cause?.message ?? 'no answer';
}

function codeOf(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code !== '' ? code : undefined;
}

/** The first error in `error`'s cause chain (and AggregateErrors' members) that `matches`. */
function findInChain(error: unknown, matches: (error: Error) => boolean): Error | undefined {
  const pending: unknown[] = [error];
  const seen = new Set<unknown>();
  while (pending.length > 0) {
    const current = pending.shift();
    if (!(current instanceof Error) || seen.has(current)) continue;
    seen.add(current);
    if (!(current instanceof AppError) && matches(current)) return current;
    pending.push(current.cause);
    if (current instanceof AggregateError) pending.push(...(current.errors as unknown[]));
  }
  return undefined;
}
