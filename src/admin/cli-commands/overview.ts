/** `wxbridge overview [--minutes 60]` (issue 14): what the console's Overview shows, as text or --json (the admin API's answer). */
import type { OverviewReport } from '../../overview/overview-report.ts';
import { OVERVIEW_MINUTES } from '../overview-operations.ts';
import { integer, table, wholeNumber, type Command } from './command.ts';

const counts = (byKey: Readonly<Record<string, number>>): string =>
  Object.entries(byKey).map(([key, count]) => `${key}=${count}`).join(' ');

function describe(report: OverviewReport): string {
  const failures = Object.values(report.loginTotals.failures).reduce((sum, n) => sum + n, 0);
  const busy = report.logins.filter((m) => m.successes > 0 || Object.keys(m.failures).length > 0);
  const erring = report.wechatCalls.filter((m) => Object.keys(m.errors).length > 0);
  return [
    `logins ${report.since} – ${report.until} (${report.minutes} min): ${report.loginTotals.successes} succeeded, ${failures} failed${failures === 0 ? '' : ` (${counts(report.loginTotals.failures)})`}`,
    table(busy.map((m) => [m.minute, `ok=${m.successes}`, counts(m.failures)]), '  (no login in the window)'),
    `WeChat errors: ${report.wechatErrors.length === 0 ? 'none' : report.wechatErrors.map((e) => `${e.errcode}=${e.count}`).join(' ')}`,
    table(erring.map((m) => [m.minute, `calls=${m.calls}`, counts(m.errors)]), '  (no WeChat error in the window)'),
    'signing keys:',
    table(report.keys.map((k) => [k.kid, k.alg, k.status, `${k.ageDays} days`, `created ${k.createdAt}`]), '  (no keys yet: they are generated on first start)'),
  ].join('\n');
}

export const OVERVIEW_COMMANDS: Readonly<Record<string, Command>> = {
  overview: {
    usage: 'overview [--minutes 60]',
    summary: 'logins and failures per minute by reason, WeChat errors per minute by errcode, signing-key ages',
    options: { minutes: { type: 'string' } },
    checks: { minutes: wholeNumber(OVERVIEW_MINUTES) },
    async run(ctx) {
      const report = await ctx.services.overview.show(integer(ctx, 'minutes', OVERVIEW_MINUTES) ?? OVERVIEW_MINUTES.default);
      ctx.out.result(report, describe(report));
    },
  },
};
