/**
 * The slice of the mini-program API the SDK uses, typed structurally so that WeChat's `wx`,
 * uni-app's `uni` and Taro's `Taro` all fit (they share these callback-style signatures), and the
 * two promise wrappers over it. No other platform API is used: mini-programs have no fetch, URL,
 * URLSearchParams, TextDecoder or atob.
 */
import { WxBridgeError } from './wxbridge-error.ts';

/** WeChat's wx.request has no PATCH; uni-app and Taro accept it on their other targets. */
export type WxMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

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

/** Optional members also accept undefined, as plain JavaScript callers pass them. */
export interface WxRequestOptions {
  url: string;
  method?: WxMethod | undefined;
  /** A string is sent as is; an object is JSON-encoded (or query-encoded for GET) by wx.request. */
  data?: string | Record<string, unknown> | undefined;
  header?: Record<string, string> | undefined;
  timeout?: number | undefined;
  success?: ((response: WxResponse) => void) | undefined;
  fail?: ((failure: WxFailure) => void) | undefined;
}

export interface WxLoginOptions {
  timeout?: number | undefined;
  success?: ((result: { code: string }) => void) | undefined;
  fail?: ((failure: WxFailure) => void) | undefined;
}

export interface WxLike {
  login(options: WxLoginOptions): unknown;
  request(options: WxRequestOptions): unknown;
  setStorageSync(key: string, value: unknown): void;
  getStorageSync(key: string): unknown;
  removeStorageSync(key: string): void;
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
