/**
 * One wxbridge per test file for the verifier tests: a resource server `api` (ES256), another one
 * `otherApi`, a mini-program client allowed both, a real login's tokens, the IdP's signing key for
 * forging near-valid tokens, and a verifier whose JWKS/discovery fetches are counted.
 */
import { expect } from 'vitest';
import { createVerifier, VerifierError, type Verifier, type VerifierOptions } from '../../packages/verifier/src/index.ts';
import { idpSigningKey, type IdpKey } from '../support/token-forge.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { addResourceServer, setUpMiniProgram, type MiniProgram } from '../support/wechat-fixtures.ts';

export interface VerifierFixture {
  readonly app: TestApp;
  readonly api: string;
  readonly otherApi: string;
  readonly mp: MiniProgram;
  readonly tokens: { readonly accessToken: string; readonly idToken: string };
  readonly key: IdpKey;
  readonly verifier: Verifier;
}

export interface ControlledFetch {
  readonly fetch: typeof fetch;
  /** Every URL requested so far. */
  readonly urls: string[];
  /** up: real fetch; down: connection refused; slow: never answers (until the caller's signal aborts). */
  mode: 'up' | 'down' | 'slow';
}

/** globalThis.fetch that records every URL and can play an unreachable or hanging issuer. */
export function controlledFetch(): ControlledFetch {
  const controlled: ControlledFetch = {
    urls: [],
    mode: 'up',
    fetch: (input, init) => {
      controlled.urls.push(input instanceof Request ? input.url : String(input));
      if (controlled.mode === 'down') return Promise.reject(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') }));
      if (controlled.mode === 'slow') {
        return new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => { reject(init.signal?.reason as Error); }));
      }
      return fetch(input, init);
    },
  };
  return controlled;
}

export const jwksFetches = (controlled: ControlledFetch): number => controlled.urls.filter((url) => url.endsWith('/jwks')).length;

export async function arrangeVerifier(options: Partial<VerifierOptions> = {}, env: Readonly<Record<string, string>> = {}): Promise<VerifierFixture> {
  const app = await startTestApp({ env });
  const api = await addResourceServer(app, 'read write');
  const otherApi = await addResourceServer(app, 'read');
  const mp = await setUpMiniProgram(app, { scope: 'openid profile offline_access', resources: { [api]: 'read write', [otherApi]: 'read' }, defaultResource: api });
  const login = await mp.login('amy', { scope: 'openid profile read write' });
  return {
    app, api, otherApi, mp,
    tokens: { accessToken: login.access_token, idToken: login.id_token ?? '' },
    key: await idpSigningKey(app, 'ES256'),
    verifier: createVerifier({ issuer: app.issuer, audience: api, ...options }),
  };
}

/** What verify() rejected with (or 'accepted'). */
export async function outcomeOf(verifier: Verifier, token: string): Promise<VerifierError | 'accepted'> {
  try {
    await verifier.verify(token);
    return 'accepted';
  } catch (error) {
    if (error instanceof VerifierError) return error;
    throw new Error('verify() threw something other than a VerifierError', { cause: error });
  }
}

/** toMatchObject shape of a 401 invalid_token rejection with its RFC 6750 challenge. */
export const INVALID_TOKEN = { status: 401, error: 'invalid_token', wwwAuthenticate: expect.stringMatching(/^Bearer error="invalid_token", error_description="[^"]+"$/) as unknown };
