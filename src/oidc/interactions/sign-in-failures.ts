/**
 * Every way a WeChat sign-in can fail, as the class of page the person sees (issue 13 #4): the code
 * (invalid, used, expired), risk control, quotas and rate limits, WeChat down / slow / answering HTML
 * or nothing, our own configuration (48001 scope unauthorized, wrong secret…), a disabled account.
 * WeChat's errmsg is logged, never shown.
 */
import { AppError } from '../../errors.ts';
import type { FailureClass } from './pages/page-text.ts';

export type SignInFailure = FailureClass | 'snapshot';

export function failureOf(error: unknown): SignInFailure | undefined {
  if (!(error instanceof AppError)) return undefined;
  switch (error.code) {
    case 'wechat.code_invalid': return 'code';
    case 'wechat.user_blocked': return 'blocked';
    case 'wechat.rate_limited':
    case 'wechat.quota_exhausted': return 'busy';
    case 'wechat.unavailable':
    case 'database.unavailable': return 'unavailable';
    case 'wechat.snapshot_user': return 'snapshot';
    case 'account.disabled': return 'disabled';
    // The app creates no accounts (issue 17 #2) and nothing else could link this person: nothing was written.
    case 'account.creation_refused': return 'no_account';
    case 'wechat.misconfigured':
    case 'wechat.rejected':
    case 'wechat.insufficient_scope':
    case 'wechat.app_unknown':
    case 'wechat.page_invalid':
    case 'wechat.scene_invalid':
    case 'keys.decrypt_failed': return 'misconfigured';
    default: return undefined;
  }
}

/** 503 for what passes, 400 for what the person can fix by starting again, 500 for our own configuration. */
export function statusOf(failure: SignInFailure): number {
  switch (failure) {
    case 'busy':
    case 'throttled': return 429;
    case 'unavailable': return 503;
    case 'misconfigured': return 500;
    case 'disabled':
    case 'no_account':
    case 'blocked': return 403;
    default: return 400;
  }
}
