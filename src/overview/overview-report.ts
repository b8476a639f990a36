/**
 * The console's Overview (issue 14 #3) as data: logins and failures per minute by reason (audit log),
 * WeChat upstream errors per minute by errcode (wechat_call_minutes), and the age of every signing key.
 * The window ends with the clock's current minute; every minute in it is present, oldest first.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { countLoginsPerMinute } from '../audit/login-minutes.ts';
import type { KeyStore } from '../keys/key-store.ts';
import { diagnosisOfErrcode } from '../wechat-apps/wechat-app-check.ts';
import { MINUTE_MS, type WeChatCallMinutes } from './wechat-call-minutes.ts';

export interface LoginMinute {
  readonly minute: string;
  readonly successes: number;
  /** Failures by reason (the OAuth error), e.g. `{ invalid_grant: 2 }`. */
  readonly failures: Readonly<Record<string, number>>;
}

export interface WeChatCallsMinute {
  readonly minute: string;
  /** Every call to WeChat in the minute, successes included. */
  readonly calls: number;
  /** Failed calls by errcode (WeChat's, or our name for a failure without one such as `unavailable`). */
  readonly errors: Readonly<Record<string, number>>;
}

export interface ErrcodeTotal {
  readonly errcode: string;
  readonly count: number;
  /** What the errcode says about the app's setup, where wxbridge knows (the app check's diagnoses); else null. */
  readonly diagnosis: string | null;
}

export interface KeyAge {
  readonly kid: string;
  readonly alg: string;
  readonly status: string;
  readonly createdAt: string;
  readonly activatesAt: string;
  readonly retiresAt: string | null;
  /** Days since the key was generated, to two decimals. */
  readonly ageDays: number;
}

export interface OverviewReport {
  readonly minutes: number;
  readonly since: string;
  readonly until: string;
  readonly logins: readonly LoginMinute[];
  readonly loginTotals: { readonly successes: number; readonly failures: Readonly<Record<string, number>> };
  readonly wechatCalls: readonly WeChatCallsMinute[];
  /** Failed WeChat calls in the window by errcode, most frequent first. */
  readonly wechatErrors: readonly ErrcodeTotal[];
  readonly keys: readonly KeyAge[];
}

export interface OverviewReports {
  report(minutes: number): Promise<OverviewReport>;
}

const DAY_MS = 24 * 60 * MINUTE_MS;

function diagnosisOf(errcode: string): string | null {
  if (errcode === 'unavailable') return 'unavailable';
  return /^-?\d+$/.test(errcode) ? (diagnosisOfErrcode(Number(errcode)) ?? null) : null;
}

const increment = (counts: Record<string, number>, key: string, by: number): void => { counts[key] = (counts[key] ?? 0) + by; };

export function createOverviewReports(deps: { em: () => EntityManager; calls: Pick<WeChatCallMinutes, 'read'>; keys: Pick<KeyStore, 'list'>; now: () => number }): OverviewReports {
  return {
    async report(minutes) {
      const now = deps.now();
      const until = Math.floor(now / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
      const since = until - minutes * MINUTE_MS;
      const slots = Array.from({ length: minutes }, (_, i) => since + i * MINUTE_MS);
      const [loginRows, callRows, keys] = await Promise.all([
        countLoginsPerMinute(deps.em(), new Date(since), new Date(until)), deps.calls.read(new Date(since), new Date(until)), deps.keys.list(),
      ]);

      const logins = new Map(slots.map((minute): [number, { successes: number; failures: Record<string, number> }] => [minute, { successes: 0, failures: {} }]));
      const loginTotals = { successes: 0, failures: {} as Record<string, number> };
      for (const row of loginRows) {
        const slot = logins.get(row.minute.getTime());
        if (slot === undefined) continue;
        if (row.outcome === 'success') {
          slot.successes += row.count;
          loginTotals.successes += row.count;
        } else {
          increment(slot.failures, row.reason ?? 'unknown', row.count);
          increment(loginTotals.failures, row.reason ?? 'unknown', row.count);
        }
      }

      const calls = new Map(slots.map((minute): [number, { calls: number; errors: Record<string, number> }] => [minute, { calls: 0, errors: {} }]));
      const errorTotals: Record<string, number> = {};
      for (const row of callRows) {
        const slot = calls.get(row.minute.getTime());
        if (slot === undefined) continue;
        slot.calls += row.count;
        if (row.errcode === '0') continue;
        increment(slot.errors, row.errcode, row.count);
        increment(errorTotals, row.errcode, row.count);
      }

      const iso = (ms: number): string => new Date(ms).toISOString();
      return {
        minutes, since: iso(since), until: iso(until),
        logins: slots.map((minute) => ({ minute: iso(minute), ...(logins.get(minute) ?? { successes: 0, failures: {} }) })),
        loginTotals,
        wechatCalls: slots.map((minute) => ({ minute: iso(minute), ...(calls.get(minute) ?? { calls: 0, errors: {} }) })),
        wechatErrors: Object.entries(errorTotals)
          .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
          .map(([errcode, count]) => ({ errcode, count, diagnosis: diagnosisOf(errcode) })),
        keys: keys.map((key) => ({
          kid: key.kid, alg: key.alg, status: key.state, createdAt: key.createdAt.toISOString(), activatesAt: key.activatesAt.toISOString(),
          retiresAt: key.retiresAt === null ? null : key.retiresAt.toISOString(), ageDays: Math.round(((now - key.createdAt.getTime()) / DAY_MS) * 100) / 100,
        })),
      };
    },
  };
}
