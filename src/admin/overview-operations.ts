/** The Overview (issue 14) for the admin API and the CLI: one window check, so both refuse the same way. */
import { z } from 'zod';
import type { OverviewReport, OverviewReports } from '../overview/overview-report.ts';
import { parseOrThrow } from '../validation.ts';

/** Minutes of the window: one to a day (the retention of WeChat call counts is 7 days). */
export const OVERVIEW_MINUTES = { min: 1, max: 1440, default: 60 } as const;

const Minutes = z.number().int(`must be a whole number from ${OVERVIEW_MINUTES.min} to ${OVERVIEW_MINUTES.max}`)
  .min(OVERVIEW_MINUTES.min, `must be a whole number from ${OVERVIEW_MINUTES.min} to ${OVERVIEW_MINUTES.max}`)
  .max(OVERVIEW_MINUTES.max, `must be a whole number from ${OVERVIEW_MINUTES.min} to ${OVERVIEW_MINUTES.max}`);

export function overviewOperations(reports: OverviewReports) {
  return {
    /** The last `minutes` minutes, the current one included. */
    show: (minutes: number = OVERVIEW_MINUTES.default): Promise<OverviewReport> =>
      reports.report(parseOrThrow(z.object({ minutes: Minutes }), { minutes }, 'request.invalid').minutes),
  };
}
