// The simulator's construction options (wechat-api.md §14): its clock, lifetimes, quotas and the knobs
// that choose between documented behaviours. Every default follows the section cited beside it.

export interface SimulatorOptions {
  /** Clock in ms (default `Date.now`). */
  readonly now?: () => number;
  /** Minimum session_key age before a new code exchange rotates it (default 300 000, §3.3). */
  readonly sessionKeyRotationMs?: number;
  /** Lifetime of mini-program and official-account codes (default 300 000, §3.3, §8.1). */
  readonly codeTtlMs?: number;
  /** Lifetime of Open Platform (web/app) codes (default 600 000, §8.1). */
  readonly openPlatformCodeTtlMs?: number;
  /** jscode2session calls per (appid, user) per minute before 45011 (default 100, §11). */
  readonly perUserMinuteQuota?: number;
  /** Request-log entries kept, oldest dropped first (default 10 000). */
  readonly requestLogLimit?: number;
  /** Lifetime of cgi-bin and stable access tokens (default 7 200 000, §6.1 `expires_in` 7200). */
  readonly accessTokenTtlMs?: number;
  /** Old/new token overlap: cgi-bin/token's 5-minute grace, stable_token's pre-rotation window (default 300 000, §6). */
  readonly accessTokenOverlapMs?: number;
  /** cgi-bin/token calls per app per day before 45009 (default 2000, §6.1). */
  readonly cgiTokenDailyQuota?: number;
  /** §6.1 [CONFLICT]: what cgi-bin/token says to a wrong secret (default 40125; older docs: 40001). */
  readonly cgiTokenWrongSecretErrcode?: 40125 | 40001;
  /** What a token-protected API says to an unknown token (default 40001; option 40014, §14 item 13). */
  readonly unknownTokenErrcode?: 40001 | 40014;
  /** Lifetime of getPhoneNumber codes (default 300 000, §5.1). */
  readonly phoneCodeTtlMs?: number;
  /** Minimum time between two resetusersessionkey calls for one user (default 60 000, §4.3 [UNCONFIRMED]). */
  readonly sessionKeyResetCooldownMs?: number;
  /**
   * How long an expired code or dead token is still recognised (42003 / 42001) before it is forgotten
   * and answers like an unknown one (default 600 000): what keeps the simulator's memory flat.
   */
  readonly expiredRetentionMs?: number;
  /** §8.4 knob: sns/userinfo checks `openid` against the token (default true; logto saw it ignored). */
  readonly userinfoChecksOpenId?: boolean;
}
