import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import { CONFIG_VARIABLES, issuerOf, loadConfig, type Config, type Environment } from './config.ts';

const KEY = Buffer.alloc(32, 7).toString('base64');
const PRODUCTION: Environment = {
  NODE_ENV: 'production',
  WXBRIDGE_MASTER_KEY: KEY,
  DATABASE_URL: 'postgres://wxbridge:secret@db.internal:5432/wxbridge',
  WXBRIDGE_ISSUER: 'https://id.example.com',
};

function failure(env: Environment): AppError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted the configuration');
}

/** The variable each problem line of an error message names. */
const namedVariables = (error: Error): string[] => error.message.split('\n').slice(1).map((line) => line.trim().split(/[:=]/)[0] ?? '');

describe('loadConfig defaults', () => {
  it('gives every setting its documented default when the environment is empty', () => {
    expect(loadConfig({})).toEqual({
      env: 'development',
      http: { port: 3000, host: '127.0.0.1', issuer: undefined, shutdownTimeoutMs: 10_000, timeouts: { headersMs: 15_000, requestMs: 30_000, keepAliveMs: 5000 }, trustProxy: 0 },
      database: { url: undefined, poolSize: 10 },
      workers: 1,
      cache: { lookupTtlMs: 500 },
      dataDir: '.data',
      keys: { masterKey: undefined, reloadIntervalMs: 30_000 },
      admin: { tokenTtl: 300 },
      console: { idleTimeoutSeconds: 1800, lifetimeSeconds: 28_800 },
      wechat: { apiBaseUrl: 'https://api.weixin.qq.com', openBaseUrl: 'https://open.weixin.qq.com', timeoutMs: 5000, callsFlushIntervalMs: 60_000 },
      sandbox: 'auto',
      oidc: { accessTokenTtl: 600, idTokenTtl: 3600, refreshTokenTtl: 2_592_000, cleanupIntervalMs: 60_000 },
      log: { level: 'info' },
      rateLimit: { windowSeconds: 60, perClient: 0, perIp: 0, authFailuresPerIp: 20, failedCodesPerIp: 20, failedCodesPerClient: 600, scanCodesPerIp: 30, redisUrl: undefined, redisKeyPrefix: 'wxbridge:' },
      metrics: { port: undefined, host: '127.0.0.1' },
      tracing: { otlpEndpoint: undefined, serviceName: 'wxbridge' },
    } satisfies Config);
  });

  it('defaults the issuer to http://localhost:$PORT, or to the port actually listened on', () => {
    expect(issuerOf(loadConfig({ PORT: '8080' }))).toBe('http://localhost:8080');
    expect(issuerOf(loadConfig({ PORT: '0' }), 41_234)).toBe('http://localhost:41234');
  });

  it('prefers WXBRIDGE_ISSUER, without a trailing slash', () => {
    expect(issuerOf(loadConfig({ WXBRIDGE_ISSUER: 'https://id.example.com/' }), 41_234)).toBe('https://id.example.com');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ http: { port: 3000 }, database: { url: undefined } });
  });

  it('returns a frozen configuration', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.oidc)).toBe(true);
  });
});

