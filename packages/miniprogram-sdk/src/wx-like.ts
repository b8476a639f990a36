/**
 * The slice of the mini-program API the SDK uses, typed structurally so that WeChat's `wx`,
 * uni-app's `uni` and Taro's `Taro` all fit (they share these callback-style signatures), and the
 * two promise wrappers over it. No other platform API is used: mini-programs have no fetch, URL,
 * URLSearchParams, TextDecoder or atob.
 */
import { WxBridgeError } from './wxbridge-error.ts';

/**
 * The methods WeChat's, uni-app's and Taro's request all accept. WeChat's wx.request has no PATCH
 * (miniprogram-api-typings), so neither has the SDK: send partial updates as POST.
 */
export type WxMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD' | 'OPTIONS';

export interface WxFailure {
  readonly errMsg: string;
  readonly errno?: number;
}

export interface WxResponse<T = unknown> {
  readonly statusCode: number;
  /** The body, parsed as JSON when it is JSON (wx.request's default `dataType: 'json'`). */
  readonly data: T;
  readonly header: Readonly<Record<string, string>>;
}

/**
 * What the SDK passes to wx.request: a subtype of WeChat's, uni-app's and Taro's request options,
 * so their `request` fits WxLike. Members are omitted rather than set to undefined, as the official
 * typings require under exactOptionalPropertyTypes.
 */
export interface WxRequestOptions {
  url: string;
  method?: WxMethod;
  /** A string is sent as is; an object is JSON-encoded (or query-encoded for GET) by wx.request. */
  data?: string | Record<string, unknown>;
  header?: Record<string, string>;
  timeout?: number;
  success?: (response: WxResponse) => void;
  fail?: (failure: WxFailure) => void;
}

export interface WxLoginOptions {
  timeout?: number;
  success?: (result: { readonly code: string }) => void;
  fail?: (failure: WxFailure) => void;
}

/**
 * The platform object: `wx` (WechatMiniprogram.Wx), `uni` or `Taro` fit as they are. Property
 * signatures rather than methods, so TypeScript checks each strictly (no method bivariance).
 */
export interface WxLike {
  readonly login: (options: WxLoginOptions) => unknown;
  readonly request: (options: WxRequestOptions) => unknown;
  readonly setStorageSync: (key: string, value: unknown) => void;
  readonly getStorageSync: (key: string) => unknown;
  readonly removeStorageSync: (key: string) => void;
}

/** A fresh one-time login code from wx.login() (valid 5 minutes, single use). */
export function wxLogin(wx: WxLike, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    wx.login({
      timeout: timeoutMs,
      success: (result) => { resolve(result.code); },
      fail: (failure) => { reject(new WxBridgeError('wx_login_failed', failure.errMsg)); },
    });
  });
}

/** wx.request as a promise: resolves with any HTTP status, rejects (network_error) only when no response came. */
export function wxRequest<T = unknown>(wx: WxLike, options: Omit<WxRequestOptions, 'success' | 'fail'>): Promise<WxResponse<T>> {
  return new Promise((resolve, reject) => {
    wx.request({
      ...options,
      success: (response) => { resolve(response as WxResponse<T>); },
      fail: (failure) => { reject(new WxBridgeError('network_error', failure.errMsg)); },
    });
  });
}
