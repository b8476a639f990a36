/**
 * "Check" for a WeChat app (issue 14 #3): asks WeChat for the app's stable access token with the stored
 * AppSecret (`cgi-bin/stable_token` without force_refresh, wechat-api.md §6.2, so no other holder's token
 * is invalidated) and names what the answer means, so a console can explain it and the fix. The token
 * itself is dropped.
 */
import { AppError } from '../errors.ts';
import type { WeChatClient } from '../wechat/wechat-client.ts';
import { WeChatError } from '../wechat/wechat-errors.ts';
import type { WeChatAppRegistry } from './wechat-app-registry.ts';

export const APP_DIAGNOSES = ['ok', 'wrong_secret', 'ip_not_allowed', 'quota_exhausted', 'app_unknown', 'unavailable', 'rejected'] as const;
export type AppDiagnosis = (typeof APP_DIAGNOSES)[number];

export interface AppCheckResult {
  readonly appId: string;
  readonly diagnosis: AppDiagnosis;
  /** WeChat's errcode when it refused (wechat-api.md §1.4). */
  readonly errcode: number | null;
}

/** wechat-api.md §6.2 / §1.4: the errcodes stable_token answers when the app is set up wrongly. */
const DIAGNOSIS_BY_ERRCODE: ReadonlyMap<number, AppDiagnosis> = new Map([
  [40125, 'wrong_secret'], [40001, 'wrong_secret'],
  [40164, 'ip_not_allowed'], [61004, 'ip_not_allowed'],
  [45009, 'quota_exhausted'],
  [40013, 'app_unknown'],
]);

/** What an errcode of WeChat says about the app's setup, when it says something (the console explains it). */
export function diagnosisOfErrcode(errcode: number): AppDiagnosis | undefined {
  return DIAGNOSIS_BY_ERRCODE.get(errcode);
}

export function createWeChatAppCheck(deps: { apps: Pick<WeChatAppRegistry, 'findCredentials'>; wechat: Pick<WeChatClient, 'fetchStableToken'> }) {
  return {
    async check(appId: string): Promise<AppCheckResult> {
      const app = await deps.apps.findCredentials(appId);
      if (app === null) throw new AppError('wechat.app_unknown', `no WeChat app ${appId.slice(0, 64)}`);
      try {
        await deps.wechat.fetchStableToken({ appId, secret: app.secret, forceRefresh: false });
        return { appId, diagnosis: 'ok', errcode: null };
      } catch (error) {
        if (!(error instanceof WeChatError)) throw error;
        const errcode = error.errcode ?? null;
        if (error.code === 'wechat.unavailable') return { appId, diagnosis: 'unavailable', errcode };
        return { appId, diagnosis: (errcode === null ? undefined : diagnosisOfErrcode(errcode)) ?? 'rejected', errcode };
      }
    },
  };
}

export type WeChatAppCheck = ReturnType<typeof createWeChatAppCheck>;
