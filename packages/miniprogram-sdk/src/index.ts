/**
 * @wxbridge/miniprogram-sdk: log a WeChat mini-program user in with wxbridge and call APIs with
 * the right access token. Zero runtime dependencies; works with `wx`, `uni` and `Taro`.
 */
export { createWxBridge, type ApiRequestOptions, type PhoneNumberEvent, type WebSignIn, type WxBridge, type WxBridgeOptions } from './wxbridge.ts';
export { WxBridgeError } from './wxbridge-error.ts';
export type { WxFailure, WxLike, WxLoginOptions, WxMethod, WxRequestOptions, WxResponse } from './wx-like.ts';
export type { StoredTokens } from './stored-tokens.ts';
export { WECHAT_GRANT_TYPE } from './token-endpoint.ts';
