// Traces (issue 19 #2): a real `node src/main.ts` with OTEL_EXPORTER_OTLP_ENDPOINT exports its spans as
// OTLP/HTTP JSON to a collector on a real socket. A sandbox login and a refresh must show the token
// endpoint's span, the WeChat call and the database queries as its children, and nothing exported may
// carry the AppSecret, the login code or a token (WeChat's URLs carry appid, secret and js_code).
import { describe, expect, it } from 'vitest';
import { startOtlpCollector, type CollectedSpan } from '../support/otlp-collector.ts';
import { createProcessWorkspace, waitUntilServing, type WxbridgeProcess } from '../support/wxbridge-process.ts';

const workspace = createProcessWorkspace();
const GRANT = 'urn:wxbridge:params:oauth:grant-type:wechat-code';

async function post(proc: WxbridgeProcess, path: string, form: Record<string, string>): Promise<Record<string, string>> {
  const response = await fetch(`${proc.baseUrl}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString(),
  });
  const body = (await response.json()) as Record<string, string>;
  expect({ status: response.status, body }).toMatchObject({ status: 200 });
  return body;
}

/** A login code from the sandbox's simulated wx.login (JSON body). */
async function sandboxCode(proc: WxbridgeProcess, user: string): Promise<string> {
  const response = await fetch(`${proc.baseUrl}/sandbox/wx-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user }) });
  expect(response.status).toBe(200);
  return ((await response.json()) as { code: string }).code;
}

const childrenOf = (spans: readonly CollectedSpan[], parent: CollectedSpan): CollectedSpan[] =>
  spans.filter((span) => span.traceId === parent.traceId && span.parentSpanId === parent.spanId);

/** Every span below `root` in its trace. */
function descendantsOf(spans: readonly CollectedSpan[], root: CollectedSpan): CollectedSpan[] {
  const found: CollectedSpan[] = [];
  for (let frontier = [root]; frontier.length > 0;) {
    const next = frontier.flatMap((span) => childrenOf(spans, span));
    found.push(...next);
    frontier = next;
  }
  return found;
}

describe('tracing', { timeout: 120_000 }, () => {
  it('is off without OTEL_EXPORTER_OTLP_ENDPOINT: nothing is exported', async () => {
    const collector = await startOtlpCollector();
    const proc = await workspace.start({ WXBRIDGE_DATA_DIR: await workspace.preparedDataDir(), WXBRIDGE_SANDBOX: '1', WXBRIDGE_LOG_LEVEL: 'warn' });
    await waitUntilServing(proc);
    const code = await sandboxCode(proc, 'ann');
    await post(proc, '/token', { grant_type: GRANT, client_id: 'sandbox-miniprogram', code, scope: 'openid' });
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    expect(collector.bodies).toEqual([]);
  });

  it('exports the token request, its WeChat call and its queries as one trace, with no secret, code or token', async () => {
    const collector = await startOtlpCollector();
    const proc = await workspace.start({
      WXBRIDGE_DATA_DIR: await workspace.preparedDataDir(), WXBRIDGE_SANDBOX: '1', WXBRIDGE_LOG_LEVEL: 'warn',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SERVICE_NAME: 'wxbridge-under-test',
    });
    await waitUntilServing(proc);
    const code = await sandboxCode(proc, 'ann');
    const tokens = await post(proc, '/token', { grant_type: GRANT, client_id: 'sandbox-miniprogram', code, scope: 'openid offline_access' });
    const refreshed = await post(proc, '/token', { grant_type: 'refresh_token', client_id: 'sandbox-miniprogram', refresh_token: tokens['refresh_token'] ?? '' });
    // SIGTERM drains, then the SDK exports what it still holds before the process exits.
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toEqual({ code: 0, signal: null });

    expect(collector.contentTypes.every((type) => type.startsWith('application/json'))).toBe(true);
    const spans = collector.spans;
    expect(new Set(spans.map((span) => span.serviceName))).toEqual(new Set(['wxbridge-under-test']));
    const tokenSpans = spans.filter((span) => span.name === 'wxbridge.token');
    const login = tokenSpans.find((span) => span.attributes['oauth.grant'] === 'wechat_code');
    const refresh = tokenSpans.find((span) => span.attributes['oauth.grant'] === 'refresh_token');
    expect(login?.attributes).toMatchObject({ 'oauth.client_id': 'sandbox-miniprogram', 'http.response.status_code': 200 });
    expect(refresh?.attributes).toMatchObject({ 'oauth.client_id': 'sandbox-miniprogram', 'http.response.status_code': 200 });
    if (login === undefined || refresh === undefined) throw new Error('no token spans');
    // Incoming HTTP: a server span (OTLP kind 2) is the token span's parent.
    const server = spans.find((span) => span.spanId === login.parentSpanId);
    expect({ kind: server?.kind, path: server?.attributes['url.path'] ?? server?.attributes['http.target'] }).toEqual({ kind: 2, path: '/token' });

    // The WeChat call is the login's child, with its endpoint and errcode; the fetch below it has a redacted URL.
    const below = descendantsOf(spans, login);
    const wechat = below.find((span) => span.name === 'wechat.jscode2session');
    expect(wechat?.attributes).toMatchObject({ 'wechat.endpoint': 'jscode2session', 'wechat.errcode': 0 });
    if (wechat === undefined) throw new Error('no WeChat span');
    const fetches = childrenOf(spans, wechat);
    expect(fetches.length).toBe(1);
    const url = String(fetches[0]?.attributes['url.full'] ?? '');
    expect(url).toContain('/sns/jscode2session?');
    expect(url).toMatch(/secret=REDACTED/);
    expect(url).toMatch(/js_code=REDACTED/);

    // The database: queries inside both token requests.
    const isQuery = (span: CollectedSpan): boolean => span.attributes['db.system.name'] === 'postgresql' || span.attributes['db.system'] === 'postgresql';
    expect(below.filter(isQuery).length).toBeGreaterThan(0);
    expect(descendantsOf(spans, refresh).filter(isQuery).length).toBeGreaterThan(0);

    // Nothing exported carries the code, a token or a secret; every query string value is REDACTED.
    const exported = collector.bodies.join('\n');
    for (const value of [code, tokens['access_token'], tokens['refresh_token'], tokens['id_token'], refreshed['access_token'], refreshed['refresh_token']]) {
      expect(value).toBeTruthy();
      expect(exported).not.toContain(value);
    }
    expect(exported).not.toMatch(/(?:secret|js_code|code|access_token|appid)=(?!REDACTED)/);
    expect(exported).not.toMatch(/eyJ[\w-]{5,}\./);
  });
});
