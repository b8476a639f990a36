/**
 * Configuration: one zod schema over the environment (design.md §7, house-style §6). Non-secret
 * defaults come from config/<NODE_ENV>.env, the process environment overrides them, secrets only
 * ever come from the environment. Every problem is reported at once, named by its variable.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { AppError } from './errors.ts';

const SANDBOX_VALUES = { '1': 'on', true: 'on', '0': 'off', false: 'off', auto: 'auto' } as const;

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: integer(0, 65_535).default(3000),
  WXBRIDGE_HOST: z.string().min(1).optional().describe('address the HTTP listener binds to; default 127.0.0.1, in production every interface'),
  WXBRIDGE_ISSUER: z.url({ protocol: /^https?$/ }).optional().describe('issuer URL; default http://localhost:$PORT'),
  // The message never repeats the value: a database URL carries its password.
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'a postgres:// URL is required (postgres://user:password@host:5432/database)' }).optional().describe('PostgreSQL URL; unset: embedded PostgreSQL'),
  WXBRIDGE_DB_POOL_SIZE: integer(1, 200).default(10),
  WXBRIDGE_WORKERS: z.union([z.literal('auto'), integer(1, 64)]).default(1).describe('HTTP worker processes (node:cluster); auto = one per CPU'),
  WXBRIDGE_LOOKUP_CACHE_TTL_MS: integer(0, 1000).default(500).describe('how long a process reuses a client, resource-server or WeChat-app lookup; 0 = no cache'),
  WXBRIDGE_DATA_DIR: z.string().min(1).default('.data'),
  WXBRIDGE_MASTER_KEY: z.base64().optional().refine((v) => v === undefined || Buffer.from(v, 'base64').length === 32, {
    message: 'must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)',
  }),
  WXBRIDGE_WECHAT_API_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.weixin.qq.com'),
  WXBRIDGE_WECHAT_OPEN_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://open.weixin.qq.com').describe('where browsers are sent to sign in with WeChat (design.md §10)'),
  WXBRIDGE_WECHAT_TIMEOUT_MS: integer(100, 60_000).default(5000),
  WXBRIDGE_WECHAT_CALLS_FLUSH_INTERVAL_MS: integer(1000, 3_600_000).default(60_000).describe('how often each process adds its WeChat call counts per minute to PostgreSQL (the console\'s Overview)'),
  WXBRIDGE_SANDBOX: z.enum(['1', '0', 'true', 'false', 'auto']).default('auto'),
  WXBRIDGE_ACCESS_TOKEN_TTL: integer(30, 3600).default(600),
  WXBRIDGE_ID_TOKEN_TTL: integer(30, 86_400).default(3600),
  WXBRIDGE_REFRESH_TOKEN_TTL: integer(60, 365 * 86_400).default(30 * 86_400),
  WXBRIDGE_CLEANUP_INTERVAL_MS: integer(1000, 86_400_000).default(60_000),
  WXBRIDGE_KEY_RELOAD_INTERVAL_MS: integer(100, 3_600_000).default(30_000).describe('how often each instance reloads signing keys from PostgreSQL'),
  WXBRIDGE_ADMIN_TOKEN_TTL: integer(1, 3600).default(300).describe('lifetime (s) of access tokens for the admin API audience'),
  WXBRIDGE_CONSOLE_IDLE_TIMEOUT: integer(60, 86_400).default(1800).describe('a console session ends after this many seconds without a request'),
  // At most a day: the console's refresh token ends with the admin's wxbridge session (ttl.Session, ADR 0025 addendum).
  WXBRIDGE_CONSOLE_SESSION_LIFETIME: integer(300, 86_400).default(8 * 3600).describe('a console session ends this many seconds after its sign-in, however active'),
  WXBRIDGE_SHUTDOWN_TIMEOUT_MS: integer(0, 120_000).default(10_000),
  WXBRIDGE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Transport limits (test-catalogue H-04, H-05, H-07): slow clients must not hold sockets.
  WXBRIDGE_HTTP_HEADERS_TIMEOUT_MS: integer(100, 120_000).default(15_000).describe('time a client has to send the request headers'),
  WXBRIDGE_HTTP_REQUEST_TIMEOUT_MS: integer(100, 600_000).default(30_000).describe('time a client has to send the whole request'),
  WXBRIDGE_HTTP_KEEP_ALIVE_TIMEOUT_MS: integer(100, 600_000).default(5000).describe('how long an idle keep-alive connection stays open'),
  WXBRIDGE_TRUST_PROXY: z.union([z.enum(['true', 'false']), integer(0, 10)]).default(0).describe('reverse proxies in front (X-Forwarded-* trusted from that many hops)'),
  // Token-endpoint rate limits (docs/decisions/0013): 0 = off.
  WXBRIDGE_RATE_LIMIT_WINDOW_S: integer(1, 3600).default(60),
  WXBRIDGE_RATE_LIMIT_PER_CLIENT: integer(0, 100_000_000).default(0),
  WXBRIDGE_RATE_LIMIT_PER_IP: integer(0, 100_000_000).default(0),
  WXBRIDGE_RATE_LIMIT_AUTH_FAILURES_PER_IP: integer(0, 1_000_000).default(20),
  // Failed WeChat code exchanges (issue #15 finding 7a): on by default, far above what a real mini-program meets.
  WXBRIDGE_RATE_LIMIT_FAILED_CODES_PER_IP: integer(0, 1_000_000).default(20),
  WXBRIDGE_RATE_LIMIT_FAILED_CODES_PER_CLIENT: integer(0, 100_000_000).default(600),
  WXBRIDGE_RATE_LIMIT_SCAN_CODES_PER_IP: integer(0, 1_000_000).default(30),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'a redis:// or rediss:// URL is required' }).optional().describe('Redis for the rate-limit counters; unset: PostgreSQL'),
  WXBRIDGE_REDIS_KEY_PREFIX: z.string().min(1).max(64).default('wxbridge:'),
  // Operations (design.md §9): metrics on their own listener, never the public port; traces only when asked for.
  WXBRIDGE_METRICS_PORT: integer(0, 65_535).optional().describe('port of the Prometheus /metrics listener; unset: off'),
  WXBRIDGE_METRICS_HOST: z.string().min(1).default('127.0.0.1').describe('address the /metrics listener binds to'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional().describe('OTLP/HTTP collector base URL; unset: no tracing'),
  OTEL_SERVICE_NAME: z.string().min(1).max(128).default('wxbridge'),
});

export type Environment = Readonly<Record<string, string | undefined>>;
export type SandboxMode = 'on' | 'off' | 'auto';

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly http: {
    readonly port: number;
    /** The address the public listener binds to; undefined: every interface (production's default). */
    readonly host: string | undefined;
    readonly issuer: string | undefined;
    readonly shutdownTimeoutMs: number;
    readonly timeouts: HttpTimeouts;
    /** Reverse-proxy hops whose X-Forwarded-* headers are trusted (0: none, the socket address is the client). */
    readonly trustProxy: number;
  };
  readonly database: { readonly url: string | undefined; readonly poolSize: number };
  /** HTTP worker processes sharing the port (1: no cluster, the process serves itself). */
  readonly workers: number;
  /** Client, resource-server and WeChat-app lookups are reused this long (docs/decisions/0012). */
  readonly cache: { readonly lookupTtlMs: number };
  readonly dataDir: string;
  readonly keys: { readonly masterKey: Buffer | undefined; readonly reloadIntervalMs: number };
  readonly admin: { readonly tokenTtl: number };
  /** Console sessions slide by `idleTimeoutSeconds` with each request, up to `lifetimeSeconds` after sign-in (ADR 0025). */
  readonly console: { readonly idleTimeoutSeconds: number; readonly lifetimeSeconds: number };
  /** `apiBaseUrl` for server calls, `openBaseUrl` for the browser's authorize pages (design.md §10); both a simulator in tests. */
  readonly wechat: { readonly apiBaseUrl: string; readonly openBaseUrl: string; readonly timeoutMs: number; readonly callsFlushIntervalMs: number };
  readonly sandbox: SandboxMode;
  readonly oidc: {
    readonly accessTokenTtl: number;
    readonly idTokenTtl: number;
    readonly refreshTokenTtl: number;
    readonly cleanupIntervalMs: number;
  };
  readonly log: { readonly level: string };
  readonly rateLimit: RateLimitConfig;
  /** The /metrics listener (port undefined: off). */
  readonly metrics: { readonly port: number | undefined; readonly host: string };
  /** OTLP/HTTP trace export (otlpEndpoint undefined: off). */
  readonly tracing: { readonly otlpEndpoint: string | undefined; readonly serviceName: string };
}

