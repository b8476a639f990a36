/**
 * Structured JSON logs (pino) with redaction of every secret-bearing field (design.md §9,
 * house-style §7): WeChat secrets, session keys, codes, tokens, client secrets, auth headers.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

const SECRET_KEYS = [
  'secret', 'appSecret', 'app_secret', 'clientSecret', 'client_secret', 'password',
  'sessionKey', 'session_key', 'code', 'js_code', 'phone_code', 'phoneCode',
  'accessToken', 'access_token', 'refreshToken', 'refresh_token', 'id_token', 'idToken',
  'masterKey', 'master_key', 'privateJwk', 'd', 'authorization', 'cookie', 'set-cookie',
];

/** Redaction paths: the keys at the top level and one or two levels down (pino paths are explicit). */
export const REDACTED_PATHS: readonly string[] = SECRET_KEYS.flatMap((key) => [
  key, `*.${key}`, `*.*.${key}`, `req.headers.${key}`,
]);

export interface LoggerOptions {
  readonly level: string;
  /** Where lines go; tests pass a stream to capture and search every line. Default: stdout. */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'wxbridge' },
      redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
