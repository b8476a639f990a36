/**
 * Type test: Taro's `Taro` object fits the SDK. @tarojs/taro's typings need webpack, vite, React,
 * Vue and Taro's component packages to load, so this file declares the five members the SDK uses
 * exactly as @tarojs/taro 4.2.1 types them (types/api/network/request.d.ts, open-api/login.d.ts,
 * storage/index.d.ts), trimmed to the options that matter here.
 */
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unnecessary-type-parameters -- Taro's own declarations, copied as they are */
import { createWxBridge, type WxBridge, type WxLike } from '@wxbridge/miniprogram-sdk';

type IAnyObject = Record<string, any>;
interface CallbackResult { errMsg: string }

interface TaroLoginOption {
  complete?: (res: CallbackResult) => void;
  fail?: (res: CallbackResult) => void;
  success?: (result: CallbackResult & { code: string; errMsg: string; anonymousCode?: string; isLogin?: boolean }) => void;
  timeout?: number;
  force?: boolean;
}

interface TaroRequestOption<T = any, U extends string | IAnyObject | ArrayBuffer = any> {
  url: string;
  data?: U;
  header?: IAnyObject;
  timeout?: number;
  method?: 'OPTIONS' | 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'TRACE' | 'CONNECT';
  success?: (result: CallbackResult & { data: T; header: IAnyObject; statusCode: number; errMsg: string; cookies?: string[] }) => void;
  fail?: (res: CallbackResult) => void;
  complete?: (res: CallbackResult) => void;
}

interface TaroStatic {
  login(option?: TaroLoginOption): Promise<{ code: string; errMsg: string }>;
  request<T = any, U extends string | IAnyObject | ArrayBuffer = any>(option: TaroRequestOption<T, U>): Promise<{ data: T; statusCode: number }> & { abort(): void };
  setStorageSync(key: string, data: any): void;
  removeStorageSync(key: string): void;
  getStorageSync<T = any>(key: string): T;
}

declare const Taro: TaroStatic;

export const bridge: WxBridge = createWxBridge({ issuer: 'https://id.example.com', clientId: 'shop', wx: Taro });
export const forwarding: WxLike = { ...Taro, request: (options) => Taro.request(options) };
