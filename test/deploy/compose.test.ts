import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { configProblem, DEPLOY, isKnownVariable, PLACEHOLDER_SECRETS, ROOT, SECRET_VARIABLES } from './deployment-files.ts';

interface Healthcheck { readonly test: readonly string[] }
interface Service {
  readonly image?: string;
  readonly build?: { readonly context: string; readonly dockerfile?: string };
  readonly command?: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
  readonly env_file?: unknown;
  readonly deploy?: {
    readonly replicas?: number;
    readonly resources?: { readonly limits?: Record<string, string>; readonly reservations?: Record<string, string> };
  };
  readonly healthcheck?: Healthcheck;
  readonly depends_on?: Readonly<Record<string, { readonly condition: string }>>;
  readonly stop_grace_period?: string;
  readonly read_only?: boolean;
  readonly volumes?: readonly string[];
}
interface Compose { readonly services: Readonly<Record<string, Service>> }

const text = readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8');
// `merge: true` resolves the `<<:` keys compose itself resolves.
const compose = parse(text, { merge: true }) as Compose;
const service = (name: string): Service => {
  const found = compose.services[name];
  if (found === undefined) throw new Error(`deploy/compose.yaml has no service ${name}`);
  return found;
};
const APP_SERVICES = ['wxbridge', 'migrate'];
const haproxyInstalled = spawnSync('haproxy', ['-v']).status === 0;
/** `${NAME:?message}`: compose stops with the message while NAME is unset or empty. */
const REQUIRED = (name: string): RegExp => new RegExp(`\\$\\{${name}:\\?[^}]+\\}`);
/** compose's own interpolation of `${NAME}`, `${NAME:-default}`, `${NAME:?error}` with the given values. */
const interpolate = (value: string, values: Readonly<Record<string, string>>): string =>
  value.replace(/\$\{(\w+)(?::[-?]([^}]*))?\}/g, (_match, name: string, fallback: string | undefined) => values[name] ?? fallback ?? '');

