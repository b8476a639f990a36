// The page a "scan with the mini-program" code opens (README "Sign in on the web"): WeChat passes the
// code's scene in options.scene (URL-encoded); the user confirms or rejects the browser's sign-in.
import { WxBridgeError } from '@wxbridge/miniprogram-sdk';

/** @typedef {{ bridge: import('@wxbridge/miniprogram-sdk').WxBridge }} DemoApp */

const bridge = () => /** @type {DemoApp} */ (getApp()).bridge;
/** @param {unknown} error */
const describe = (error) => (error instanceof WxBridgeError ? `${error.error}: ${error.description ?? ''}` : String(error));

Page({
  data: { state: 'loading', clientName: '', message: '', scene: '' },

  /** @param {Record<string, string | undefined>} options */
  async onLoad(options) {
    const scene = decodeURIComponent(options['scene'] ?? '');
    try {
      // Marks the code scanned (the browser says so) and names the website asking.
      const { clientName } = await bridge().webSignIn(scene);
      this.setData({ scene, clientName, state: 'ask' });
    } catch (error) {
      this.setData({ state: 'done', message: describe(error) });
    }
  },

  async onConfirm() {
    await this.answer(() => bridge().confirmWebSignIn(this.data.scene), 'Signed in on the web. You can close this page.');
  },

  async onReject() {
    await this.answer(() => bridge().rejectWebSignIn(this.data.scene), 'Cancelled.');
  },

  /**
   * @param {() => Promise<unknown>} call
   * @param {string} done
   */
  async answer(call, done) {
    try {
      await call();
      this.setData({ state: 'done', message: done });
    } catch (error) {
      this.setData({ state: 'done', message: describe(error) });
    }
  },
});