export interface HttpTimeouts { readonly headersMs: number; readonly requestMs: number; readonly keepAliveMs: number }

/** Token-endpoint limits per fixed window (docs/decisions/0013); a limit of 0 is off. */
export interface RateLimitConfig {
  readonly windowSeconds: number;
  readonly perClient: number;
  readonly perIp: number;
  /** Failed client authentications per address and client id (unknown ids: one bucket per address). */
  readonly authFailuresPerIp: number;
  /** Failed WeChat code exchanges per address and per client. */
  readonly failedCodesPerIp: number;
  readonly failedCodesPerClient: number;
  /** Mini-program codes minted for web sign-in pages per address (each one a getwxacodeunlimit call). */
  readonly scanCodesPerIp: number;
  /** Counters in Redis when set, else in PostgreSQL. */
  readonly redisUrl: string | undefined;
  readonly redisKeyPrefix: string;
}

/** The variables the schema knows; config/example.env must document exactly these. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

/** Reads config/<NODE_ENV>.env (non-secret defaults) under `configDir`, if it exists. */
export function readConfigDefaults(configDir: string, nodeEnv: string | undefined): Record<string, string> {
  const file = join(configDir, `${nodeEnv ?? 'development'}.env`);
  if (!existsSync(file)) return {};
  const values = parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
  for (const key of Object.keys(values)) {
    if (key === 'WXBRIDGE_MASTER_KEY' || key === 'DATABASE_URL' || key === 'REDIS_URL') {
      throw new AppError('config.invalid', `${file}: ${key} is a secret and must come from the environment`);
    }
  }
  return values;
}

