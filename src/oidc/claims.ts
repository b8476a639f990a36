/** Scopes and the claims they release (design.md §3), shared by oidc-provider's config and findAccount. */
export const SCOPE_CLAIMS = {
  openid: ['sub'],
  profile: ['nickname', 'picture', 'updated_at'],
  phone: ['phone_number', 'phone_number_verified'],
  wechat: ['wechat_appid', 'wechat_openid', 'wechat_unionid'],
} as const;
