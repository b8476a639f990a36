import { setTimeout as sleep } from 'node:timers/promises';
import * as oidc from 'openid-client';
import { decodeProtectedHeader } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createVerifier, requireScopes, VerifierError } from '../../packages/verifier/src/index.ts';
import { discover } from '../support/oidc-client.ts';
import { accessTokenClaims, attackerKey, signToken } from '../support/token-forge.ts';
import { subOf } from '../support/wechat-fixtures.ts';
import { arrangeVerifier, controlledFetch, jwksFetches, outcomeOf, type VerifierFixture } from './verifier-fixture.ts';

describe('verifier: accepting wxbridge access tokens', () => {
  it('returns typed claims for a WeChat-login access token (J-01)', async () => {
    const f = await arrangeVerifier();
    const login = await f.mp.login('amy', { scope: 'openid read write' });

    const claims = await f.verifier.verify(login.access_token);

    expect(claims).toMatchObject({ iss: f.app.issuer, aud: f.api, sub: subOf(login), client_id: f.mp.clientId, scope: ['read', 'write'] });
    expect(claims.exp - claims.iat).toBe(600);
    expect(claims.jti).toEqual(expect.any(String));
  });

  it('accepts a client_credentials token whose sub is the service client', async () => {
    const f = await arrangeVerifier();
    const { clientSecret } = await f.app.admin.clients.register({ type: 'service', clientId: 'orders-service', resources: { [f.api]: 'read' }, defaultResource: f.api });
    const { access_token: token } = await oidc.clientCredentialsGrant(await discover(f.app.issuer, 'orders-service', clientSecret), { scope: 'read' });

    await expect(f.verifier.verify(token)).resolves.toMatchObject({ sub: 'orders-service', client_id: 'orders-service', scope: ['read'] });
  });

  it('requireScopes passes granted scopes and throws 403 insufficient_scope naming the needed ones (J-17)', async () => {
    const f = await arrangeVerifier();
    const claims = await f.verifier.verify((await f.mp.login('amy', { scope: 'openid read' })).access_token);

    expect(() => { requireScopes(claims, 'read'); }).not.toThrow();
    expect(() => { requireScopes(claims, 'read', 'write'); }).toThrow(expect.objectContaining({
      status: 403, error: 'insufficient_scope', wwwAuthenticate: 'Bearer error="insufficient_scope", error_description="missing scope write", scope="read write"',
    }) as Error);
  });

  it('fetches discovery and the JWKS once for many tokens', async () => {
    const f = await arrangeVerifier();
    const counted = controlledFetch();
    const verifier = createVerifier({ issuer: f.app.issuer, audience: f.api, fetch: counted.fetch });

    await Promise.all(Array.from({ length: 20 }, () => verifier.verify(f.tokens.accessToken)));

    expect(counted.urls).toEqual([`${f.app.issuer}/.well-known/openid-configuration`, `${f.app.issuer}/jwks`]);
  });

  it('refuses to be configured with none or HMAC algorithms', () => {
    expect(() => createVerifier({ issuer: 'https://id.example', audience: 'https://api.example', algorithms: ['HS256' as 'ES256'] })).toThrow(TypeError);
    expect(() => createVerifier({ issuer: 'https://id.example', audience: 'https://api.example', algorithms: ['none' as 'ES256'] })).toThrow(TypeError);
  });
});

/** Logs in until wxbridge signs with `kid` (it switches at its next key reload after the key activates). */
async function loginUntilSignedBy(f: VerifierFixture, kid: string): Promise<string> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    const token = (await f.mp.login('amy', { scope: 'openid read' })).access_token;
    if (decodeProtectedHeader(token).kid === kid) return token;
    await sleep(100);
  }
  throw new Error(`wxbridge never signed with ${kid}`);
}

afterEach(() => { vi.restoreAllMocks(); });

