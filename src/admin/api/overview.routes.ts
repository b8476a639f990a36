/** GET /admin/v1/overview?minutes=60 (issue 14): logins, WeChat errors per minute and key ages, for the console's Overview. */
import type Router from '@koa/router';
import { AppError } from '../../errors.ts';
import type { AdminServices } from '../admin-services.ts';
import { OVERVIEW_MINUTES } from '../overview-operations.ts';
import { queryParam, servicesFor } from './admin-request.ts';

export function registerOverviewRoutes(router: Router, services: AdminServices): void {
  router.get('/overview', async (ctx) => {
    const minutes = queryParam(ctx, 'minutes');
    // Digits only: `1e3`, `60.5` or ` 60` are refused rather than read as a number.
    if (minutes !== undefined && !/^\d{1,9}$/.test(minutes)) {
      throw new AppError('request.invalid', `minutes: must be a whole number from ${OVERVIEW_MINUTES.min} to ${OVERVIEW_MINUTES.max}`);
    }
    ctx.body = await servicesFor(ctx, services).overview.show(minutes === undefined ? undefined : Number(minutes));
  });
}
