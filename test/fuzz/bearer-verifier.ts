/**
 * The forged-token properties for the two resource-server verifiers (test-catalogue C-05, J-02 …
 * J-09, J-14, J-18): the admin API's bearer check (src/admin/api/admin-auth.ts, over HTTP) and the
 * @wxbridge/verifier package (in process). Each token starts from a valid one and carries at least
 * one breaking change — alg none/HS256 keyed with our public key/another asymmetric alg, unknown,
 * hostile or missing kid (J-07), wrong typ, crit, jku/jwk/x5u pointing at an attacker's key, wrong
 * iss/aud/exp/nbf, a re-signature by an attacker, a stale or empty signature, a flipped character.
 * Invariants: always 401 (never 2xx/403/5xx), and no request ever reaches the jku/x5u URL.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { base64url, decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import { expect, onTestFinished } from 'vitest';
import { createVerifier, VerifierError } from '../../packages/verifier/src/index.ts';
import { adminApi } from '../support/admin-api.ts';
import { accessTokenClaims, attackerKey, hmacWithPublicKey, idpSigningKey, signToken, type IdpKey } from '../support/token-forge.ts';
import { startTestApp } from '../support/test-app.ts';
import { addResourceServer } from '../support/wechat-fixtures.ts';
import { CI_RUNS } from './plan.ts';
import { cases, countAnswer, surface } from './surface.ts';

/** A URL an attacker's jku/x5u would point at, and the requests it received (must stay empty). */
async function startJkuServer(): Promise<{ url: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => { hits.push(req.url ?? ''); res.end('{"keys":[]}'); });
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve); });
  onTestFinished(() => new Promise<void>((resolve) => { server.close(() => { resolve(); }); }));
  return { url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/keys.json`, hits };
}

type Signer = 'idp' | 'attacker' | 'hmac-pem' | 'hmac-jwk' | 'none' | 'stale' | 'random';
const now = (): number => Math.floor(Date.now() / 1000);

/** Changes that each make a token invalid on their own (header members or claims). */
const breaking = fc.oneof(
  fc.constantFrom<Record<string, unknown>>({ alg: 'none' }, { alg: 'HS256' }, { alg: 'PS256' }, { alg: 'ES512' }, { alg: '' }, { alg: null }, { alg: 7 }),
  fc.constantFrom<Record<string, unknown>>({ kid: 'unknown-kid' }, { kid: '../../dev/null' }, { kid: "' OR 1=1 --" }, { kid: 'k'.repeat(10_240) }, { kid: 42 }, { kid: ['x'] }, { kid: undefined }),
  fc.constantFrom<Record<string, unknown>>({ typ: 'JWT' }, { typ: undefined }, { typ: 'at+jwt-x' }, { crit: ['b64'], b64: false }, { crit: ['x-unknown'], 'x-unknown': 1 }),
).map((header) => ({ header, claims: {} }));
const badClaims = fc.constantFrom<() => Record<string, unknown>>(
  () => ({ iss: 'https://evil.example' }), () => ({ aud: 'https://other.example' }), () => ({ exp: now() - 120 }),
  () => ({ nbf: now() + 120 }), () => ({ iss: undefined }), () => ({ exp: undefined }),
).map((make) => ({ header: {}, claims: make() }));
const change = fc.oneof(breaking, badClaims);

const forgery = fc.record({
  changes: fc.array(change, { minLength: 1, maxLength: 3 }),
  signer: fc.constantFrom<Signer>('idp', 'idp', 'attacker', 'hmac-pem', 'hmac-jwk', 'none', 'stale', 'random'),
  keyCarrying: fc.constantFrom<'jku' | 'jwk' | 'x5u' | null>(null, null, 'jku', 'jwk', 'x5u'),
  flip: fc.option(fc.record({ segment: fc.nat(2), at: fc.nat(), char: fc.constantFrom('A', '-', '_', 'z', '.', '%') }), { nil: undefined }),
});

type Forgery = typeof forgery extends fc.Arbitrary<infer T> ? T : never;

async function forge(idp: IdpKey, valid: string, f: Forgery, jku: string): Promise<string> {
  const header = Object.assign({}, ...f.changes.map((c) => c.header)) as Record<string, unknown>;
  const claims = { ...decodeJwt(valid), ...Object.assign({}, ...f.changes.map((c) => c.claims)) } as JWTPayload;
  const evil = await attackerKey(idp.alg);
  if (f.keyCarrying === 'jwk') header['jwk'] = evil.publicJwk;
  else if (f.keyCarrying !== null) header[f.keyCarrying] = jku;
  const signedByIdp = await signToken(idp, claims, header);
  const token = await ({
    idp: () => signedByIdp,
    attacker: () => signToken({ ...evil, kid: idp.kid }, claims, header),
    'hmac-pem': () => hmacWithPublicKey(signedByIdp, idp.publicJwk, 'pem'),
    'hmac-jwk': () => hmacWithPublicKey(signedByIdp, idp.publicJwk, 'jwk'),
    none: () => `${signedByIdp.split('.').slice(0, 2).join('.')}.`,
    stale: () => `${signedByIdp.split('.').slice(0, 2).join('.')}.${valid.split('.')[2] ?? ''}`,
    random: () => `${signedByIdp.split('.').slice(0, 2).join('.')}.${base64url.encode(crypto.getRandomValues(new Uint8Array(64)))}`,
  } satisfies Record<Signer, () => string | Promise<string>>)[f.signer]();
  return f.flip === undefined ? token : flipped(token, f.flip);
}

/** One character of one segment replaced (never a segment's last one, whose spare bits may not matter). */
function flipped(token: string, flip: { segment: number; at: number; char: string }): string {
  const segments = token.split('.');
  const segment = segments[flip.segment] ?? '';
  if (segment.length < 2) return token;
  const at = flip.at % (segment.length - 1);
  segments[flip.segment] = segment.slice(0, at) + flip.char + segment.slice(at + 1);
  return segments.join('.');
}

export const adminBearer = surface({
  name: 'admin-bearer',
  ciRuns: CI_RUNS['admin-bearer'],
  async prepare(stats) {
    const jku = await startJkuServer();
    const app = await startTestApp();
    const api = await adminApi(app);
    const valid = await api.token();
    const idp = await idpSigningKey(app, decodeProtectedHeader(valid).alg === 'RS256' ? 'RS256' : 'ES256');
    expect((await api.call('GET', '/keys', undefined, { token: valid })).status).toBe(200);
    return cases({
      arbitrary: forgery,
      async check(f) {
        const response = await api.call('GET', '/keys', undefined, { token: await forge(idp, valid, f, jku.url) });
        countAnswer(stats, response.status);
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')?.startsWith(`Bearer realm="${app.issuer}"`)).toBe(true);
      },
      finish() { expect(jku.hits).toEqual([]); },
    });
  },
});

export const packageVerifier = surface({
  name: 'verifier-package',
  ciRuns: CI_RUNS['verifier-package'],
  async prepare(stats) {
    const jku = await startJkuServer();
    const app = await startTestApp();
    const audience = await addResourceServer(app, 'read');
    const idp = await idpSigningKey(app, 'ES256');
    const valid = await signToken(idp, accessTokenClaims({ issuer: app.issuer, audience }));
    const verifier = createVerifier({ issuer: app.issuer, audience });
    await verifier.verify(valid);
    return cases({
      arbitrary: forgery,
      async check(f) {
        const outcome = await verifier.verify(await forge(idp, valid, f, jku.url)).then(() => 'accepted', (error: unknown) => error);
        countAnswer(stats, outcome instanceof VerifierError ? outcome.status : 'accepted or thrown');
        expect(outcome).toBeInstanceOf(VerifierError);
        expect((outcome as VerifierError).status).toBe(401);
      },
      finish() { expect(jku.hits).toEqual([]); },
    });
  },
});