describe('loadConfig overrides', () => {
  it.each<[string, string, (config: Config) => unknown, unknown]>([
    ['NODE_ENV', 'test', (c) => c.env, 'test'],
    ['PORT', '8443', (c) => c.http.port, 8443],
    ['WXBRIDGE_ISSUER', 'https://id.example.com', (c) => c.http.issuer, 'https://id.example.com'],
    ['DATABASE_URL', 'postgresql://u:p@h:5432/d', (c) => c.database.url, 'postgresql://u:p@h:5432/d'],
    ['WXBRIDGE_DB_POOL_SIZE', '25', (c) => c.database.poolSize, 25],
    ['WXBRIDGE_WORKERS', '4', (c) => c.workers, 4],
    ['WXBRIDGE_WORKERS', 'auto', (c) => c.workers, availableParallelism()],
    ['WXBRIDGE_LOOKUP_CACHE_TTL_MS', '0', (c) => c.cache.lookupTtlMs, 0],
    ['WXBRIDGE_DATA_DIR', '/var/lib/wxbridge', (c) => c.dataDir, '/var/lib/wxbridge'],
    ['WXBRIDGE_MASTER_KEY', KEY, (c) => c.keys.masterKey, Buffer.alloc(32, 7)],
    ['WXBRIDGE_WECHAT_API_BASE_URL', 'http://127.0.0.1:9999/', (c) => c.wechat.apiBaseUrl, 'http://127.0.0.1:9999'],
    ['WXBRIDGE_WECHAT_OPEN_BASE_URL', 'http://127.0.0.1:9999/', (c) => c.wechat.openBaseUrl, 'http://127.0.0.1:9999'],
    ['WXBRIDGE_WECHAT_TIMEOUT_MS', '1500', (c) => c.wechat.timeoutMs, 1500],
    ['WXBRIDGE_WECHAT_CALLS_FLUSH_INTERVAL_MS', '1000', (c) => c.wechat.callsFlushIntervalMs, 1000],
    ['WXBRIDGE_SANDBOX', 'true', (c) => c.sandbox, 'on'],
    ['WXBRIDGE_SANDBOX', '0', (c) => c.sandbox, 'off'],
    ['WXBRIDGE_ACCESS_TOKEN_TTL', '300', (c) => c.oidc.accessTokenTtl, 300],
    ['WXBRIDGE_ID_TOKEN_TTL', '900', (c) => c.oidc.idTokenTtl, 900],
    ['WXBRIDGE_REFRESH_TOKEN_TTL', '86400', (c) => c.oidc.refreshTokenTtl, 86_400],
    ['WXBRIDGE_CLEANUP_INTERVAL_MS', '5000', (c) => c.oidc.cleanupIntervalMs, 5000],
    ['WXBRIDGE_KEY_RELOAD_INTERVAL_MS', '1000', (c) => c.keys.reloadIntervalMs, 1000],
    ['WXBRIDGE_ADMIN_TOKEN_TTL', '60', (c) => c.admin.tokenTtl, 60],
    ['WXBRIDGE_CONSOLE_IDLE_TIMEOUT', '600', (c) => c.console.idleTimeoutSeconds, 600],
    ['WXBRIDGE_CONSOLE_SESSION_LIFETIME', '3600', (c) => c.console.lifetimeSeconds, 3600],
    ['WXBRIDGE_SHUTDOWN_TIMEOUT_MS', '0', (c) => c.http.shutdownTimeoutMs, 0],
    ['WXBRIDGE_LOG_LEVEL', 'debug', (c) => c.log.level, 'debug'],
    ['WXBRIDGE_HTTP_HEADERS_TIMEOUT_MS', '1000', (c) => c.http.timeouts.headersMs, 1000],
    ['WXBRIDGE_HTTP_REQUEST_TIMEOUT_MS', '60000', (c) => c.http.timeouts.requestMs, 60_000],
    ['WXBRIDGE_HTTP_KEEP_ALIVE_TIMEOUT_MS', '500', (c) => c.http.timeouts.keepAliveMs, 500],
    ['WXBRIDGE_TRUST_PROXY', '2', (c) => c.http.trustProxy, 2],
    ['WXBRIDGE_TRUST_PROXY', 'true', (c) => c.http.trustProxy, 1],
    ['WXBRIDGE_RATE_LIMIT_WINDOW_S', '10', (c) => c.rateLimit.windowSeconds, 10],
    ['WXBRIDGE_RATE_LIMIT_PER_CLIENT', '100', (c) => c.rateLimit.perClient, 100],
    ['WXBRIDGE_RATE_LIMIT_PER_IP', '200', (c) => c.rateLimit.perIp, 200],
    ['WXBRIDGE_RATE_LIMIT_AUTH_FAILURES_PER_IP', '0', (c) => c.rateLimit.authFailuresPerIp, 0],
    ['WXBRIDGE_HOST', '0.0.0.0', (c) => c.http.host, '0.0.0.0'],
    ['WXBRIDGE_RATE_LIMIT_FAILED_CODES_PER_IP', '0', (c) => c.rateLimit.failedCodesPerIp, 0],
    ['WXBRIDGE_RATE_LIMIT_SCAN_CODES_PER_IP', '5', (c) => c.rateLimit.scanCodesPerIp, 5],
    ['WXBRIDGE_RATE_LIMIT_FAILED_CODES_PER_CLIENT', '5000', (c) => c.rateLimit.failedCodesPerClient, 5000],
    ['REDIS_URL', 'redis://127.0.0.1:6379/2', (c) => c.rateLimit.redisUrl, 'redis://127.0.0.1:6379/2'],
    ['WXBRIDGE_REDIS_KEY_PREFIX', 'shop:', (c) => c.rateLimit.redisKeyPrefix, 'shop:'],
    ['WXBRIDGE_METRICS_PORT', '9464', (c) => c.metrics.port, 9464],
    ['WXBRIDGE_METRICS_HOST', '0.0.0.0', (c) => c.metrics.host, '0.0.0.0'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'http://collector:4318/', (c) => c.tracing.otlpEndpoint, 'http://collector:4318'],
    ['OTEL_SERVICE_NAME', 'wxbridge-eu', (c) => c.tracing.serviceName, 'wxbridge-eu'],
  ])('%s=%s is applied', (variable, value, read, expected) => {
    expect(read(loadConfig({ [variable]: value }))).toEqual(expected);
  });

  it('has an override test above for every variable of the schema', () => {
    const tested = new Set(['NODE_ENV', 'PORT', 'WXBRIDGE_ISSUER', 'DATABASE_URL', 'WXBRIDGE_DB_POOL_SIZE', 'WXBRIDGE_DATA_DIR',
      'WXBRIDGE_MASTER_KEY', 'WXBRIDGE_WECHAT_API_BASE_URL', 'WXBRIDGE_WECHAT_OPEN_BASE_URL', 'WXBRIDGE_WECHAT_TIMEOUT_MS', 'WXBRIDGE_WECHAT_CALLS_FLUSH_INTERVAL_MS', 'WXBRIDGE_SANDBOX', 'WXBRIDGE_ACCESS_TOKEN_TTL',
      'WXBRIDGE_ID_TOKEN_TTL', 'WXBRIDGE_REFRESH_TOKEN_TTL', 'WXBRIDGE_CLEANUP_INTERVAL_MS', 'WXBRIDGE_KEY_RELOAD_INTERVAL_MS',
      'WXBRIDGE_ADMIN_TOKEN_TTL', 'WXBRIDGE_CONSOLE_IDLE_TIMEOUT', 'WXBRIDGE_CONSOLE_SESSION_LIFETIME', 'WXBRIDGE_SHUTDOWN_TIMEOUT_MS', 'WXBRIDGE_LOG_LEVEL', 'WXBRIDGE_WORKERS', 'WXBRIDGE_LOOKUP_CACHE_TTL_MS',
      'WXBRIDGE_HTTP_HEADERS_TIMEOUT_MS', 'WXBRIDGE_HTTP_REQUEST_TIMEOUT_MS', 'WXBRIDGE_HTTP_KEEP_ALIVE_TIMEOUT_MS', 'WXBRIDGE_TRUST_PROXY',
      'WXBRIDGE_RATE_LIMIT_WINDOW_S', 'WXBRIDGE_RATE_LIMIT_PER_CLIENT', 'WXBRIDGE_RATE_LIMIT_PER_IP', 'WXBRIDGE_RATE_LIMIT_AUTH_FAILURES_PER_IP', 'WXBRIDGE_RATE_LIMIT_FAILED_CODES_PER_IP', 'WXBRIDGE_RATE_LIMIT_FAILED_CODES_PER_CLIENT', 'WXBRIDGE_RATE_LIMIT_SCAN_CODES_PER_IP', 'WXBRIDGE_HOST',
      'REDIS_URL', 'WXBRIDGE_REDIS_KEY_PREFIX', 'WXBRIDGE_METRICS_PORT', 'WXBRIDGE_METRICS_HOST', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_SERVICE_NAME']);
    expect([...CONFIG_VARIABLES].sort()).toEqual([...tested].sort());
  });

  it('ignores variables it does not know', () => {
    expect(loadConfig({ WXBRIDGE_UNKNOWN: 'x', HOME: '/root' })).toEqual(loadConfig({}));
  });
});

describe('loadConfig errors', () => {
  it('names every invalid variable in one config.invalid error', () => {
    const error = failure({
      NODE_ENV: 'staging', PORT: 'abc', WXBRIDGE_MASTER_KEY: 'short', DATABASE_URL: 'mysql://x', WXBRIDGE_DB_POOL_SIZE: '0',
      WXBRIDGE_ISSUER: 'ftp://id', WXBRIDGE_SANDBOX: 'maybe', WXBRIDGE_ACCESS_TOKEN_TTL: '5', WXBRIDGE_LOG_LEVEL: 'loud',
    });
    expect(error.code).toBe('config.invalid');
    expect([...new Set(namedVariables(error))].sort()).toEqual(['DATABASE_URL', 'NODE_ENV', 'PORT', 'WXBRIDGE_ACCESS_TOKEN_TTL', 'WXBRIDGE_DB_POOL_SIZE',
      'WXBRIDGE_ISSUER', 'WXBRIDGE_LOG_LEVEL', 'WXBRIDGE_MASTER_KEY', 'WXBRIDGE_SANDBOX']);
  });

  it('refuses a headers timeout longer than the request timeout (node:http would throw)', () => {
    const error = failure({ WXBRIDGE_HTTP_HEADERS_TIMEOUT_MS: '20000', WXBRIDGE_HTTP_REQUEST_TIMEOUT_MS: '10000' });
    expect(namedVariables(error)).toEqual(['WXBRIDGE_HTTP_HEADERS_TIMEOUT_MS']);
  });

  it('refuses a WeChat sign-in page base URL that is not http(s)', () => {
    expect(namedVariables(failure({ WXBRIDGE_WECHAT_OPEN_BASE_URL: 'javascript:alert(1)' }))).toEqual(['WXBRIDGE_WECHAT_OPEN_BASE_URL']);
  });

  it('says that DATABASE_URL must be a postgres:// URL, without repeating the value', () => {
    const error = failure({ DATABASE_URL: 'mysql://root:hunter2@db/shop' });
    expect(error.message).toContain('DATABASE_URL: a postgres:// URL is required');
    expect(error.message).not.toContain('hunter2');
  });

  it('refuses a master key that is not 32 bytes', () => {
    const error = failure({ WXBRIDGE_MASTER_KEY: Buffer.alloc(16).toString('base64') });
    expect(error.message).toContain('WXBRIDGE_MASTER_KEY: must be 32 bytes');
  });
});

describe('loadConfig in production', () => {
  it('accepts a complete production configuration, with the sandbox off by default', () => {
    expect(loadConfig(PRODUCTION)).toMatchObject({ env: 'production', sandbox: 'off', http: { issuer: 'https://id.example.com' } });
  });

  it('listens on every interface in production, on loopback elsewhere, on WXBRIDGE_HOST when set (issue #15 finding 8)', () => {
    expect(loadConfig(PRODUCTION).http.host).toBeUndefined();
    expect(loadConfig({}).http.host).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'test' }).http.host).toBe('127.0.0.1');
    expect(loadConfig({ WXBRIDGE_HOST: '0.0.0.0' }).http.host).toBe('0.0.0.0');
    expect(loadConfig({ ...PRODUCTION, WXBRIDGE_HOST: '10.0.0.5' }).http.host).toBe('10.0.0.5');
  });

  it.each<[string, Environment]>([
    ['WXBRIDGE_MASTER_KEY', { ...PRODUCTION, WXBRIDGE_MASTER_KEY: undefined }],
    ['DATABASE_URL', { ...PRODUCTION, DATABASE_URL: undefined }],
    ['WXBRIDGE_SANDBOX', { ...PRODUCTION, WXBRIDGE_SANDBOX: '1' }],
    ['WXBRIDGE_ISSUER', { ...PRODUCTION, WXBRIDGE_ISSUER: undefined }],
    ['WXBRIDGE_ISSUER', { ...PRODUCTION, WXBRIDGE_ISSUER: 'http://id.example.com' }],
  ])('refuses to start over %s, with one line naming it', (variable, env) => {
    const error = failure(env);
    expect(error.code).toBe('config.unsafe_for_production');
    expect(namedVariables(error)).toEqual([variable]);
  });

  it('reports an invalid variable and a production problem together (issue 18 #4)', () => {
    const error = failure({ ...PRODUCTION, WXBRIDGE_MASTER_KEY: Buffer.alloc(16).toString('base64'), WXBRIDGE_ISSUER: 'http://id.example.com' });
    expect(error.code).toBe('config.invalid');
    expect(namedVariables(error).sort()).toEqual(['WXBRIDGE_ISSUER', 'WXBRIDGE_MASTER_KEY']);
  });

  it('lists every production problem at once', () => {
    const error = failure({ NODE_ENV: 'production', WXBRIDGE_SANDBOX: 'true' });
    expect(namedVariables(error).sort()).toEqual(['DATABASE_URL', 'WXBRIDGE_ISSUER', 'WXBRIDGE_MASTER_KEY', 'WXBRIDGE_SANDBOX']);
  });
});

describe('config/example.env', () => {
  const example = parseEnv(readFileSync(new URL('../config/example.env', import.meta.url), 'utf8')) as Record<string, string>;
  const lines = readFileSync(new URL('../config/example.env', import.meta.url), 'utf8').split('\n');

  it('documents exactly the variables of the schema', () => {
    expect(Object.keys(example).sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('puts a comment line above every variable', () => {
    for (const variable of CONFIG_VARIABLES) {
      const index = lines.findIndex((line) => line.startsWith(`${variable}=`));
      expect(lines[index - 1], variable).toMatch(/^# \S/);
    }
  });

  it('holds valid values that are the defaults', () => {
    expect(loadConfig(example)).toEqual(loadConfig({}));
  });
});
