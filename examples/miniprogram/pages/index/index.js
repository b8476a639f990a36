// One page, four buttons: each calls the shared wxbridge client from app.js.
import { WxBridgeError } from '@wxbridge/miniprogram-sdk';
import { config } from '../../config.js';
import { sandboxPhoneEvent } from '../../sandbox.js';

/** @typedef {{ bridge: import('@wxbridge/miniprogram-sdk').WxBridge }} DemoApp */

const bridge = () => /** @type {DemoApp} */ (getApp()).bridge;
/** @param {unknown} error */
const describe = (error) => (error instanceof WxBridgeError ? `${error.error}: ${error.description ?? ''}` : String(error));

Page({
  data: {
    /** @type {Record<string, unknown> | null} the ID token's claims (sub, nickname, …) */
    user: null,
    message: '',
  },

  onLoad() {
    this.setData({ user: bridge().claims() || null });
  },

  async onLogin() {
    try {
      this.setData({ user: (await bridge().login()) || null, message: 'logged in' });
    } catch (error) {
      this.setData({ message: describe(error) });
    }
  },

  // request() adds the access token for the demo API, refreshing or logging in when needed.
  async onCallApi() {
    try {
      const response = await bridge().request({ url: `${config.apiUrl}/orders` });
      this.setData({ message: `${response.statusCode} ${JSON.stringify(response.data)}` });
    } catch (error) {
      this.setData({ message: describe(error) });
    }
  },

  /**
   * e.detail.code comes from the getPhoneNumber button (base library >= 2.21.2).
   * @param {import('@wxbridge/miniprogram-sdk').PhoneNumberEvent} event
   */
  async onPhone(event) {
    try {
      const answer = await bridge().bindPhone(config.sandboxUser === undefined ? event : await sandboxPhoneEvent());
      this.setData({ message: `phone: ${JSON.stringify(answer)}` });
    } catch (error) {
      this.setData({ message: describe(error) });
    }
  },

  async onLogout() {
    await bridge().logout();
    this.setData({ user: null, message: 'logged out' });
  },
});
