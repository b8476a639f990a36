// Where the demo finds wxbridge and the demo API (README.md). From a real phone, use your
// computer's LAN address here and start wxbridge with WXBRIDGE_ISSUER set to the same URL.
export const config = {
  issuer: 'http://localhost:3000',
  clientId: 'sandbox-miniprogram',
  resource: 'https://api.sandbox.wxbridge.test',
  apiUrl: 'http://localhost:4000',
  // The sandbox cannot redeem real WeChat codes: sandbox.js gets simulator codes for this user.
  // Set it to undefined for a real WeChat app.
  /** @type {string | undefined} */
  sandboxUser: 'alice',
};
