/**
 * Transport abuse (test-catalogue C.12, H-01 … H-07, A-09): body size caps on /token (oidc-provider,
 * 56 KiB) and the admin API (16 KiB), and the server timeouts that keep slow clients from holding
 * sockets — here shortened through WXBRIDGE_HTTP_*_TIMEOUT_MS so the test runs in seconds. Asserted by
 * behaviour (408, the socket closed by the server, other requests served meanwhile), never by duration.
 */
import { describe, expect, it } from 'vitest';
import { adminApi } from '../support/admin-api.ts';
import { oauthErrorProblems, rawRequest } from '../support/oauth-error.ts';
import { openRaw } from '../support/raw-socket.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const TIMEOUTS = { WXBRIDGE_HTTP_HEADERS_TIMEOUT_MS: '1000', WXBRIDGE_HTTP_REQUEST_TIMEOUT_MS: '2000', WXBRIDGE_HTTP_KEEP_ALIVE_TIMEOUT_MS: '500' };

let shared: Promise<TestApp> | undefined;
const sharedApp = (): Promise<TestApp> => (shared ??= startTestApp({ env: TIMEOUTS }));
// The body caps are checked with the default timeouts: 10 MB must meet the cap, not the 2 s request timeout above.
let roomy: Promise<TestApp> | undefined;
const roomyApp = (): Promise<TestApp> => (roomy ??= startTestApp());

const TEN_MB = 10 * 1024 * 1024;

/** A body streamed in 64 KiB chunks with no Content-Length (chunked transfer encoding). */
function chunkedBody(totalBytes: number, fill: string): ReadableStream<Uint8Array> {
  let sent = 0;
  const chunk = new TextEncoder().encode(fill.repeat(65_536 / fill.length));
  return new ReadableStream({
    pull(controller) {
      if (sent >= totalBytes) controller.close();
      else { controller.enqueue(chunk); sent += chunk.byteLength; }
    },
  });
}

/** One request; a connection the server dropped answers status 0. */
async function request(url: string, init: RequestInit): Promise<{ status: number; text: string; headers: Headers }> {
  return rawRequest(url, init).catch(() => ({ status: 0, text: '', headers: new Headers() }));
}

describe('request bodies over the caps (H-01, H-02)', () => {
  it('refuses a 10 MB form body to /token with 400 invalid_request declared or chunked', async () => {
    const app = await roomyApp();
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const declared = await request(`${app.baseUrl}/token`, { method: 'POST', headers, body: `grant_type=client_credentials&x=${'a'.repeat(TEN_MB)}` });
    const chunked = await request(`${app.baseUrl}/token`, { method: 'POST', headers, body: chunkedBody(TEN_MB, 'a'), duplex: 'half' });
    for (const answer of [declared, chunked]) {
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text)).toEqual({ error: 'invalid_request', error_description: 'failed to parse the request body' });
      expect(oauthErrorProblems(answer)).toEqual([]);
    }
  });

  it('refuses a 10 MB JSON body to the admin API with 413, declared or chunked', async () => {
    const app = await roomyApp();
    const api = await adminApi(app);
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${await api.token()}` };
    const url = `${app.baseUrl}/admin/v1/resources`;
    const declared = await request(url, { method: 'POST', headers, body: `{"uri":"https://a.example","scopes":"${'x'.repeat(TEN_MB)}"}` });
    const chunked = await request(url, { method: 'POST', headers, body: chunkedBody(TEN_MB, 'x'), duplex: 'half' });
    for (const answer of [declared, chunked]) {
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.text)).toMatchObject({ error: 'request.too_large' });
    }
  });
});

describe('slow and idle clients (H-03 … H-07)', () => {
  it('answers 408 and closes 20 slowloris connections after the headers timeout, while other requests are served', async () => {
    const app = await sharedApp();
    const slow = await Promise.all(Array.from({ length: 20 }, () => openRaw(app.baseUrl)));
    for (const connection of slow) {
      connection.socket.write('POST /token HTTP/1.1\r\nHost: wxbridge\r\n');
      connection.drip('X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 100);
    }
    const meanwhile = await request(`${app.baseUrl}/healthz`, {});
    const closed = await Promise.all(slow.map((connection) => connection.closed));

    expect(meanwhile.status).toBe(200);
    for (const { received } of closed) {
      expect(received).toMatch(/^HTTP\/1\.1 408 /);
    }
  });

  it('answers 408 to a body sent a byte at a time, and to a body shorter than its Content-Length, after the request timeout', async () => {
    const app = await sharedApp();
    const [dripping, lying] = [await openRaw(app.baseUrl), await openRaw(app.baseUrl)];
    const head = 'POST /token HTTP/1.1\r\nHost: wxbridge\r\nContent-Type: application/x-www-form-urlencoded\r\n';
    dripping.socket.write(`${head}Content-Length: 100\r\n\r\n`);
    dripping.drip('grant_type=client_credentials'.padEnd(100, '&'), 200);
    lying.socket.write(`${head}Content-Length: 1000\r\n\r\ngrant_type=client_credentials`);

    for (const { received } of await Promise.all([dripping.closed, lying.closed])) {
      expect(received).toMatch(/^HTTP\/1\.1 408 /);
    }
  });

  it('answers a body longer than its Content-Length without a 5xx', async () => {
    const app = await sharedApp();
    const connection = await openRaw(app.baseUrl);
    connection.socket.end('POST /token HTTP/1.1\r\nHost: wxbridge\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\n\r\ngrant_type=client_credentials');
    const { received } = await connection.closed;
    const statuses = [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => Number(match[1]));
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
  });

  it('closes an idle keep-alive connection after the keep-alive timeout (H-07)', async () => {
    const app = await sharedApp();
    const connection = await openRaw(app.baseUrl);
    connection.socket.write('GET /healthz HTTP/1.1\r\nHost: wxbridge\r\nConnection: keep-alive\r\n\r\n');
    const { received } = await connection.closed;
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('answers 431 to 20 KiB of headers and stays up (H-06)', async () => {
    const app = await sharedApp();
    const big = await request(`${app.baseUrl}/token`, { method: 'POST', headers: { 'x-big': 'a'.repeat(20 * 1024) } });
    const many = await request(`${app.baseUrl}/healthz`, { headers: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`x-h${String(i)}`, '1'])) });
    expect(big.status).toBe(431);
    expect([200, 400, 431]).toContain(many.status);
    expect((await request(`${app.baseUrl}/healthz`, {})).status).toBe(200);
  });
});
