/**
 * When a cached WeChat access token must be replaced (wechat-api.md §6.2, §12 rule 7): proactively
 * 300 s before expiry — stable_token pre-rotates 5 minutes before expiry, so a normal-mode call then
 * returns the next token — and at most one forced refresh per 30 s per app (§6.2 "≥ 30 s apart").
 */

export const REFRESH_MARGIN_SECONDS = 300;
export const FORCE_SPACING_MS = 30_000;

/**
 * The refresh time for a token fetched at `fetchedAt` with `expiresInSeconds` left. The margin is
 * capped at half the lifetime so that an unusually short `expires_in` (≤ 300 s, never documented)
 * still gives the token some use instead of a refresh on every request.
 */
export function refreshTimeFor(fetchedAt: Date, expiresInSeconds: number): Date {
  const margin = Math.min(REFRESH_MARGIN_SECONDS, expiresInSeconds / 2);
  return new Date(fetchedAt.getTime() + (expiresInSeconds - margin) * 1000);
}

/** Milliseconds until another forced refresh is allowed (0 when it is allowed now). */
export function forceRefreshWaitMs(lastForcedAt: Date | null, now: Date): number {
  if (lastForcedAt === null) return 0;
  return Math.max(0, lastForcedAt.getTime() + FORCE_SPACING_MS - now.getTime());
}