/** Parses and checks the configuration; throws one AppError naming every problem, invalid and unsafe alike. */
export function loadConfig(env: Environment, options: { configDir?: string } = {}): Config {
  const defaults = options.configDir === undefined ? {} : readConfigDefaults(options.configDir, env['NODE_ENV']);
  const merged: Record<string, string> = { ...defaults, ...pickKnown(env) };
  const parsed = EnvSchema.safeParse(merged);
  const invalid = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  const config = parsed.success ? toConfig(parsed.data) : undefined;
  if (config !== undefined && config.http.timeouts.headersMs > config.http.timeouts.requestMs) {
    // node:http refuses a headers timeout longer than the request timeout.
    invalid.push('WXBRIDGE_HTTP_HEADERS_TIMEOUT_MS: must not exceed WXBRIDGE_HTTP_REQUEST_TIMEOUT_MS');
  }
  // Judged on the raw values, so that an invalid variable does not hide them (issue 18 #4).
  const variableOf = (line: string): string | undefined => line.split(/[:=]/)[0];
  const unsafe = productionProblems(merged).filter((line) => !invalid.some((problem) => variableOf(problem) === variableOf(line)));
  if (invalid.length > 0 || config === undefined) throw new AppError('config.invalid', `invalid configuration:\n  ${[...invalid, ...unsafe].join('\n  ')}`);
  if (unsafe.length > 0) throw new AppError('config.unsafe_for_production', `refusing to start in production:\n  ${unsafe.join('\n  ')}`);
  return deepFreeze(config);
}

function pickKnown(env: Environment): Record<string, string> {
  const known: Record<string, string> = {};
  for (const key of CONFIG_VARIABLES) {
    const value = env[key];
    if (value !== undefined && value !== '') known[key] = value;
  }
  return known;
}

