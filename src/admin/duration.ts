/** Durations on the command line (`--delay 1h`, `--overlap 30m`): a number with s, m, h or d; a bare number is seconds. */
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** Seconds, or undefined when `text` is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,7})(s|m|h|d)?$/.exec(text.trim());
  if (match?.[1] === undefined) return undefined;
  const unit = (match[2] ?? 's') as keyof typeof UNIT_SECONDS;
  return Number(match[1]) * UNIT_SECONDS[unit];
}

export function formatDuration(seconds: number): string {
  if (seconds % 86_400 === 0 && seconds > 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0 && seconds > 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0 && seconds > 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
