/**
 * A fake `wx` for the mini-program SDK tests: wx.login() mints a real one-time code in the WeChat
 * simulator for the user "on the phone", wx.request() performs real HTTP with fetch (encoding
 * `data` the way wx.request does and parsing JSON answers), and storage is a map that copies
 * values like the real one. Every request is recorded so tests can count token-endpoint calls.
 */
import type { WxLike, WxRequestOptions, WxResponse } from '../../packages/miniprogram-sdk/src/index.ts';
import type { TestApp } from '../support/test-app.ts';

export interface RecordedRequest {
  readonly url: string;
  readonly method: string;
  /** The form fields of a form-encoded body (token endpoint calls). */
  readonly form: Readonly<Record<string, string>>;
  readonly status: number;
}

export interface FakeWx extends WxLike {
  readonly storage: Map<string, unknown>;
  readonly requests: RecordedRequest[];
  /** Token-endpoint calls, optionally only those of one grant type. */
  tokenCalls(grantType?: string): RecordedRequest[];
  logins: number;
}

export function createFakeWx(app: TestApp, appId: string, user: string): FakeWx {
  const storage = new Map<string, unknown>();
  const requests: RecordedRequest[] = [];
  const fake: FakeWx = {
    storage,
    requests,
    logins: 0,
    tokenCalls: (grantType) => requests.filter((r) => r.url === `${app.issuer}/token` && (grantType === undefined || r.form['grant_type'] === grantType)),
    login(options) {
      fake.logins += 1;
      const code = app.wechat.issueCode({ appId, user });
      setTimeout(() => options.success?.({ code }), 0);
    },
    request(options) {
      perform(options).then((response) => {
        requests.push({ url: options.url.split('?')[0] ?? '', method: options.method ?? 'GET', form: formOf(options), status: response.statusCode });
        options.success?.(response);
      }, (error: unknown) => {
        options.fail?.({ errMsg: `request:fail ${error instanceof Error ? error.message : String(error)}` });
      });
    },
    setStorageSync: (key, value) => { storage.set(key, structuredClone(value)); },
    getStorageSync: (key) => (storage.has(key) ? structuredClone(storage.get(key)) : ''),
    removeStorageSync: (key) => { storage.delete(key); },
  };
  return fake;
}

/** What wx.request does with `data`: strings as is; objects as a query for GET, else JSON. */
async function perform(options: WxRequestOptions): Promise<WxResponse> {
  const method = options.method ?? 'GET';
  let url = options.url;
  let body: string | undefined;
  if (typeof options.data === 'string') body = options.data;
  else if (options.data !== undefined && method === 'GET') url += `?${new URLSearchParams(options.data as Record<string, string>).toString()}`;
  else if (options.data !== undefined) body = JSON.stringify(options.data);
  const response = await fetch(url, { method, headers: { 'content-type': 'application/json', ...options.header }, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let data: unknown = text;
  try { data = JSON.parse(text); } catch { /* wx.request leaves non-JSON bodies as text */ }
  return { statusCode: response.status, data, header: Object.fromEntries(response.headers) };
}

function formOf(options: WxRequestOptions): Record<string, string> {
  const type = Object.entries(options.header ?? {}).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  return typeof options.data === 'string' && type.startsWith('application/x-www-form-urlencoded') ? Object.fromEntries(new URLSearchParams(options.data)) : {};
}