function toConfig(e: z.infer<typeof EnvSchema>): Config {
  const sandbox = SANDBOX_VALUES[e.WXBRIDGE_SANDBOX];
  return {
    env: e.NODE_ENV,
    http: {
      port: e.PORT,
      // Outside production the instance runs the sandbox and development keys: not for the network
      // (issue #15 finding 8). 127.0.0.1, not ::1: the harnesses, the curl walkthrough and most tools
      // reach localhost over IPv4, and the IPv4 loopback exists on every host, containers included.
      // Production listens on every interface (a container's port is published by its runtime).
      host: e.WXBRIDGE_HOST ?? (e.NODE_ENV === 'production' ? undefined : '127.0.0.1'),
      issuer: e.WXBRIDGE_ISSUER?.replace(/\/$/, ''),
      shutdownTimeoutMs: e.WXBRIDGE_SHUTDOWN_TIMEOUT_MS,
      timeouts: { headersMs: e.WXBRIDGE_HTTP_HEADERS_TIMEOUT_MS, requestMs: e.WXBRIDGE_HTTP_REQUEST_TIMEOUT_MS, keepAliveMs: e.WXBRIDGE_HTTP_KEEP_ALIVE_TIMEOUT_MS },
      trustProxy: e.WXBRIDGE_TRUST_PROXY === 'true' ? 1 : e.WXBRIDGE_TRUST_PROXY === 'false' ? 0 : e.WXBRIDGE_TRUST_PROXY,
    },
    database: { url: e.DATABASE_URL, poolSize: e.WXBRIDGE_DB_POOL_SIZE },
    workers: e.WXBRIDGE_WORKERS === 'auto' ? availableParallelism() : e.WXBRIDGE_WORKERS,
    cache: { lookupTtlMs: e.WXBRIDGE_LOOKUP_CACHE_TTL_MS },
    dataDir: e.WXBRIDGE_DATA_DIR,
    keys: {
      masterKey: e.WXBRIDGE_MASTER_KEY === undefined ? undefined : Buffer.from(e.WXBRIDGE_MASTER_KEY, 'base64'),
      reloadIntervalMs: e.WXBRIDGE_KEY_RELOAD_INTERVAL_MS,
    },
    admin: { tokenTtl: e.WXBRIDGE_ADMIN_TOKEN_TTL },
    console: { idleTimeoutSeconds: e.WXBRIDGE_CONSOLE_IDLE_TIMEOUT, lifetimeSeconds: e.WXBRIDGE_CONSOLE_SESSION_LIFETIME },
    wechat: {
      apiBaseUrl: e.WXBRIDGE_WECHAT_API_BASE_URL.replace(/\/$/, ''),
      openBaseUrl: e.WXBRIDGE_WECHAT_OPEN_BASE_URL.replace(/\/$/, ''),
      timeoutMs: e.WXBRIDGE_WECHAT_TIMEOUT_MS,
      callsFlushIntervalMs: e.WXBRIDGE_WECHAT_CALLS_FLUSH_INTERVAL_MS,
    },
    // design.md §7: the sandbox is never on by default in production.
    sandbox: e.NODE_ENV === 'production' && sandbox === 'auto' ? 'off' : sandbox,
    oidc: {
      accessTokenTtl: e.WXBRIDGE_ACCESS_TOKEN_TTL,
      idTokenTtl: e.WXBRIDGE_ID_TOKEN_TTL,
      refreshTokenTtl: e.WXBRIDGE_REFRESH_TOKEN_TTL,
      cleanupIntervalMs: e.WXBRIDGE_CLEANUP_INTERVAL_MS,
    },
    log: { level: e.WXBRIDGE_LOG_LEVEL },
    rateLimit: {
      windowSeconds: e.WXBRIDGE_RATE_LIMIT_WINDOW_S,
      perClient: e.WXBRIDGE_RATE_LIMIT_PER_CLIENT,
      perIp: e.WXBRIDGE_RATE_LIMIT_PER_IP,
      authFailuresPerIp: e.WXBRIDGE_RATE_LIMIT_AUTH_FAILURES_PER_IP,
      failedCodesPerIp: e.WXBRIDGE_RATE_LIMIT_FAILED_CODES_PER_IP,
      failedCodesPerClient: e.WXBRIDGE_RATE_LIMIT_FAILED_CODES_PER_CLIENT,
      scanCodesPerIp: e.WXBRIDGE_RATE_LIMIT_SCAN_CODES_PER_IP,
      redisUrl: e.REDIS_URL,
      redisKeyPrefix: e.WXBRIDGE_REDIS_KEY_PREFIX,
    },
    metrics: { port: e.WXBRIDGE_METRICS_PORT, host: e.WXBRIDGE_METRICS_HOST },
    tracing: { otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/$/, ''), serviceName: e.OTEL_SERVICE_NAME },
  };
}

/** design.md §7: NODE_ENV=production refuses every unsafe default, one line per reason (`raw`: the merged, unparsed values). */
function productionProblems(raw: Readonly<Record<string, string>>): string[] {
  if (raw['NODE_ENV'] !== 'production') return [];
  const problems: string[] = [];
  if (raw['WXBRIDGE_MASTER_KEY'] === undefined) {
    problems.push('WXBRIDGE_MASTER_KEY: required in production (secrets at rest would use a generated development key)');
  }
  if (raw['DATABASE_URL'] === undefined) {
    problems.push('DATABASE_URL: required in production (the embedded PostgreSQL is for development only)');
  }
  const sandbox = raw['WXBRIDGE_SANDBOX'];
  if (sandbox !== undefined && sandbox in SANDBOX_VALUES && SANDBOX_VALUES[sandbox as keyof typeof SANDBOX_VALUES] === 'on') {
    problems.push(`WXBRIDGE_SANDBOX=${sandbox}: the WeChat sandbox must be off in production (it mints fake logins)`);
  }
  const issuer = raw['WXBRIDGE_ISSUER'];
  if (issuer === undefined) {
    problems.push('WXBRIDGE_ISSUER: required in production (the default http://localhost issuer is only for development)');
  } else if (!issuer.startsWith('https://')) {
    problems.push('WXBRIDGE_ISSUER: must be an https:// URL in production');
  }
  return problems;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** The issuer, defaulting to http://localhost:$PORT (design.md §7). */
export function issuerOf(config: Config, listeningPort?: number): string {
  return config.http.issuer ?? `http://localhost:${listeningPort ?? config.http.port}`;
}
