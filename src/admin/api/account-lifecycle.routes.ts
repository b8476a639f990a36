/**
 * /admin/v1 account lifecycle (issue 17 #3–#5): merge two accounts, delete one, export one's data,
 * and a WeChat app's account settings (link by verified phone, late-unionid conflicts).
 */
import type Router from '@koa/router';
import { z } from 'zod';
import type { AdminServices } from '../admin-services.ts';
import { readBody, servicesFor } from './admin-request.ts';

const MergeBody = z.strictObject({ into: z.string().max(64) });
const AccountSettingsBody = z.strictObject({ linkByVerifiedPhone: z.boolean().optional(), unionIdConflict: z.string().optional(), newAccountsAllowed: z.boolean().optional() });

export function registerAccountLifecycleRoutes(router: Router, services: AdminServices): void {
  router.post('/users/:sub/merge', async (ctx) => {
    const { into } = await readBody(ctx, MergeBody);
    ctx.body = await servicesFor(ctx, services).users.merge(ctx.params['sub'] ?? '', into);
  });
  router.delete('/users/:sub', async (ctx) => {
    const { pseudonym } = await servicesFor(ctx, services).users.delete(ctx.params['sub'] ?? '');
    ctx.body = { deleted: true, auditPseudonym: pseudonym };
  });
  router.get('/users/:sub/export', async (ctx) => {
    ctx.body = await servicesFor(ctx, services).users.export(ctx.params['sub'] ?? '');
  });
  router.patch('/apps/:appId/account-settings', async (ctx) => {
    const body = await readBody(ctx, AccountSettingsBody);
    ctx.body = await servicesFor(ctx, services).apps.updateAccountSettings(ctx.params['appId'] ?? '', body as Parameters<AdminServices['apps']['updateAccountSettings']>[1]);
  });
}