describe('deploy/compose.yaml', () => {
  it('runs three wxbridge replicas behind a load balancer, on PostgreSQL and Redis', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['lb', 'migrate', 'postgres', 'redis', 'wxbridge']);
    expect(service('wxbridge').deploy?.replicas).toBe(3);
    expect(service('lb').depends_on?.['wxbridge']?.condition).toBe('service_healthy');
  });

  it('builds the image from the repository Dockerfile and runs the same image for the migration', () => {
    for (const name of APP_SERVICES) {
      const build = service(name).build;
      expect(existsSync(join(resolve(DEPLOY, build?.context ?? 'missing'), build?.dockerfile ?? 'Dockerfile')), name).toBe(true);
      expect(resolve(DEPLOY, build?.context ?? ''), name).toBe(resolve(ROOT));
    }
    expect(service('wxbridge').image).toBe(service('migrate').image);
  });

  it('runs `wxbridge migrate` once, after PostgreSQL is healthy and before any instance starts', () => {
    expect(service('migrate').command).toEqual(['node', 'src/cli.ts', 'migrate']);
    expect(service('migrate').depends_on?.['postgres']?.condition).toBe('service_healthy');
    expect(service('wxbridge').depends_on?.['migrate']?.condition).toBe('service_completed_successfully');
  });

  it('health-checks wxbridge on /healthz, PostgreSQL and Redis with their own tools, and waits for them', () => {
    expect(service('wxbridge').healthcheck?.test.join(' ')).toMatch(/http:\/\/127\.0\.0\.1:3000\/healthz/);
    expect(service('postgres').healthcheck?.test).toContain('pg_isready');
    expect(service('redis').healthcheck?.test.join(' ')).toMatch(/redis-cli ping/);
    for (const dependency of ['postgres', 'redis']) expect(service('wxbridge').depends_on?.[dependency]?.condition).toBe('service_healthy');
  });

  it('sets only environment variables the config schema knows (and the listed metrics ones)', () => {
    for (const name of APP_SERVICES) {
      expect(Object.keys(service(name).environment ?? {}).filter((variable) => !isKnownVariable(variable)), name).toEqual([]);
      expect(service(name).env_file, `${name}: configuration is listed in compose.yaml, secrets come from deploy/.env`).toBeUndefined();
    }
  });

  it('inlines no secret: every secret is a required variable from deploy/.env', () => {
    const environment = service('wxbridge').environment ?? {};
    expect(environment['WXBRIDGE_MASTER_KEY']).toMatch(REQUIRED('WXBRIDGE_MASTER_KEY'));
    expect(environment['DATABASE_URL']).toMatch(new RegExp(`^postgres://wxbridge:${REQUIRED('POSTGRES_PASSWORD').source}@postgres:5432/wxbridge$`));
    expect(environment['REDIS_URL']).toMatch(new RegExp(`^redis://:${REQUIRED('REDIS_PASSWORD').source}@redis:6379$`));
    expect(service('postgres').environment?.['POSTGRES_PASSWORD']).toMatch(REQUIRED('POSTGRES_PASSWORD'));
    expect(service('redis').environment?.['REDIS_PASSWORD']).toMatch(REQUIRED('REDIS_PASSWORD'));
    // Nothing that looks like a key or a password anywhere in the file.
    expect(text).not.toMatch(/[A-Za-z0-9+/]{43}=/);
    expect(text.replace(/\$\{[^}]+\}/g, '')).not.toMatch(/:\/\/[^/@\s]*:[^/@\s]+@/);
    // The env file documents each secret, with no value.
    const example = readFileSync(join(DEPLOY, 'env.example'), 'utf8');
    for (const name of ['WXBRIDGE_ISSUER', 'WXBRIDGE_MASTER_KEY', 'POSTGRES_PASSWORD', 'REDIS_PASSWORD']) expect(example).toMatch(new RegExp(`^${name}=$`, 'm'));
  });

  it('starts wxbridge in production once deploy/.env supplies the secrets and the https issuer', () => {
    const env = { ...PLACEHOLDER_SECRETS, WXBRIDGE_ISSUER: 'https://id.example.com', POSTGRES_PASSWORD: 'placeholder', REDIS_PASSWORD: 'placeholder' };
    const environment = Object.fromEntries(Object.entries(service('wxbridge').environment ?? {}).map(([name, value]) => [name, interpolate(value, env)]));
    expect(configProblem(environment)).toBeUndefined();
    for (const name of SECRET_VARIABLES) expect(environment[name], name).toBeDefined();
  });

  it('sets CPU and memory limits and reservations on wxbridge and the migration', () => {
    for (const name of APP_SERVICES) {
      const resources = service(name).deploy?.resources;
      expect({ name, limits: Object.keys(resources?.limits ?? {}).sort(), reservations: Object.keys(resources?.reservations ?? {}).sort() })
        .toEqual({ name, limits: ['cpus', 'memory'], reservations: ['cpus', 'memory'] });
    }
  });

  it('gives a stopping instance longer than its drain, and runs it read-only', () => {
    const drainSeconds = Number(service('wxbridge').environment?.['WXBRIDGE_SHUTDOWN_TIMEOUT_MS'] ?? '10000') / 1000;
    expect(Number.parseInt(service('wxbridge').stop_grace_period ?? '10s', 10)).toBeGreaterThanOrEqual(drainSeconds + 2);
    for (const name of APP_SERVICES) expect(service(name).read_only, name).toBe(true);
  });

  it('balances over /readyz with the HAProxy configuration and error answers it mounts', () => {
    expect(service('lb').volumes).toContain('./haproxy:/usr/local/etc/haproxy:ro');
    const config = readFileSync(join(DEPLOY, 'haproxy/haproxy.cfg'), 'utf8');
    expect(config).toMatch(/^\s*balance roundrobin$/m);
    expect(config).toMatch(/^\s*http-check send meth GET uri \/readyz$/m);
    const errorFiles = [...config.matchAll(/^\s*errorfile (\d{3}) \/usr\/local\/etc\/haproxy\/(\S+)$/gm)];
    expect(errorFiles.map((match) => match[1])).toEqual(['502', '503', '504']);
    for (const [, , file] of errorFiles) {
      const answer = readFileSync(join(DEPLOY, 'haproxy', file ?? 'missing'), 'utf8');
      expect(answer).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
      expect(answer).toMatch(/\r\nRetry-After: \d+\r\n/);
      const [head, body] = answer.split('\r\n\r\n');
      expect(head).toContain(`\r\nContent-Length: ${String(Buffer.byteLength(body ?? ''))}\r\n`);
      expect(JSON.parse(body ?? '')).toMatchObject({ error: 'temporarily_unavailable' });
    }
  });

  it.skipIf(!haproxyInstalled)('holds a configuration haproxy accepts (with its error files where compose mounts them)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxbridge-haproxy-'));
    try {
      const config = readFileSync(join(DEPLOY, 'haproxy/haproxy.cfg'), 'utf8').replaceAll('/usr/local/etc/haproxy/', `${join(DEPLOY, 'haproxy')}/`);
      writeFileSync(join(dir, 'haproxy.cfg'), config);
      const check = spawnSync('haproxy', ['-c', '-f', join(dir, 'haproxy.cfg')], { encoding: 'utf8' });
      // Outside docker the service name does not resolve: that is a warning, not an error.
      expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
