/**
 * The verification core shared by @wxbridge/verifier and the admin API (verifyAccessToken): one
 * token against a given key resolver, here a local JWKS of two keys, with an injected clock so time
 * claims are checked by advancing it rather than by waiting (J-10 … J-13).
 */
import { createLocalJWKSet, type JWTVerifyGetKey } from 'jose';
import { describe, expect, it } from 'vitest';
import { verifyAccessToken, type AccessTokenPolicy } from '../../packages/verifier/src/index.ts';
import { VerifierError } from '../../packages/verifier/src/verifier-error.ts';
import { isExpiry } from '../../packages/verifier/src/verify-access-token.ts';
import { accessTokenClaims, attackerKey, signToken } from '../support/token-forge.ts';

const target = { issuer: 'https://id.example.test', audience: 'https://api.example.test' };
const T0 = Date.parse('2030-01-01T00:00:00Z');
const seconds = (ms: number): number => Math.floor(ms / 1000);

async function arrange() {
  const [es, rs] = await Promise.all([attackerKey('ES256'), attackerKey('RS256')]);
  const local = createLocalJWKSet({ keys: [{ ...es.publicJwk, kid: es.kid, alg: 'ES256' }, { ...rs.publicJwk, kid: rs.kid, alg: 'RS256' }] });
  const lookups: string[] = [];
  const getKey: JWTVerifyGetKey = (header, token) => { lookups.push(String(header.kid)); return local(header, token); };
  const clock = { now: T0 };
  const policy: AccessTokenPolicy = { ...target, currentDate: () => new Date(clock.now) };
  const sign = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> =>
    signToken(es, accessTokenClaims(target, { iat: seconds(T0), exp: seconds(T0) + 300, ...claims }), header);
  const outcome = (token: string, changes: Partial<AccessTokenPolicy> = {}, keys: JWTVerifyGetKey = getKey) =>
    verifyAccessToken(token, keys, { ...policy, ...changes }).then((claims) => claims, (error: unknown) => error);
  return { es, rs, lookups, clock, sign, outcome };
}

const invalid = (description: string) => ({ status: 401, error: 'invalid_token', description });

describe('verifyAccessToken (the core of @wxbridge/verifier and the admin API)', () => {
  it('accepts a valid token as typed claims, until the injected clock passes exp plus the leeway (J-12)', async () => {
    const f = await arrange();
    const token = await f.sign({ scope: 'read write' });
    expect(await f.outcome(token)).toMatchObject({ iss: target.issuer, aud: target.audience, scope: ['read', 'write'] });

    f.clock.now = T0 + 359_000; // exp + 59 s: inside the default 60 s leeway
    expect(await f.outcome(token)).toMatchObject({ iss: target.issuer });
    f.clock.now = T0 + 361_000;
    const expired = await f.outcome(token);
    expect(expired).toMatchObject(invalid('token expired'));
    expect(isExpiry(expired as VerifierError)).toBe(true);
    expect(await f.outcome(token, { clockTolerance: 0 })).toMatchObject(invalid('token expired'));
  });

  it('refuses a token not yet valid until the clock reaches nbf minus the leeway (J-13)', async () => {
    const f = await arrange();
    const token = await f.sign({ nbf: seconds(T0) + 120 });
    const early = await f.outcome(token);
    expect(early).toMatchObject(invalid('"nbf" claim check failed'));
    expect(isExpiry(early as VerifierError)).toBe(false);
    f.clock.now = T0 + 61_000;
    expect(await f.outcome(token)).toMatchObject({ iss: target.issuer });
  });

  it('compares iss and aud exactly, and requires every RFC 9068 claim (J-10, J-11, J-14)', async () => {
    const f = await arrange();
    expect(await f.outcome(await f.sign({ iss: `${target.issuer}/` }))).toMatchObject(invalid('"iss" claim check failed'));
    expect(await f.outcome(await f.sign({ aud: 'https://other.example.test' }))).toMatchObject(invalid('"aud" claim check failed'));
    for (const claim of ['sub', 'jti', 'client_id', 'iat']) {
      expect(await f.outcome(await f.sign({ [claim]: undefined })), claim).toMatchObject({ status: 401, error: 'invalid_token' });
    }
  });

  it('refuses bad shapes and headers before any key lookup (J-02, J-07, J-08, J-09, J-18, crit)', async () => {
    const f = await arrange();
    const genuine = await f.sign();
    const cases: [string, string][] = [
      ['x'.repeat(20_000), 'token too large'],
      [genuine.split('.').slice(0, 2).join('.'), 'not a signed compact JWT'],
      [await f.sign({}, { kid: undefined }), 'missing or invalid kid'],
      [await f.sign({}, { typ: 'JWT' }), 'not an access token (typ must be at+jwt)'],
      [await f.sign({}, { jku: 'https://evil.example/jwks' }), 'key-carrying JOSE header not allowed'],
      [await f.sign({}, { jwk: f.es.publicJwk }), 'key-carrying JOSE header not allowed'],
      [await f.sign({}, { x5u: 'https://evil.example/cert' }), 'key-carrying JOSE header not allowed'],
      [await f.sign({}, { crit: ['b64'], b64: true }), 'critical JOSE header extensions not allowed'],
      [await f.sign({}, { crit: ['x-unknown'], 'x-unknown': 1 }), 'critical JOSE header extensions not allowed'],
    ];
    for (const [token, description] of cases) expect(await f.outcome(token), description).toMatchObject(invalid(description));
    expect(f.lookups).toEqual([]);
  });

  it('pins the algorithms: the other key\'s alg is refused when not listed, and none/HMAC cannot be configured (J-04, J-05)', async () => {
    const f = await arrange();
    const rsToken = await signToken(f.rs, accessTokenClaims(target, { iat: seconds(T0), exp: seconds(T0) + 300 }));
    expect(await f.outcome(rsToken)).toMatchObject({ sub: expect.any(String) });
    expect(await f.outcome(rsToken, { algorithms: ['ES256'] })).toMatchObject(invalid('signing algorithm not allowed'));
    await expect(verifyAccessToken(rsToken, () => Promise.reject(new Error('unreachable')), { ...target, algorithms: ['HS256' as 'ES256'] })).rejects.toThrow(TypeError);
  });

  it('passes a VerifierError of the key resolver through (503 stays 503) and classifies anything else as 401', async () => {
    const f = await arrange();
    const token = await f.sign();
    const down = new VerifierError({ status: 503, error: 'temporarily_unavailable', description: 'keys unavailable' });
    expect(await f.outcome(token, {}, () => Promise.reject(down))).toBe(down);
    expect(await f.outcome(token, {}, () => Promise.reject(new Error('boom')))).toMatchObject(invalid('invalid token'));
    const stranger = await attackerKey('ES256');
    expect(await f.outcome(await signToken(stranger, accessTokenClaims(target, { iat: seconds(T0), exp: seconds(T0) + 300 })))).toMatchObject(invalid('unknown signing key'));
  });
});
