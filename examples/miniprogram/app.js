// Creates the wxbridge client once for the whole mini-program: refreshes are de-duplicated per
// client, so every page must share this one (getApp().bridge).
import { createWxBridge } from '@wxbridge/miniprogram-sdk';
import { config } from './config.js';
import { sandboxWx } from './sandbox.js';

App({
  bridge: createWxBridge({
    issuer: config.issuer,
    clientId: config.clientId,
    scope: 'openid profile phone offline_access demo:read',
    resource: config.resource,
    wx: config.sandboxUser === undefined ? undefined : sandboxWx, // undefined: the global wx
  }),
});
