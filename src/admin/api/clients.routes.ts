/**
 * /admin/v1/clients: list, show, create (a confidential client's secret is in this one response
 * only), PATCH with the `version` read (409 when stale), secret rotation with an overlap, removal.
 */
import type Router from '@koa/router';
import { z } from 'zod';
import type { AdminServices } from '../admin-services.ts';
import { pageOf, readBody, servicesFor } from './admin-request.ts';

const Resources = z.record(z.string(), z.string());
/** A resource granted no scope ("") is refused unless this is true (issue 18 #9). */
const AllowUnscoped = z.boolean().optional();
const CreateBody = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('service'), clientId: z.string(), resources: Resources.optional(), defaultResource: z.string().optional(), allowUnscopedResources: AllowUnscoped }),
  z.strictObject({
    type: z.literal('miniprogram'), clientId: z.string(), wechatAppId: z.string(), scope: z.string().optional(),
    resources: Resources.optional(), defaultResource: z.string().optional(), allowUnscopedResources: AllowUnscoped,
  }),
  z.strictObject({ type: z.literal('admin'), clientId: z.string() }),
  ...(['web', 'spa'] as const).map((type) => z.strictObject({
    type: z.literal(type), clientId: z.string(), name: z.string().optional(), redirectUris: z.array(z.string()), postLogoutRedirectUris: z.array(z.string()).optional(),
    firstParty: z.boolean().optional(), scanAppId: z.string().optional(), scope: z.string().optional(), resources: Resources.optional(), defaultResource: z.string().optional(), allowUnscopedResources: AllowUnscoped,
  })),
]);
const UpdateBody = z.strictObject({
  version: z.number(), scope: z.string().optional(), resources: Resources.optional(), defaultResource: z.string().nullable().optional(), allowUnscopedResources: AllowUnscoped,
});
const RotateBody = z.strictObject({ overlapSeconds: z.number().optional() });

function registerClient(admin: AdminServices, body: Exclude<z.output<typeof CreateBody>, { type: 'admin' }>) {
  const { allowUnscopedResources, ...input } = body;
  return admin.clients.register(input, { allowUnscopedResources });
}

export function registerClientRoutes(router: Router, services: AdminServices): void {
  router.get('/clients', async (ctx) => {
    ctx.body = await servicesFor(ctx, services).clients.list(pageOf(ctx));
  });
  router.get('/clients/:clientId', async (ctx) => {
    ctx.body = await servicesFor(ctx, services).clients.show(ctx.params['clientId'] ?? '');
  });
  router.post('/clients', async (ctx) => {
    const body = await readBody(ctx, CreateBody);
    const admin = servicesFor(ctx, services);
    const created = body.type === 'admin' ? await admin.clients.registerAdmin(body.clientId) : await registerClient(admin, body);
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { client: await admin.clients.show(created.clientId), ...(created.clientSecret === undefined ? {} : { clientSecret: created.clientSecret }) };
  });
  router.patch('/clients/:clientId', async (ctx) => {
    const { allowUnscopedResources, ...patch } = await readBody(ctx, UpdateBody);
    ctx.body = await servicesFor(ctx, services).clients.update(ctx.params['clientId'] ?? '', patch, { allowUnscopedResources });
  });
  router.post('/clients/:clientId/rotate-secret', async (ctx) => {
    const body = ctx.request.length === 0 ? {} : await readBody(ctx, RotateBody);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await servicesFor(ctx, services).clients.rotateSecret(ctx.params['clientId'] ?? '', body);
  });
  router.delete('/clients/:clientId', async (ctx) => {
    await servicesFor(ctx, services).clients.remove(ctx.params['clientId'] ?? '');
    ctx.status = 204;
  });
}
