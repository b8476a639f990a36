/**
 * Issue #15 finding 6, verifier side: a discovery document that names the right issuer but points
 * `jwks_uri` at another origin (a forged Host reflected by a misconfigured proxy, or a tampered
 * cache) must not make the verifier trust that origin's keys. The JWKS must be on the issuer's
 * origin unless `allowedJwksOrigins` names another explicitly.
 */
import { describe, expect, it } from 'vitest';
import { createVerifier, VerifierError } from '../../packages/verifier/src/index.ts';
import { accessTokenClaims, attackerKey, signToken } from '../support/token-forge.ts';
import { arrangeVerifier, outcomeOf } from './verifier-fixture.ts';

const ELSEWHERE = 'https://keys.elsewhere.example';

/** Real discovery from the running wxbridge with its jwks_uri moved to ELSEWHERE, which serves `jwks`. */
function discoveryPointingElsewhere(jwks: object) {
  const urls: string[] = [];
  const fetchElsewhere = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    urls.push(url);
    if (url.startsWith(ELSEWHERE)) return Response.json(jwks);
    const response = await fetch(input, init);
    if (!url.endsWith('/.well-known/openid-configuration')) return response;
    const document = (await response.json()) as Record<string, unknown>;
    return Response.json({ ...document, jwks_uri: `${ELSEWHERE}/jwks` });
  };
  return { urls, fetch: fetchElsewhere };
}

describe('verifier: the JWKS must be on the issuer\'s origin (issue #15 finding 6)', () => {
  it('refuses a discovery whose jwks_uri is on another origin: 500, the other origin never asked, the forged token not accepted', async () => {
    const f = await arrangeVerifier();
    const evil = await attackerKey();
    const forged = await signToken(evil, accessTokenClaims({ issuer: f.app.issuer, audience: f.api }));
    const served = discoveryPointingElsewhere({ keys: [{ ...evil.publicJwk, kid: evil.kid, alg: evil.alg, use: 'sig' }] });
    const verifier = createVerifier({ issuer: f.app.issuer, audience: f.api, fetch: served.fetch });

    const outcome = await outcomeOf(verifier, forged);

    expect(outcome).toBeInstanceOf(VerifierError);
    expect(outcome).toMatchObject({ status: 500, error: 'server_error' });
    expect((outcome as VerifierError).message).toMatch(/jwks_uri .*not on the issuer's origin/);
    expect(served.urls.some((url) => url.startsWith(ELSEWHERE))).toBe(false);
    expect(await outcomeOf(verifier, f.tokens.accessToken)).toMatchObject({ status: 500, error: 'server_error' });
  });

  it('uses a JWKS on another origin only when allowedJwksOrigins names that origin', async () => {
    const f = await arrangeVerifier();
    const evil = await attackerKey();
    const token = await signToken(evil, accessTokenClaims({ issuer: f.app.issuer, audience: f.api }));
    const served = discoveryPointingElsewhere({ keys: [{ ...evil.publicJwk, kid: evil.kid, alg: evil.alg, use: 'sig' }] });
    const verifier = createVerifier({ issuer: f.app.issuer, audience: f.api, fetch: served.fetch, allowedJwksOrigins: [`${ELSEWHERE}/`] });

    await expect(verifier.verify(token)).resolves.toMatchObject({ iss: f.app.issuer, aud: f.api });
    expect(served.urls).toContain(`${ELSEWHERE}/jwks`);
  });

  it('refuses an allowedJwksOrigins entry that is not a bare http(s) origin at construction', () => {
    expect(() => createVerifier({ issuer: 'https://id.example', audience: 'https://api.example', allowedJwksOrigins: ['https://keys.example/jwks'] })).toThrow(TypeError);
    expect(() => createVerifier({ issuer: 'https://id.example', audience: 'https://api.example', allowedJwksOrigins: ['not a url'] })).toThrow(TypeError);
  });
});
