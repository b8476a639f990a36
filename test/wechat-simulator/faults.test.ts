// Fault injection and wire knobs (wechat-api.md §1.2, §1.3, §3.3, §12, §14 items 3, 5, 20, 24): transport
// garbage, resets, delays, burnt codes, per-endpoint Content-Type and latency.
import { describe, expect, it } from 'vitest';
import { SimulatorUsageError } from '../../src/wechat-simulator/wechat-simulator.ts';
import {
  errorBodyPattern,
  exchangeLogin,
  exchangeOAuth,
  getRaw,
  loginParams,
  loginUrl,
  MINI,
  OA,
  startSimulator,
  type TestSimulator,
} from './simulator-fixture.ts';

function code(t: TestSimulator): string {
  return t.sim.issueCode({ appId: MINI.appId, user: 'alice' });
}

describe('errcode faults', () => {
  it('answers -1 `system error` once without spending the code, then serves normally', async () => {
    const t = await startSimulator();
    const issued = code(t);
    t.sim.injectFault({ kind: 'errcode', errcode: -1 });
    expect((await exchangeLogin(t, MINI, issued)).raw).toMatch(errorBodyPattern(t, -1, 'system error', ' '));
    expect(JSON.parse((await exchangeLogin(t, MINI, issued)).raw)).toHaveProperty('session_key');
    expect(t.sim.requests.map((r) => [r.outcome, r.fault])).toEqual([[-1, 'errcode'], ['ok', undefined]]);
  });

  it('applies `times` and `endpoint`, leaving other endpoints alone', async () => {
    const t = await startSimulator();
    t.sim.injectFault({ kind: 'errcode', errcode: 40125, endpoint: 'oauth2_access_token', times: 2 });
    expect(JSON.parse((await exchangeLogin(t, MINI, code(t))).raw)).toHaveProperty('openid');
    const oauth = async (): Promise<unknown> =>
      JSON.parse((await exchangeOAuth(t, OA, t.sim.issueCode({ appId: OA.appId, user: 'a' }))).raw);
    expect(await oauth()).toMatchObject({ errcode: 40125 });
    expect(await oauth()).toMatchObject({ errcode: 40125 });
    expect(await oauth()).toHaveProperty('access_token');
  });

  it('can carry a custom errmsg stem', async () => {
    const t = await startSimulator();
    t.sim.injectFault({ kind: 'errcode', errcode: 45011, errmsg: 'api minute-quota reach limit must slower retry next minute' });
    expect((await exchangeLogin(t, MINI, code(t))).raw).toContain('"errmsg":"api minute-quota reach limit must slower');
  });

  it('rejects an invalid fault with a usage error', async () => {
    const t = await startSimulator();
    expect(() => t.sim.injectFault({ kind: 'delay', ms: 100, times: 0 })).toThrow(SimulatorUsageError);
  });
});

describe('transport faults', () => {
  it('answers an empty body with HTTP 200', async () => {
    const t = await startSimulator();
    t.sim.injectFault({ kind: 'empty_body' });
    const response = await exchangeLogin(t, MINI, code(t));
    expect([response.status, response.raw, response.headers.get('content-length')]).toEqual([200, '', '0']);
  });

  it('answers a non-JSON text body', async () => {
    const t = await startSimulator();
    t.sim.injectFault({ kind: 'non_json_body' });
    const response = await exchangeLogin(t, MINI, code(t));
    expect(response.status).toBe(200);
    expect(() => JSON.parse(response.raw) as unknown).toThrow(SyntaxError);
  });

  it('answers an HTML page with HTTP 200', async () => {
    const t = await startSimulator();
    t.sim.injectFault({ kind: 'html_body' });
    const response = await exchangeLogin(t, MINI, code(t));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.raw).toMatch(/^<html>/);
  });

  it('answers truncated JSON with a consistent Content-Length', async () => {
    const t = await startSimulator();
    t.sim.injectFault({ kind: 'truncated_json' });
    const response = await exchangeLogin(t, MINI, code(t));
    expect(response.raw).toMatch(/^\{"session_key":"/);
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(response.raw)));
    expect(() => JSON.parse(response.raw) as unknown).toThrow(SyntaxError);
  });

  it.each([502, 504])('answers HTTP %i with a gateway HTML page', async (status) => {
    const t = await startSimulator();
    t.sim.injectFault({ kind: 'http_status', status });
    const response = await exchangeLogin(t, MINI, code(t));
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(response.raw).toContain(`<title>${String(status)} `);
  });

  it('resets the connection, leaving the code unspent', async () => {
    const t = await startSimulator();
    const issued = code(t);
    t.sim.injectFault({ kind: 'connection_reset' });
    await expect(exchangeLogin(t, MINI, issued)).rejects.toThrow(TypeError);
    expect(JSON.parse((await exchangeLogin(t, MINI, issued)).raw)).toHaveProperty('openid');
    expect(t.sim.requests[0]).toMatchObject({ outcome: 'connection_reset', fault: 'connection_reset' });
  });
});

