/**
 * Hand-made access tokens for the resource-server verifier tests (test-catalogue C.7): tokens
 * signed with wxbridge's real signing key (taken through the admin key store, as an operator could)
 * that break exactly one rule, and tokens an attacker could make (alg none, HS256 keyed with our
 * public key, an attacker's own key, key-carrying headers).
 */
import { createHmac, createPublicKey, randomUUID } from 'node:crypto';
import { base64url, exportJWK, exportSPKI, generateKeyPair, importJWK, type JWK, type JWTPayload } from 'jose';
import type { TestApp } from './test-app.ts';

/** A WebCrypto private key (importJWK and generateKeyPair give CryptoKeys). */
type PrivateKey = object;

export interface ForgeTarget {
  readonly issuer: string;
  readonly audience: string;
}

export interface IdpKey {
  readonly kid: string;
  readonly alg: 'ES256' | 'RS256';
  readonly privateKey: PrivateKey;
  readonly publicJwk: JWK;
}

/** The key wxbridge currently signs `alg` tokens with. */
export async function idpSigningKey(app: TestApp, alg: 'ES256' | 'RS256' = 'ES256'): Promise<IdpKey> {
  const loaded = await app.admin.keys.load();
  const kid = loaded.activeKid[alg];
  const jwk = loaded.keys.find((key) => key.kid === kid);
  if (jwk === undefined) throw new Error(`no active ${alg} key`);
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
  return { kid, alg, privateKey: await importJWK(jwk, alg), publicJwk };
}

export function accessTokenClaims(target: ForgeTarget, overrides: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: target.issuer, aud: target.audience, sub: randomUUID(), client_id: 'forged-client', scope: 'read',
    iat: now, exp: now + 600, jti: randomUUID(), ...overrides,
  };
}

/**
 * Signs `claims` under a header of `{ alg, kid, typ: 'at+jwt' }` plus `header` (undefined members
 * removed) with WebCrypto directly: jose's SignJWT would refuse the broken headers these tests need.
 */
export async function signToken(key: { alg: 'ES256' | 'RS256'; kid?: string; privateKey: PrivateKey }, claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  const merged = withoutUndefined({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header });
  const signingInput = `${encodeJson(merged)}.${encodeJson(withoutUndefined(claims))}`;
  const algorithm = key.alg === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5' };
  const signature = await crypto.subtle.sign(algorithm, key.privateKey as CryptoKeyLike, new TextEncoder().encode(signingInput));
  return `${signingInput}.${base64url.encode(new Uint8Array(signature))}`;
}

type CryptoKeyLike = Parameters<typeof crypto.subtle.sign>[1];

const withoutUndefined = (value: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined));

const encodeJson = (value: unknown): string => base64url.encode(JSON.stringify(value));

/** A key pair wxbridge never published. */
export async function attackerKey(alg: 'ES256' | 'RS256' = 'ES256'): Promise<{ alg: typeof alg; kid: string; privateKey: PrivateKey; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, kid: `attacker-${randomUUID()}`, privateKey, publicJwk: await exportJWK(publicKey) };
}

/** The same header and payload as `token`, re-encoded with the header changed and a new signature part. */
export function reencode(token: string, header: Record<string, unknown>, signature: string): string {
  const [headerPart = '', payloadPart = ''] = token.split('.');
  const original = JSON.parse(new TextDecoder().decode(base64url.decode(headerPart))) as Record<string, unknown>;
  return `${encodeJson(withoutUndefined({ ...original, ...header }))}.${payloadPart}.${signature}`;
}

/** J-02: the token with `alg: none` and its signature stripped. */
export function unsecured(token: string): string {
  return reencode(token, { alg: 'none' }, '');
}

/** J-04: the token re-signed with HS256, keyed with the bytes of our public key (PEM or JWK JSON). */
export async function hmacWithPublicKey(token: string, publicJwk: JWK, form: 'pem' | 'jwk'): Promise<string> {
  const secret = form === 'pem'
    ? await exportSPKI(createPublicKey({ key: publicJwk, format: 'jwk' }))
    : JSON.stringify(publicJwk);
  const unsigned = reencode(token, { alg: 'HS256' }, '').slice(0, -1);
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
