/**
 * The shared error kernel: one base class with a stable string `code` (the discriminant callers
 * branch on) and a chained `cause`. Errors are mapped to a protocol once, at the edge that knows
 * the protocol (house-style §7).
 */

export type ErrorCode =
  | 'config.invalid'
  | 'config.unsafe_for_production'
  | 'database.unavailable'
  | 'database.migrations_pending'
  | 'keys.master_key_invalid'
  | 'keys.decrypt_failed'
  | 'wechat.code_invalid'
  | 'wechat.user_blocked'
  | 'wechat.rate_limited'
  | 'wechat.unavailable'
  | 'wechat.misconfigured'
  | 'wechat.rejected'
  | 'wechat.insufficient_scope'
  | 'wechat.page_invalid'
  | 'wechat.scene_invalid'
  | 'wechat.quota_exhausted'
  | 'wechat.app_unknown'
  | 'wechat.snapshot_user'
  | 'account.disabled'
  | 'account.not_found'
  | 'account.merge_conflict'
  | 'account.link_refused'
  | 'account.creation_refused'
  | 'account.identity_new'
  | 'client.not_found'
  | 'client.invalid_metadata'
  | 'client.conflict'
  | 'resource_server.not_found'
  | 'phone.code_invalid'
  | 'phone.unsupported'
  | 'phone.quota_exhausted'
  | 'legacy_data.invalid'
  | 'request.invalid'
  | 'request.too_large'
  | 'web_sign_in.unknown'
  | 'web_sign_in.expired'
  | 'web_sign_in.used'
  | 'web_sign_in.wrong_app';

export class AppError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** One-line guard (Logto's `assertThat`): `assert(ok, () => new AppError(...))`. */
export function assert(condition: unknown, makeError: () => Error): asserts condition {
  if (!condition) throw makeError();
}
