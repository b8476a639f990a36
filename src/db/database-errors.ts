/**
 * Tells "PostgreSQL cannot be reached right now" apart from every other failure (test-catalogue P-04,
 * P-05): a refused or dropped connection, the pool's connect timeout, a server shutting down or still
 * starting. Those are transient and answered 503 with Retry-After at every edge; anything else stays
 * a 500. Errors arrive from pg, pg-pool, Kysely and MikroORM, with or without `cause` chains.
 */
import { AppError } from '../errors.ts';

/** SQLSTATE classes and codes that mean the server is going away or not there yet (PostgreSQL appendix A). */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const SOCKET_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** pg and pg-pool report these as plain Errors without a code. */
const MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Cannot use a pool after calling end on the pool',
  'Client was closed and is not queryable',
];

export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const current = pending.pop();
    if (!(current instanceof Error) || seen.has(current)) continue;
    seen.add(current);
    // An AppError is already classified: a wrapped ECONNREFUSED of a WeChat call is a WeChat outage.
    if (current instanceof AppError) {
      if (current.code === 'database.unavailable') return true;
      continue;
    }
    if (matches(current)) return true;
    pending.push(current.cause);
    if (current instanceof AggregateError) pending.push(...(current.errors as unknown[]));
  }
  return false;
}

function matches(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || SOCKET_ERRNOS.has(code))) return true;
  // MikroORM's driver exception for a lost connection.
  if (error.name === 'ConnectionException') return true;
  // Wrappers (MikroORM's DriverException) prefix the driver's message.
  return MESSAGES.some((message) => error.message.includes(message));
}
