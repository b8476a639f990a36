/**
 * Type test: WeChat's own `wx` (miniprogram-api-typings, WechatMiniprogram.Wx) fits the SDK as it
 * is, under exactOptionalPropertyTypes, and what the SDK passes to wx.request is what wx.request
 * accepts. Compiled by `npm run check` against the built dist/ declarations.
 */
import { createWxBridge, type WxBridge, type WxLike, type WxResponse } from '@wxbridge/miniprogram-sdk';

const issuer = 'https://id.example.com';
const official: WechatMiniprogram.Wx = wx;

export const bridge: WxBridge = createWxBridge({ issuer, clientId: 'shop', wx: official });
export const withGlobalWx: WxBridge = createWxBridge({ issuer, clientId: 'shop', resource: 'https://api.example.com' });

// A wrapper like examples/miniprogram/sandbox.js: the SDK's request options go to wx.request untouched.
export const forwarding: WxLike = {
  login: (options) => wx.login(options),
  request: (options) => wx.request(options),
  setStorageSync: (key, value) => { wx.setStorageSync(key, value); },
  getStorageSync: (key) => wx.getStorageSync(key),
  removeStorageSync: (key) => { wx.removeStorageSync(key); },
};

export async function calls(): Promise<number> {
  const orders: WxResponse<{ orders: string[] }> = await bridge.request<{ orders: string[] }>({ url: 'https://api.example.com/orders' });
  // Plain JavaScript passes unset options as undefined; the SDK leaves them out for wx.request.
  await bridge.request({ url: 'https://api.example.com/orders', method: undefined, data: undefined, header: { 'x-trace': '1' }, timeout: 5000 });
  await bridge.request({ url: 'https://api.example.com/orders', method: 'PUT', data: { id: 1 } });
  // @ts-expect-error wx.request has no PATCH (miniprogram-api-typings): send partial updates as POST
  await bridge.request({ url: 'https://api.example.com/orders/1', method: 'PATCH' });
  return orders.statusCode + orders.data.orders.length;
}

const { removeStorageSync: _removeStorageSync, ...withoutRemove } = forwarding;
export const incomplete = createWxBridge({
  issuer, clientId: 'shop',
  // @ts-expect-error a wx-like object needs removeStorageSync too (logout clears storage)
  wx: withoutRemove,
});

export const wrongLogin: WxLike = {
  ...forwarding,
  // @ts-expect-error login must hand the SDK a string code
  login: (options: { success: (result: { code: number }) => void }) => { options.success({ code: 1 }); },
};