describe('delay faults and latency', () => {
  it('delays a response by the given ms, then answers normally', async () => {
    const t = await startSimulator();
    t.sim.injectFault({ kind: 'delay', ms: 150 });
    const started = performance.now();
    const response = await exchangeLogin(t, MINI, code(t));
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(JSON.parse(response.raw)).toHaveProperty('openid');
  });

  it('trips a client timeout', async () => {
    const t = await startSimulator();
    t.sim.injectFault({ kind: 'delay', ms: 2_000 });
    const url = loginUrl(t.url, loginParams(MINI, code(t)));
    await expect(fetch(url, { signal: AbortSignal.timeout(50) })).rejects.toThrow(/timeout|aborted/i);
  });

  it('adds the configured latency to every response', async () => {
    const t = await startSimulator();
    t.sim.setLatency(120);
    const started = performance.now();
    await getRaw(loginUrl(t.url, {}));
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });
});

describe('burn_code_then faults', () => {
  it('spends the code but answers the given errcode, so the retry sees 40163', async () => {
    const t = await startSimulator();
    const issued = code(t);
    t.sim.injectFault({ kind: 'burn_code_then', then: 'errcode', errcode: 40029 });
    expect(JSON.parse((await exchangeLogin(t, MINI, issued)).raw)).toMatchObject({ errcode: 40029 });
    expect(JSON.parse((await exchangeLogin(t, MINI, issued)).raw)).toMatchObject({ errcode: 40163 });
  });

  it('spends the code and resets the connection', async () => {
    const t = await startSimulator();
    const issued = code(t);
    t.sim.injectFault({ kind: 'burn_code_then', then: 'connection_reset' });
    await expect(exchangeLogin(t, MINI, issued)).rejects.toThrow(TypeError);
    expect(JSON.parse((await exchangeLogin(t, MINI, issued)).raw)).toMatchObject({ errcode: 40163 });
  });

  it('spends the code and answers too late for a client with a timeout', async () => {
    const t = await startSimulator();
    const issued = code(t);
    t.sim.injectFault({ kind: 'burn_code_then', then: 'delay', ms: 1_000 });
    const url = loginUrl(t.url, loginParams(MINI, issued));
    await expect(fetch(url, { signal: AbortSignal.timeout(50) })).rejects.toThrow();
    expect(JSON.parse((await exchangeLogin(t, MINI, issued)).raw)).toMatchObject({ errcode: 40163 });
  });

  it('defaults to -1 when no errcode is given', async () => {
    const t = await startSimulator();
    t.sim.injectFault({ kind: 'burn_code_then', then: 'errcode' });
    expect(JSON.parse((await exchangeLogin(t, MINI, code(t))).raw)).toMatchObject({ errcode: -1 });
    expect(t.sim.requests[0]).toMatchObject({ outcome: -1, fault: 'burn_code_then' });
  });
});

describe('Content-Type knob', () => {
  it.each(['text/plain', 'application/json', 'application/json; encoding=utf-8', 'text/html; charset=gbk'])(
    'sends %s for jscode2session when set, leaving oauth2 at text/plain',
    async (contentType) => {
      const t = await startSimulator();
      t.sim.setContentType('jscode2session', contentType);
      expect((await exchangeLogin(t, MINI, code(t))).headers.get('content-type')).toBe(contentType);
      expect((await getRaw(`${t.url}/sns/oauth2/access_token`)).headers.get('content-type')).toBe('text/plain');
    },
  );
});
