/**
 * Which WeChat sign-in methods the hosted page offers, and which first (issue 13 #3): inside WeChat
 * (`MicroMessenger`, also on HarmonyOS/ArkWeb, but not WeCom's `wxwork`) the official account's
 * OAuth; elsewhere the website app's QR login; then scanning with the mini-program. Only methods a
 * configured WeChat app allows.
 */
import type { SignInMethod } from './pages/page-text.ts';

export interface ConfiguredApps {
  /** A website app (`kind: web`, Open Platform): /connect/qrconnect. */
  readonly website: string | undefined;
  /** An official account (`kind: official_account`): /connect/oauth2/authorize. */
  readonly officialAccount: string | undefined;
  /** A mini-program (`kind: miniprogram`) whose code the page shows, and the page that code opens. */
  readonly miniProgram?: { readonly appId: string; readonly page: string } | undefined;
}

/** WeChat's in-app browser; WeCom also says MicroMessenger, but official-account OAuth is not for it. */
export function isInsideWeChat(userAgent: string | undefined): boolean {
  const ua = userAgent ?? '';
  return /MicroMessenger/i.test(ua) && !/wxwork/i.test(ua);
}

export function offeredMethods(apps: ConfiguredApps, userAgent: string | undefined): SignInMethod[] {
  const inside = isInsideWeChat(userAgent);
  const methods: SignInMethod[] = [];
  // Official-account OAuth only works inside WeChat's browser (wechat-api.md §8.1), so it is offered nowhere else.
  if (inside && apps.officialAccount !== undefined) methods.push('official-account');
  if (apps.website !== undefined) methods.push('website-qr');
  // For companies with a mini-program but no verified website app (issue 13 #3); last, as it needs a second screen.
  if (apps.miniProgram !== undefined) methods.push('miniprogram-scan');
  return methods;
}

/** WeChat's OAuth scope for a sign-in: snsapi_login for QR; snsapi_userinfo only when `profile` is asked (wechat-api.md §8.1). */
export function wechatScopeFor(method: SignInMethod, requestedScopes: readonly string[]): 'snsapi_login' | 'snsapi_base' | 'snsapi_userinfo' {
  if (method === 'website-qr') return 'snsapi_login';
  return requestedScopes.includes('profile') ? 'snsapi_userinfo' : 'snsapi_base';
}

/** The WeChat page that signs the person in and comes back to `redirectUri` with `code` and `state`. */
export function wechatAuthorizeUrl(openBaseUrl: string, input: { method: SignInMethod; appId: string; redirectUri: string; scope: string; state: string }): string {
  const path = input.method === 'website-qr' ? '/connect/qrconnect' : '/connect/oauth2/authorize';
  // WeChat reads the parameters in this order and requires the #wechat_redirect fragment (wechat-api.md §8.1).
  const query = new URLSearchParams({ appid: input.appId, redirect_uri: input.redirectUri, response_type: 'code', scope: input.scope, state: input.state });
  return `${openBaseUrl}${path}?${query.toString()}#wechat_redirect`;
}
