// Only for wxbridge's sandbox (npm start): its WeChat simulator cannot redeem the codes real
// WeChat hands out, so the demo asks the sandbox for simulator codes instead. With a real WeChat
// app registered in wxbridge, delete this file: use the global wx and the button's own event.
import { config } from './config.js';

/** @returns {Promise<string>} a simulator code from POST /sandbox/<path> {"user": …} */
function sandboxCode(/** @type {string} */ path) {
  return new Promise((resolve, reject) => {
    wx.request({
      url: `${config.issuer}/sandbox/${path}`,
      method: 'POST',
      data: { user: config.sandboxUser },
      success: (response) => { resolve(/** @type {{ code: string }} */ (response.data).code); },
      fail: (failure) => { reject(new Error(failure.errMsg)); },
    });
  });
}

/** The real wx, except that login() gets its code from POST /sandbox/wx-login. @type {import('@wxbridge/miniprogram-sdk').WxLike} */
export const sandboxWx = {
  login: (options) => {
    sandboxCode('wx-login').then((code) => options.success?.({ code }), (/** @type {unknown} */ error) => options.fail?.({ errMsg: String(error) }));
  },
  request: (options) => wx.request(options),
  setStorageSync: (key, value) => { wx.setStorageSync(key, value); },
  getStorageSync: (key) => wx.getStorageSync(key),
  removeStorageSync: (key) => { wx.removeStorageSync(key); },
};

/** What the getPhoneNumber button would carry, minted by POST /sandbox/phone-code. */
export async function sandboxPhoneEvent() {
  return { detail: { code: await sandboxCode('phone-code'), errMsg: 'getPhoneNumber:ok' } };
}
