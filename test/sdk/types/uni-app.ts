/**
 * Type test: uni-app's `uni` (@dcloudio/types, UniNamespace.Uni) fits the SDK as it is, and the
 * SDK's request options are what uni.request accepts (uni-app's typings have no PATCH either).
 */
import { createWxBridge, type WxBridge, type WxLike } from '@wxbridge/miniprogram-sdk';

const official: UniNamespace.Uni = uni;

export const bridge: WxBridge = createWxBridge({ issuer: 'https://id.example.com', clientId: 'shop', wx: official });

export const forwarding: WxLike = {
  login: (options) => uni.login(options),
  request: (options) => uni.request(options),
  setStorageSync: (key, value) => { uni.setStorageSync(key, value); },
  getStorageSync: (key) => uni.getStorageSync(key),
  removeStorageSync: (key) => { uni.removeStorageSync(key); },
};
