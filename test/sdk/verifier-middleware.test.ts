import { describe, expect, it } from 'vitest';
import { createVerifier } from '../../packages/verifier/src/index.ts';
import { expressStyleApi, koaApi, serve } from './protected-apis.ts';
import { arrangeVerifier, controlledFetch, type VerifierFixture } from './verifier-fixture.ts';

interface Apis { readonly f: VerifierFixture; readonly urls: Readonly<Record<'koa' | 'express', string>>; readonly readOnlyToken: string }

let arranged: Promise<Apis> | undefined;
const arrange = (): Promise<Apis> => (arranged ??= (async () => {
  const f = await arrangeVerifier();
  const koaUrl = await serve(koaApi(f.verifier).callback());
  const expressUrl = await serve(expressStyleApi(f.verifier));
  const readOnlyToken = (await f.mp.login('amy', { scope: 'openid read' })).access_token;
  return { f, urls: { koa: koaUrl, express: expressUrl }, readOnlyToken };
})());

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(),
});

async function call(url: string, init: RequestInit = {}): Promise<{ status: number; challenge: string | null; body: Record<string, unknown> }> {
  const response = await fetch(url, init);
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body: (await response.json()) as Record<string, unknown> };
}

describe.each(['koa', 'express'] as const)('%s middleware over HTTP', (kind) => {
  it('lets a valid token through with its claims (J-01)', async () => {
    const { f, urls } = await arrange();
    const { status, body } = await call(`${urls[kind]}/read`, { headers: bearer(f.tokens.accessToken) });
    expect(status).toBe(200);
    expect(body).toEqual({ sub: expect.any(String), scope: ['read', 'write'] });
  });

  it('answers a request without a token with a bare Bearer challenge (J-16)', async () => {
    const { urls } = await arrange();
    for (const headers of [{}, { authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1l' }]) {
      const { status, challenge, body } = await call(`${urls[kind]}/read`, { headers });
      expect(status).toBe(401);
      expect(challenge).toBe('Bearer');
      expect(body).not.toHaveProperty('error');
    }
  });

  it('answers a bad token with 401 invalid_token (J-02)', async () => {
    const { f, urls } = await arrange();
    const [header = '', payload = ''] = f.tokens.accessToken.split('.');
    const { status, challenge, body } = await call(`${urls[kind]}/read`, { headers: bearer(`${header}.${payload}.AAAA`) });
    expect(status).toBe(401);
    expect(challenge).toMatch(/^Bearer error="invalid_token", error_description="[^"]+"$/);
    expect(body['error']).toBe('invalid_token');
  });

  it('answers a valid token without the needed scope with 403 insufficient_scope (J-17)', async () => {
    const { urls, readOnlyToken } = await arrange();
    const { status, challenge } = await call(`${urls[kind]}/write`, { headers: bearer(readOnlyToken) });
    expect(status).toBe(403);
    expect(challenge).toBe('Bearer error="insufficient_scope", error_description="missing scope write", scope="write"');
  });

  it('refuses tokens in the query string or a form body with 400 invalid_request, even next to a valid header (J-15)', async () => {
    const { f, urls } = await arrange();
    const token = f.tokens.accessToken;
    const attempts = [
      call(`${urls[kind]}/read?access_token=${token}`),
      call(`${urls[kind]}/read?access_token=${token}`, { headers: bearer(token) }),
      call(`${urls[kind]}/read`, form({ access_token: token })),
      call(`${urls[kind]}/read`, { ...form({ access_token: token }), headers: { ...bearer(token), 'content-type': 'application/x-www-form-urlencoded' } }),
    ];
    for (const { status, body } of await Promise.all(attempts)) {
      expect(status).toBe(400);
      expect(body['error']).toBe('invalid_request');
    }
  });

  it('never sees a 1 MB token: node answers 431 (J-18)', async () => {
    const { f, urls } = await arrange();
    const response = await fetch(`${urls[kind]}/read`, { headers: bearer(`${f.tokens.accessToken}${'A'.repeat(1_048_576)}`) });
    expect(response.status).toBe(431);
  });

  it('answers a malformed Bearer header with 400 invalid_request', async () => {
    const { urls } = await arrange();
    const { status, body } = await call(`${urls[kind]}/read`, { headers: { authorization: 'Bearer two words' } });
    expect(status).toBe(400);
    expect(body['error']).toBe('invalid_request');
  });
});

describe('middleware when the issuer is unreachable', () => {
  it('fails closed with 503 and Retry-After, without a Bearer challenge (J-19)', async () => {
    const { f } = await arrange();
    const down = controlledFetch();
    down.mode = 'down';
    const url = await serve(koaApi(createVerifier({ issuer: f.app.issuer, audience: f.api, fetch: down.fetch })).callback());

    const response = await fetch(`${url}/read`, { headers: bearer(f.tokens.accessToken) });

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(await response.json()).toMatchObject({ error: 'temporarily_unavailable' });
  });
});
