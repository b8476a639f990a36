/**
 * The time wxbridge's own rules read (house-style §9 "Time"): TTLs, secret overlaps, key activation,
 * rate-limit windows, expiry of stored rows. Injected through createApp, so tests advance time
 * instead of sleeping. oidc-provider reads Date.now() itself for the tokens it mints.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** The clock's time as a Date (for the modules that keep times as Dates). */
export function dateOf(clock: Clock): Date {
  return new Date(clock.now());
}
