// Issue 16 #4 (memory): a serving process whose rate-limit counters live in PostgreSQL never loads
// @redis/client (≈ 5 MiB of heap per process); with REDIS_URL it is loaded when the counters open.
// Checked in a fresh Node process that records every module it resolves (node:module registerHooks).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;

/** The modules a fresh process resolves while importing the app and opening the counters (REDIS_URL or not). */
function resolvedModules(redisUrl: string | undefined): string[] {
  const script = `
    import { registerHooks } from 'node:module';
    const resolved = [];
    registerHooks({ resolve(specifier, context, next) { const result = next(specifier, context); resolved.push(result.url); return result; } });
    await import(${JSON.stringify(`${ROOT}src/app.ts`)});
    const { openTokenRateLimits } = await import(${JSON.stringify(`${ROOT}src/rate-limits/token-rate-limits.ts`)});
    const config = { windowSeconds: 60, perClient: 10, perIp: 10, authFailuresPerIp: 10, failedCodesPerIp: 10, failedCodesPerClient: 10, scanCodesPerIp: 10, redisUrl: ${JSON.stringify(redisUrl)}, redisKeyPrefix: 'lazy-modules-test:' };
    const logger = { warn() {}, error() {}, info() {}, debug() {} };
    const limits = await openTokenRateLimits({ config, em: () => { throw new Error('no database here'); }, logger, clock: { now: () => new Date() } });
    await limits.close();
    process.stdout.write(JSON.stringify(resolved));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  if (child.status !== 0) throw new Error(`the probe process failed (${String(child.status)}): ${child.stderr}`);
  return JSON.parse(child.stdout) as string[];
}

const redisModules = (urls: readonly string[]): string[] => urls.filter((url) => url.includes('/node_modules/@redis/'));

describe('@redis/client is loaded only when REDIS_URL is set', { timeout: 120_000 }, () => {
  it('counters in PostgreSQL: the app and its rate limits load no Redis module', () => {
    const urls = resolvedModules(undefined);
    expect(urls.some((url) => url.endsWith('/src/app.ts'))).toBe(true);
    expect(urls.some((url) => url.includes('/node_modules/oidc-provider/'))).toBe(true);
    expect(redisModules(urls)).toEqual([]);
  });

  it.skipIf(process.env['REDIS_URL'] === undefined)('counters in Redis (REDIS_URL set): the client is loaded when they open', () => {
    expect(redisModules(resolvedModules(process.env['REDIS_URL'])).length).toBeGreaterThan(0);
  });
});
