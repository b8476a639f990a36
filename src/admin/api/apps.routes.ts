/** /admin/v1/apps: WeChat apps. The AppSecret is write-only: accepted in bodies, never returned. */
import type Router from '@koa/router';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { AdminServices } from '../admin-services.ts';
import { pageOf, paginate, readBody, servicesFor } from './admin-request.ts';

const AppBody = z.strictObject({
  kind: z.string(),
  secret: z.string(),
  name: z.string().optional(),
  openPlatformId: z.string().optional(),
  webSignInPage: z.string().optional(),
});

/** PATCH: the fields an edit may change (null clears); the secret has its own route. */
const AppUpdateBody = z.strictObject({ name: z.string().nullable().optional(), openPlatformId: z.string().nullable().optional(), webSignInPage: z.string().nullable().optional() });
const RotateSecretBody = z.strictObject({ secret: z.string() });

export function registerAppRoutes(router: Router, services: AdminServices): void {
  router.get('/apps', async (ctx) => {
    const admin = servicesFor(ctx, services);
    ctx.body = await paginate(pageOf(ctx), (page) => admin.apps.list(page), (app) => app.appId);
  });
  router.get('/apps/:appId', async (ctx) => {
    const appId = ctx.params['appId'] ?? '';
    const app = await servicesFor(ctx, services).apps.find(appId);
    if (app === null) throw new AppError('wechat.app_unknown', `no WeChat app ${appId.slice(0, 64)}`);
    ctx.body = app;
  });
  router.put('/apps/:appId', async (ctx) => {
    const body = await readBody(ctx, AppBody);
    ctx.body = await servicesFor(ctx, services).apps.upsert({ ...body, appId: ctx.params['appId'] ?? '' } as Parameters<AdminServices['apps']['upsert']>[0]);
  });
  router.post('/apps', async (ctx) => {
    const body = await readBody(ctx, AppBody.extend({ appId: z.string() }));
    ctx.body = await servicesFor(ctx, services).apps.upsert(body as Parameters<AdminServices['apps']['upsert']>[0]);
  });
  router.patch('/apps/:appId', async (ctx) => {
    const body = await readBody(ctx, AppUpdateBody);
    ctx.body = await servicesFor(ctx, services).apps.update(ctx.params['appId'] ?? '', body);
  });
  router.post('/apps/:appId/rotate-secret', async (ctx) => {
    const { secret } = await readBody(ctx, RotateSecretBody);
    ctx.body = await servicesFor(ctx, services).apps.rotateSecret(ctx.params['appId'] ?? '', secret);
  });
  router.post('/apps/:appId/check', async (ctx) => {
    ctx.body = await servicesFor(ctx, services).apps.check(ctx.params['appId'] ?? '');
  });
  router.delete('/apps/:appId', async (ctx) => {
    await servicesFor(ctx, services).apps.remove(ctx.params['appId'] ?? '');
    ctx.status = 204;
  });
}
