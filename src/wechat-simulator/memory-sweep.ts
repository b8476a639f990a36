// Keeps a long-running simulator's memory flat (a sandbox grew 212 → 248 MiB over 96 000 logins): every
// store of minted codes, tokens and per-user counters forgets what can no longer matter, swept at most
// once a minute of simulator time, on the next mint or request. storeSizes() lets tests watch it.
import type { SimulatorState } from './simulator-state.ts';

const SWEEP_INTERVAL_MS = 60_000;

/** How many entries each store holds; only `users` (the simulated world) grows with distinct people. */
export interface StoreSizes {
  readonly loginCodes: number;
  readonly oauthCodes: number;
  readonly phoneCodes: number;
  readonly tokens: number;
  readonly rateLimitKeys: number;
  readonly sessionKeyResets: number;
  readonly requestLog: number;
  readonly users: number;
}

/** Runs a sweep when a minute of simulator time has passed since the last (or the clock went back). */
export function sweepIfDue(state: SimulatorState, now: number): void {
  if (now >= state.lastSweepAt && now - state.lastSweepAt < SWEEP_INTERVAL_MS) return;
  sweep(state, now);
}

export function sweep(state: SimulatorState, now: number): void {
  state.lastSweepAt = now;
  state.codes.sweep(now);
  state.phoneCodes.sweep(now);
  state.tokens.sweep(now);
  state.loginQuota.sweep(now);
  state.sessionKeyResetQuota.sweep(now);
  for (const [user, at] of state.lastSessionKeyReset) {
    if (now - at >= state.sessionKeyResetCooldownMs) state.lastSessionKeyReset.delete(user);
  }
}

export function storeSizes(state: SimulatorState): StoreSizes {
  return {
    loginCodes: state.codes.count('jscode2session'),
    oauthCodes: state.codes.count('oauth2_access_token'),
    phoneCodes: state.phoneCodes.size,
    tokens: state.tokens.size,
    rateLimitKeys: state.loginQuota.size + state.sessionKeyResetQuota.size,
    sessionKeyResets: state.lastSessionKeyReset.size,
    requestLog: state.log.length,
    users: state.identities.size,
  };
}
