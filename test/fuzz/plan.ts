/**
 * The surfaces' names and CI run counts, free of vitest so that scripts/fuzz.ts can plan a run
 * without loading the harness; the surfaces (test/fuzz/*.ts) take their CI counts from here.
 */
export const CI_RUNS = {
  'token-endpoint': 400,
  'admin-api': 300,
  'admin-bearer': 250,
  'verifier-package': 400,
  'wechat-response': 150,
  'me-bodies': 100,
  'browser-endpoints': 100,
} as const;

export type SurfaceName = keyof typeof CI_RUNS;

export const SURFACE_NAMES = Object.keys(CI_RUNS) as SurfaceName[];

/** `total` cases split in proportion to `weights` (largest remainders), summing to exactly `total`. */
export function splitRuns(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const counts = exact.map(Math.floor);
  const byRemainder = exact.map((x, i) => ({ i, rest: x - Math.floor(x) })).sort((a, b) => b.rest - a.rest);
  const missing = total - counts.reduce((a, b) => a + b, 0);
  for (let k = 0; k < missing; k += 1) {
    const at = byRemainder[k % byRemainder.length]?.i ?? 0;
    counts[at] = (counts[at] ?? 0) + 1;
  }
  return counts;
}
