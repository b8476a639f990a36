import { createServer } from 'node:http';
import { base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { accessTokenClaims, attackerKey, hmacWithPublicKey, reencode, signToken, unsecured } from '../support/token-forge.ts';
import { createVerifier } from '../../packages/verifier/src/index.ts';
import { arrangeVerifier, controlledFetch, INVALID_TOKEN, outcomeOf, type VerifierFixture } from './verifier-fixture.ts';

let fixture: Promise<VerifierFixture> | undefined;
const arrange = (): Promise<VerifierFixture> => (fixture ??= arrangeVerifier());

/** A token signed with wxbridge's real key that breaks only what `claims`/`header` change. */
async function forged(f: VerifierFixture, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  return signToken(f.key, accessTokenClaims({ issuer: f.app.issuer, audience: f.api }, claims), header);
}

const now = (): number => Math.floor(Date.now() / 1000);
const b64 = (value: unknown): string => base64url.encode(JSON.stringify(value));

describe('verifier: tokens it must refuse with 401 invalid_token (test-catalogue C.7)', () => {
  const cases: [name: string, reason: string, make: (f: VerifierFixture) => string | Promise<string>][] = [
    ['J-02 alg none with the signature stripped', 'not a signed compact JWT', (f) => unsecured(f.tokens.accessToken)],
    ['J-03 a header without alg', 'algorithm not allowed', (f) => reencode(f.tokens.accessToken, { alg: undefined }, f.tokens.accessToken.split('.')[2] ?? '')],
    ['J-03 alg null', 'algorithm not allowed', (f) => reencode(f.tokens.accessToken, { alg: null }, f.tokens.accessToken.split('.')[2] ?? '')],
    ['J-03 an empty header', 'algorithm not allowed', (f) => `${b64({})}.${f.tokens.accessToken.split('.').slice(1).join('.')}`],
    ['J-04 HS256 keyed with our ES256 public key as PEM', 'algorithm not allowed', (f) => hmacWithPublicKey(f.tokens.accessToken, f.key.publicJwk, 'pem')],
    ['J-04 HS256 keyed with our ES256 public key as JWK', 'algorithm not allowed', (f) => hmacWithPublicKey(f.tokens.accessToken, f.key.publicJwk, 'jwk')],
    ['J-05 an ES256 signature relabelled RS256', 'unknown signing key', (f) => reencode(f.tokens.accessToken, { alg: 'RS256' }, f.tokens.accessToken.split('.')[2] ?? '')],
    ['J-05 an ES256 signature relabelled PS256', 'algorithm not allowed', (f) => reencode(f.tokens.accessToken, { alg: 'PS256' }, f.tokens.accessToken.split('.')[2] ?? '')],
    ['J-05 the psychic signature (r = s = 0)', 'signature verification failed', (f) => reencode(f.tokens.accessToken, {}, base64url.encode(new Uint8Array(64)))],
    ['J-06 an unknown kid (an attacker\'s key)', 'unknown signing key', async (f) => signToken(await attackerKey(), accessTokenClaims({ issuer: f.app.issuer, audience: f.api }))],
    ['J-06 kid ../../dev/null', 'unknown signing key', (f) => forged(f, {}, { kid: '../../dev/null' })],
    ['J-06 kid \' OR 1=1 --', 'unknown signing key', (f) => forged(f, {}, { kid: "' OR 1=1 --" })],
    ['J-06 a 10 KB kid', 'invalid kid', (f) => forged(f, {}, { kid: 'k'.repeat(10_240) })],
    ['J-06 a numeric kid', 'invalid kid', (f) => forged(f, {}, { kid: 42 })],
    ['J-06 an array kid', 'invalid kid', (f) => forged(f, {}, { kid: [f.key.kid] })],
    ['J-07 no kid', 'invalid kid', (f) => forged(f, {}, { kid: undefined })],
    ['J-08 an embedded jwk of the attacker under our kid', 'key-carrying JOSE header', async (f) => {
      const evil = await attackerKey();
      return signToken({ ...evil, kid: f.key.kid }, accessTokenClaims({ issuer: f.app.issuer, audience: f.api }), { jwk: evil.publicJwk });
    }],
    ['J-09 typ JWT', 'typ must be at+jwt', (f) => forged(f, {}, { typ: 'JWT' })],
    ['J-09 no typ', 'typ must be at+jwt', (f) => forged(f, {}, { typ: undefined })],
    ['J-09 an ID token presented as an access token', 'typ must be at+jwt', (f) => f.tokens.idToken],
    ['J-09 an ID token relabelled typ at+jwt (its aud is the client)', '"aud" claim', (f) => forged(f, { aud: f.mp.clientId }, {})],
    ['J-10 an access token for another resource server', '"aud" claim', async (f) => (await f.mp.login('amy', { resource: f.otherApi, scope: 'openid read' })).access_token],
    ['J-11 iss with a trailing slash', '"iss" claim', (f) => forged(f, { iss: `${f.app.issuer}/` })],
    ['J-11 iss https instead of http', '"iss" claim', (f) => forged(f, { iss: f.app.issuer.replace('http:', 'https:') })],
    ['J-11 iss of another tenant', '"iss" claim', (f) => forged(f, { iss: `${f.app.issuer}/tenant-b` })],
    ['J-12 expired 61 s ago (leeway 60 s)', 'token expired', (f) => forged(f, { iat: now() - 700, exp: now() - 61 })],
    ['J-12 nbf 61 s in the future', '"nbf" claim', (f) => forged(f, { nbf: now() + 61 })],
    ['J-14 crit b64 with b64 false', 'critical JOSE header extensions not allowed', (f) => forged(f, {}, { crit: ['b64'], b64: false })],
    ['J-14 an unknown critical header', 'critical JOSE header extensions not allowed', (f) => forged(f, {}, { crit: ['x-wxbridge-unknown'], 'x-wxbridge-unknown': 1 })],
    ['missing jti', '"jti" claim', (f) => forged(f, { jti: undefined })],
    ['missing client_id', '"client_id" claim', (f) => forged(f, { client_id: undefined })],
    ['a non-string scope', '"scope" claim', (f) => forged(f, { scope: ['read'] })],
    ['J-18 two segments', 'not a signed compact JWT', (f) => f.tokens.accessToken.split('.').slice(0, 2).join('.')],
    ['J-18 four segments', 'not a signed compact JWT', (f) => `${f.tokens.accessToken}.AAAA`],
    ['J-18 bad base64url', 'not a signed compact JWT', (f) => f.tokens.accessToken.replace('.', '.$')],
    ['J-18 a 1 MB token', 'token too large', (f) => `${f.tokens.accessToken}${'A'.repeat(1_048_576)}`],
    ['J-18 a deeply nested header', 'malformed JOSE header', (f) => `${base64url.encode(`${'['.repeat(5000)}${']'.repeat(5000)}`)}.${f.tokens.accessToken.split('.').slice(1).join('.')}`],
    ['J-18 a payload that is not JSON', 'signature verification failed', (f) => {
      const [header = '', , signature = ''] = f.tokens.accessToken.split('.');
      return `${header}.${base64url.encode('not json')}.${signature}`;
    }],
    ['an empty string', 'not a signed compact JWT', () => ''],
  ];

  it.each(cases)('%s (%s)', async (_name, reason, make) => {
    const f = await arrange();
    const token = await make(f);

    const outcome = await outcomeOf(f.verifier, token);

    expect(outcome).toMatchObject({ ...INVALID_TOKEN, description: expect.stringContaining(reason) });
  });

  it('still accepts the genuine token the forgeries were made from (J-01)', async () => {
    const f = await arrange();
    await expect(f.verifier.verify(f.tokens.accessToken)).resolves.toMatchObject({ aud: f.api, scope: ['read', 'write'] });
    await expect(f.verifier.verify(await forged(f))).resolves.toMatchObject({ client_id: 'forged-client' });
  });

  it('accepts a token expired or not yet valid by less than the leeway (J-12, J-13)', async () => {
    const f = await arrange();
    await expect(f.verifier.verify(await forged(f, { iat: now() - 600, exp: now() - 45 }))).resolves.toMatchObject({ iss: f.app.issuer });
    await expect(f.verifier.verify(await forged(f, { iat: now() + 45, nbf: now() + 45 }))).resolves.toMatchObject({ iss: f.app.issuer });
  });

  it('checks exp and nbf against the injected clock (now), not the machine\'s', async () => {
    const f = await arrange();
    const token = await forged(f, { iat: now(), nbf: now() + 300, exp: now() + 600 });
    const at = (seconds: number) => createVerifier({ issuer: f.app.issuer, audience: f.api, now: () => Date.now() + seconds * 1000 });
    expect(await outcomeOf(at(0), token)).toMatchObject({ ...INVALID_TOKEN, description: '"nbf" claim check failed' });
    await expect(at(300).verify(token)).resolves.toMatchObject({ iss: f.app.issuer });
    expect(await outcomeOf(at(700), token)).toMatchObject({ ...INVALID_TOKEN, description: 'token expired' });
  });

  it('never fetches a jku or x5u URL named by a token (J-08)', async () => {
    const f = await arrange();
    let hits = 0;
    const evilServer = createServer((_req, res) => { hits += 1; res.end('{"keys":[]}'); });
    await new Promise<void>((resolve) => evilServer.listen(0, '127.0.0.1', resolve));
    const evilUrl = `http://127.0.0.1:${(evilServer.address() as { port: number }).port}/jwks`;
    const counted = controlledFetch();
    const verifier = createVerifier({ issuer: f.app.issuer, audience: f.api, fetch: counted.fetch });
    const evil = await attackerKey();

    for (const header of [{ jku: evilUrl }, { x5u: evilUrl }, { jku: evilUrl, kid: f.key.kid }]) {
      const token = await signToken({ ...evil, kid: header.kid ?? evil.kid }, accessTokenClaims({ issuer: f.app.issuer, audience: f.api }), header);
      expect(await outcomeOf(verifier, token)).toMatchObject(INVALID_TOKEN);
    }

    await verifier.verify(f.tokens.accessToken); // the verifier does fetch, from the issuer only
    evilServer.close();
    expect(hits).toBe(0);
    expect(counted.urls.length).toBeGreaterThan(0);
    expect(counted.urls.every((url) => url.startsWith(f.app.issuer))).toBe(true);
  });
});
