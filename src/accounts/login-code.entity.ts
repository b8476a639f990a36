/**
 * One WeChat login code wxbridge has sent to WeChat (design.md §1 "a code is never sent to WeChat
 * twice"), kept as a SHA-256 digest of (appid, code) — never the code — until well after WeChat
 * would refuse it anyway. Owned by accounts/ (src/accounts/login-code-ledger.ts).
 */
import { defineEntity, p } from '@mikro-orm/core';

export const LoginCodeSchema = defineEntity({
  name: 'LoginCode',
  tableName: 'wechat_login_codes',
  properties: {
    digest: p.string().length(64).primary(),
    expiresAt: p.datetime().index('wechat_login_codes__expires_at'),
  },
});

export class LoginCode extends LoginCodeSchema.class {}
LoginCodeSchema.setClass(LoginCode);
