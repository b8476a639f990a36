// Helpers for the app-token, phone and session-key suites (wechat-api.md §4–§6, §14 items 9–15): raw calls
// to /cgi-bin/token, /cgi-bin/stable_token, getuserphonenumber and checksession on a simulator with a clock.
import type { SimulatedApp } from '../../src/wechat-simulator/wechat-simulator.ts';
import { getRaw, type RawResponse, type TestSimulator } from './simulator-fixture.ts';

export function cgiToken(t: TestSimulator, app: SimulatedApp, overrides: Record<string, string> = {}): Promise<RawResponse> {
  const query = new URLSearchParams({ grant_type: 'client_credential', appid: app.appId, secret: app.secret, ...overrides });
  return getRaw(`${t.url}/cgi-bin/token?${query.toString()}`);
}

export function stableToken(t: TestSimulator, app: SimulatedApp, extra: Record<string, unknown> = {}): Promise<RawResponse> {
  const body = JSON.stringify({ grant_type: 'client_credential', appid: app.appId, secret: app.secret, force_refresh: false, ...extra });
  return getRaw(`${t.url}/cgi-bin/stable_token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
}

export function getPhoneNumber(t: TestSimulator, accessToken: string, body: string): Promise<RawResponse> {
  return getRaw(`${t.url}/wxa/business/getuserphonenumber?access_token=${encodeURIComponent(accessToken)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
}

export function checkSession(t: TestSimulator, params: Record<string, string>): Promise<RawResponse> {
  return getRaw(`${t.url}/wxa/checksession?${new URLSearchParams({ sig_method: 'hmac_sha256', ...params }).toString()}`);
}

export function json(response: RawResponse): Record<string, unknown> {
  return JSON.parse(response.raw) as Record<string, unknown>;
}

export async function tokenOf(response: Promise<RawResponse>): Promise<string> {
  const body = json(await response);
  if (typeof body['access_token'] !== 'string') throw new Error(`no access_token in ${JSON.stringify(body)}`);
  return body['access_token'];
}

/** An errcode the token guard produces for `accessToken`, probed with an empty phone request (no code used). */
export async function probe(t: TestSimulator, accessToken: string): Promise<unknown> {
  return json(await getPhoneNumber(t, accessToken, ''))['errcode'];
}
