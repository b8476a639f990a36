/**
 * Issue #15 finding 6: every URL wxbridge publishes is built from the configured issuer, never from
 * the request's Host or X-Forwarded-Host — otherwise `Host: evil.example` makes discovery name
 * `https://evil.example/jwks` as the issuer's key set.
 */
import { describe, expect, it } from 'vitest';
import { openRaw } from '../support/raw-socket.ts';
import { startTestApp } from '../support/test-app.ts';

async function discoveryWith(baseUrl: string, headers: string): Promise<Record<string, unknown>> {
  const raw = await openRaw(baseUrl);
  raw.socket.write(`GET /.well-known/openid-configuration HTTP/1.1\r\n${headers}Connection: close\r\n\r\n`);
  const { received } = await raw.closed;
  const [head = '', body = ''] = received.split('\r\n\r\n');
  expect(head).toMatch(/^HTTP\/1\.1 200/);
  // The body may come chunked: take the JSON object between the first "{" and the last "}".
  return JSON.parse(body.slice(body.indexOf('{'), body.lastIndexOf('}') + 1)) as Record<string, unknown>;
}

const urlsOf = (document: Record<string, unknown>): string[] =>
  Object.entries(document).filter(([key, value]) => (key.endsWith('_endpoint') || key === 'jwks_uri') && typeof value === 'string').map(([, value]) => value as string);

describe('published URLs follow the configured issuer (issue #15 finding 6)', () => {
  it('ignores a forged Host header', async () => {
    const app = await startTestApp();
    const document = await discoveryWith(app.baseUrl, 'Host: evil.example\r\n');
    expect(document['issuer']).toBe(app.issuer);
    expect(urlsOf(document).length).toBeGreaterThan(3);
    for (const url of urlsOf(document)) expect(url.startsWith(`${app.issuer}/`)).toBe(true);
  });

  it('ignores X-Forwarded-Host and X-Forwarded-Proto behind a trusted proxy', async () => {
    const app = await startTestApp({ env: { WXBRIDGE_TRUST_PROXY: '1' } });
    const document = await discoveryWith(app.baseUrl, `Host: 127.0.0.1\r\nX-Forwarded-Host: evil.example\r\nX-Forwarded-Proto: https\r\n`);
    for (const url of urlsOf(document)) expect(url.startsWith(`${app.issuer}/`)).toBe(true);
  });
});