describe('verifier: signing keys and outages', () => {
  it('follows a key rotation without a restart of either side and still accepts old tokens (K-03/K-04)', async () => {
    // The key signs 1 s after publication (1 h in production; the app's clock is advanced past it),
    // wxbridge reloads its keys every 200 ms, and the verifier may refetch the JWKS 500 ms after the last fetch.
    const f = await arrangeVerifier({ jwksCooldownMs: 500 }, { WXBRIDGE_KEY_RELOAD_INTERVAL_MS: '200' });
    const oldToken = f.tokens.accessToken;
    await f.verifier.verify(oldToken);

    const [created] = await f.app.admin.keys.rotate({ delaySeconds: 1, algs: ['ES256'] });
    f.app.clock.advance(1100);
    const newToken = await loginUntilSignedBy(f, created?.kid ?? '');
    // The verifier's JWKS cooldown (jose reads Date.now()) has passed too.
    const realNow = Date.now.bind(Date);
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + 600);

    await expect(f.verifier.verify(newToken)).resolves.toMatchObject({ scope: ['read'] });
    await expect(f.verifier.verify(oldToken)).resolves.toMatchObject({ aud: f.api });
  });

  it('refetches the JWKS at most once per cooldown for unknown kids (J-06)', async () => {
    const f = await arrangeVerifier();
    const counted = controlledFetch();
    const verifier = createVerifier({ issuer: f.app.issuer, audience: f.api, fetch: counted.fetch, jwksCooldownMs: 300 });
    await verifier.verify(f.tokens.accessToken);
    // jose judges its cooldown by Date.now(): move that past the first fetch's cooldown instead of sleeping.
    const realNow = Date.now.bind(Date);
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + 350);
    const evil = await attackerKey();
    const tokens = await Promise.all(Array.from({ length: 10 }, () => signToken(evil, accessTokenClaims({ issuer: f.app.issuer, audience: f.api }))));

    const outcomes = await Promise.all(tokens.map((token) => outcomeOf(verifier, token)));
    outcomes.push(await outcomeOf(verifier, tokens[0] ?? ''));

    expect(outcomes.every((o) => o !== 'accepted' && o.status === 401)).toBe(true);
    expect(jwksFetches(counted)).toBe(2);
  });

  it('fails closed with 503 while the JWKS is unreachable, and keeps using cached keys (J-19)', async () => {
    const f = await arrangeVerifier();
    const counted = controlledFetch();
    const verifier = createVerifier({ issuer: f.app.issuer, audience: f.api, fetch: counted.fetch, jwksCooldownMs: 0 });
    counted.mode = 'down';
    expect(await outcomeOf(verifier, f.tokens.accessToken)).toMatchObject({ status: 503, error: 'temporarily_unavailable', wwwAuthenticate: undefined });

    counted.mode = 'up';
    await verifier.verify(f.tokens.accessToken);
    counted.mode = 'down';
    await expect(verifier.verify(f.tokens.accessToken)).resolves.toMatchObject({ aud: f.api });
    const unknownKid = await signToken(await attackerKey(), accessTokenClaims({ issuer: f.app.issuer, audience: f.api }));
    expect(await outcomeOf(verifier, unknownKid)).toMatchObject({ status: 503 });
  });

  it('gives up on a hanging JWKS after fetchTimeoutMs with 503 (J-19)', async () => {
    const f = await arrangeVerifier();
    const counted = controlledFetch();
    const verifier = createVerifier({ issuer: f.app.issuer, audience: f.api, fetch: counted.fetch, fetchTimeoutMs: 200 });
    counted.mode = 'slow';
    const started = Date.now();

    expect(await outcomeOf(verifier, f.tokens.accessToken)).toMatchObject({ status: 503, error: 'temporarily_unavailable' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses to trust an issuer configured differently from discovery (trailing slash): 500, no token accepted', async () => {
    const f = await arrangeVerifier();
    const verifier = createVerifier({ issuer: `${f.app.issuer}/`, audience: f.api });

    const outcome = await outcomeOf(verifier, f.tokens.accessToken);

    expect(outcome).toBeInstanceOf(VerifierError);
    expect(outcome).toMatchObject({ status: 500, error: 'server_error' });
  });
});
