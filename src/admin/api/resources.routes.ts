/** /admin/v1/resources: resource servers (access-token audiences); the URI is path-encoded. */
import type Router from '@koa/router';
import { z } from 'zod';
import type { ResourceServerInput, ResourceServerUpdate } from '../../clients/resource-server-registry.ts';
import type { AdminServices } from '../admin-services.ts';
import { pageOf, paginate, readBody, servicesFor } from './admin-request.ts';

const AddBody = z.strictObject({ uri: z.string(), scopes: z.string(), accessTokenTtl: z.number().optional(), signingAlg: z.string().optional() });
const UpdateBody = z.strictObject({ scopes: z.string().optional(), accessTokenTtl: z.number().optional(), signingAlg: z.string().optional() });

export function registerResourceRoutes(router: Router, services: AdminServices): void {
  router.get('/resources', async (ctx) => {
    const admin = servicesFor(ctx, services);
    ctx.body = await paginate(pageOf(ctx), (page) => admin.resourceServers.list(page), (server) => server.uri);
  });
  router.get('/resources/:uri', async (ctx) => {
    ctx.body = await servicesFor(ctx, services).resourceServers.get(ctx.params['uri'] ?? '');
  });
  router.post('/resources', async (ctx) => {
    const body = await readBody(ctx, AddBody);
    ctx.status = 201;
    ctx.body = await servicesFor(ctx, services).resourceServers.add(body as ResourceServerInput);
  });
  router.patch('/resources/:uri', async (ctx) => {
    const body = await readBody(ctx, UpdateBody);
    ctx.body = await servicesFor(ctx, services).resourceServers.update(ctx.params['uri'] ?? '', body as ResourceServerUpdate);
  });
  router.delete('/resources/:uri', async (ctx) => {
    await servicesFor(ctx, services).resourceServers.remove(ctx.params['uri'] ?? '');
    ctx.status = 204;
  });
}
