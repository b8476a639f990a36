import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { isDatabaseUnavailable } from './database-errors.ts';

const withCode = (code: string, message = 'x'): Error => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a server shutting down (57P01)', withCode('57P01', 'terminating connection due to administrator command')],
    ['a connection exception class 08', withCode('08006')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['the pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['a wrapped driver error', new Error('select 1 - Connection terminated unexpectedly')],
    ['a cause chain', new Error('query failed', { cause: withCode('ECONNRESET') })],
    ['an AggregateError', new AggregateError([withCode('ECONNREFUSED')], 'all attempts failed')],
    ['our own database.unavailable', new AppError('database.unavailable', 'down')],
  ])('recognises %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('23505')],
    ['a syntax error', withCode('42601')],
    ['a WeChat outage wrapping ECONNREFUSED', new AppError('wechat.unavailable', 'WeChat could not be reached', { cause: withCode('ECONNREFUSED') })],
    ['a plain error', new Error('boom')],
    ['not an error', 'ECONNREFUSED'],
  ])('does not mistake %s for an outage', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
