// The parameters of WeChat's browser authorize pages (wechat-api.md §8.1, §14 item 19), checked in the
// order a developer meets them; every failure is shown ON the page with WeChat's errcode, never redirected.
// `/connect/oauth2/authorize` takes official accounts (snsapi_base | snsapi_userinfo), `/connect/qrconnect`
// website apps (snsapi_login). The `#wechat_redirect` fragment never reaches a server, so it is not checked.
import { SCOPES_BY_KIND, type SimulatorState } from './simulator-state.ts';
import type { AppKind, OAuthScope, SimulatedApp } from './simulator-types.ts';

export type AuthorizeFlavour = 'oauth2' | 'qrconnect';

export const AUTHORIZE_PATHS: Readonly<Record<AuthorizeFlavour, string>> = {
  oauth2: '/connect/oauth2/authorize',
  qrconnect: '/connect/qrconnect',
};

export interface AuthorizeRequest {
  readonly flavour: AuthorizeFlavour;
  readonly app: SimulatedApp;
  readonly redirectUri: URL;
  readonly scope: OAuthScope;
  /** '' when the caller sent none (§8.1: optional). */
  readonly state: string;
}

/** A page error: WeChat's on-page errcode (§8.1 list; 40013 and 10008 [UNCONFIRMED] for unknown appid / response_type). */
export interface AuthorizeProblem {
  readonly errcode: number;
}

const KIND_BY_FLAVOUR: Readonly<Record<AuthorizeFlavour, AppKind>> = { oauth2: 'official_account', qrconnect: 'web' };
const STATE = /^[A-Za-z0-9]{1,128}$/;

const problem = (errcode: number): AuthorizeProblem => ({ errcode });

function checkApp(state: SimulatorState, flavour: AuthorizeFlavour, appId: string): SimulatedApp | AuthorizeProblem {
  if (appId === '') return problem(10012);
  const app = state.apps.get(appId);
  if (!app) return problem(40013);
  if (app.kind === KIND_BY_FLAVOUR[flavour]) return app;
  // 10016: an Open Platform (website / mobile) appid on the official-account page; otherwise no such scope.
  return flavour === 'oauth2' && (app.kind === 'web' || app.kind === 'app') ? problem(10016) : problem(10005);
}

/** §8.1 "网页授权域名": `host` allows that host on any port, `host:port` that port only; unset allows any. */
export function isAllowedRedirect(app: SimulatedApp, uri: URL): boolean {
  if (uri.protocol !== 'http:' && uri.protocol !== 'https:') return false;
  if (app.redirectDomains === undefined) return true;
  return app.redirectDomains.some((domain) => {
    const wanted = domain.toLowerCase();
    return wanted.includes(':') ? wanted === uri.host : wanted === uri.hostname;
  });
}

function parseRedirect(app: SimulatedApp, raw: string): URL | AuthorizeProblem {
  if (raw === '') return problem(10011);
  const uri = URL.parse(raw);
  return uri !== null && isAllowedRedirect(app, uri) ? uri : problem(10003);
}

function checkScope(app: SimulatedApp, raw: string): OAuthScope | AuthorizeProblem {
  if (raw === '') return problem(10010);
  const allowed: readonly string[] = app.kind === 'miniprogram' ? [] : SCOPES_BY_KIND[app.kind];
  return allowed.includes(raw) ? (raw as OAuthScope) : problem(10005);
}

export function isProblem(value: unknown): value is AuthorizeProblem {
  return typeof value === 'object' && value !== null && 'errcode' in value;
}

/** Checks an authorize request; the first problem wins. */
export function checkAuthorizeRequest(
  state: SimulatorState,
  flavour: AuthorizeFlavour,
  params: URLSearchParams,
): AuthorizeRequest | AuthorizeProblem {
  const get = (name: string): string => params.get(name) ?? '';
  const app = checkApp(state, flavour, get('appid'));
  if (isProblem(app)) return app;
  const redirectUri = parseRedirect(app, get('redirect_uri'));
  if (isProblem(redirectUri)) return redirectUri;
  if (get('response_type') !== 'code') return problem(10008);
  const scope = checkScope(app, get('scope'));
  if (isProblem(scope)) return scope;
  // §8.1: optional, but when present at most 128 of [A-Za-z0-9].
  if (get('state') !== '' && !STATE.test(get('state'))) return problem(10013);
  return { flavour, app, redirectUri, scope, state: get('state') };
}

/** `redirect_uri?code=…&state=…` (approval) or `redirect_uri?state=…` (denial, the older doc's behaviour). */
export function callbackUrl(request: AuthorizeRequest, code: string | null): string {
  const target = new URL(request.redirectUri);
  target.hash = '';
  if (code !== null) target.searchParams.set('code', code);
  target.searchParams.set('state', request.state);
  return target.href;
}
