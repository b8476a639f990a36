import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import { describeStartupFailure } from './startup-failures.ts';

const context = { port: 3000, metricsPort: 9464, databaseUrl: 'postgres://shop:s3cret-pw@db.internal:6432/shop' };
const coded = (message: string, fields: Record<string, unknown>): Error => Object.assign(new Error(message), fields);

describe('describeStartupFailure (issue 18 #3)', () => {
  it.each<[string, unknown, number, string]>([
    ['a taken port', coded('listen EADDRINUSE: address already in use :::3400', { code: 'EADDRINUSE', syscall: 'listen', port: 3400 }), 71, 'port 3400 is already in use'],
    ['a taken metrics port', coded('listen EADDRINUSE: address already in use 127.0.0.1:9464', { code: 'EADDRINUSE', syscall: 'listen', port: 9464 }), 71,
      'port 9464 is already in use (another wxbridge or another program listens on it): stop that, or start on a free port with WXBRIDGE_METRICS_PORT=<port>'],
    ['a privileged port', coded('listen EACCES: permission denied 0.0.0.0:80', { code: 'EACCES', syscall: 'listen', port: 80 }), 71, 'not permitted to listen on port 80'],
    ['a refused connection, wrapped', new Error('driver failed', { cause: new AggregateError([coded('connect ECONNREFUSED 10.0.0.5:6432', { code: 'ECONNREFUSED' })]) }), 69,
      'cannot reach PostgreSQL at db.internal:6432/shop: connection refused'],
    ['an unknown host', coded('getaddrinfo ENOTFOUND db.internal', { code: 'ENOTFOUND' }), 69, 'cannot reach PostgreSQL at db.internal:6432/shop: host not found'],
    ['a refused login', coded('password authentication failed for user "shop"', { code: '28P01' }), 69, 'refused the login: password authentication failed for user "shop"; check the user and password'],
    ['a missing database', coded('database "shop" does not exist', { code: '3D000' }), 69, 'database "shop" does not exist on PostgreSQL at db.internal:6432/shop'],
    ['pending migrations', new AppError('database.migrations_pending', 'the database has 2 pending migration(s)'), 75, 'the database has 2 pending migration(s)'],
    ['the configuration', new AppError('config.invalid', 'invalid configuration:\n  PORT: too big'), 78, 'PORT: too big'],
  ])('describes %s in one line with its exit code, never the password', (_name, error, exitCode, message) => {
    const failure = describeStartupFailure(error, context);
    expect(failure).toEqual({ exitCode, message: expect.stringContaining(message) });
    expect(failure?.message).not.toContain('s3cret-pw');
  });

  it('leaves anything else to be logged whole', () => {
    expect(describeStartupFailure(new TypeError('x is not a function'), context)).toBeUndefined();
    expect(describeStartupFailure(new AppError('keys.decrypt_failed', 'wrong master key'), context)).toBeUndefined();
  });

  it('names the embedded PostgreSQL when no DATABASE_URL is set', () => {
    expect(describeStartupFailure(coded('connect ECONNREFUSED', { code: 'ECONNREFUSED' }), { port: 3000, databaseUrl: undefined })?.message)
      .toBe('cannot reach the embedded PostgreSQL: connection refused');
  });
});
