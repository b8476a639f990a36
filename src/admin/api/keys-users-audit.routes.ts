/** /admin/v1/keys, /users and /audit: key rotation, account status, the audit log with filters. */
import type Router from '@koa/router';
import { z } from 'zod';
import { AUDIT_OUTCOMES } from '../../audit/audit-log.ts';
import { SIGNING_ALGORITHMS } from '../../keys/signing-algorithms.ts';
import { parseOrThrow } from '../../validation.ts';
import type { AdminServices } from '../admin-services.ts';
import { queryParam, readBody, servicesFor } from './admin-request.ts';

const RotateBody = z.strictObject({ delaySeconds: z.number().optional(), algs: z.array(z.enum(SIGNING_ALGORITHMS)).min(1).optional() });

/** `q`: a sub, an openid, a unionid or a phone number (E.164), matched exactly. */
const UserQuery = z.object({ q: z.string().trim().min(1, 'a sub, openid, unionid or phone number is required').max(128) });
const SEARCH_LIMIT = 20;

const BIGINT_MAX = 9_223_372_036_854_775_807n;

const ISO_TIME = 'must be an ISO 8601 time with its offset, e.g. 2026-11-30T08:00:00Z';

const AuditQuery = z.object({
  action: z.string().max(64).optional(),
  actor: z.string().max(160).optional(),
  clientId: z.string().max(128).optional(),
  accountId: z.string().max(64).optional(),
  // The console's outcome filter (issue 14 #3); the column holds only these two words.
  outcome: z.enum(AUDIT_OUTCOMES, { error: 'must be success or failure' }).optional(),
  since: z.iso.datetime({ offset: true, error: ISO_TIME }).transform((s) => new Date(s)).optional(),
  until: z.iso.datetime({ offset: true, error: ISO_TIME }).transform((s) => new Date(s)).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(/^[0-9]{1,19}$/, 'must be an id from nextCursor')
    // ids are PostgreSQL bigints: a larger number is a client's mistake, not a 500 (issue #15 finding 8).
    // (zod runs the refinement after a failed regex too: only digits reach BigInt.)
    .refine((s) => !/^[0-9]+$/.test(s) || BigInt(s) <= BIGINT_MAX, 'must be an id from nextCursor').optional(),
});

export function registerKeyUserAuditRoutes(router: Router, services: AdminServices): void {
  router.get('/keys', async (ctx) => {
    ctx.body = { items: await servicesFor(ctx, services).keys.list(), nextCursor: null };
  });
  router.post('/keys/rotate', async (ctx) => {
    const body = ctx.request.length === 0 ? {} : await readBody(ctx, RotateBody);
    ctx.body = { created: await servicesFor(ctx, services).keys.rotate(body) };
  });
  router.get('/users', async (ctx) => {
    const { q } = parseOrThrow(UserQuery, { q: queryParam(ctx, 'q') }, 'request.invalid');
    // Exact identifiers find a handful of accounts at most: one page, no cursor.
    ctx.body = { items: await servicesFor(ctx, services).users.search(q, SEARCH_LIMIT), nextCursor: null };
  });
  router.get('/users/:sub', async (ctx) => {
    ctx.body = await servicesFor(ctx, services).users.show(ctx.params['sub'] ?? '');
  });
  router.post('/users/:sub/disable', async (ctx) => {
    ctx.body = await servicesFor(ctx, services).users.disable(ctx.params['sub'] ?? '');
  });
  router.post('/users/:sub/enable', async (ctx) => {
    ctx.body = await servicesFor(ctx, services).users.enable(ctx.params['sub'] ?? '');
  });
  router.post('/users/:sub/sign-out', async (ctx) => {
    ctx.body = await servicesFor(ctx, services).users.signOut(ctx.params['sub'] ?? '');
  });
  router.get('/audit', async (ctx) => {
    const filter = parseOrThrow(AuditQuery, {
      action: queryParam(ctx, 'action'), actor: queryParam(ctx, 'actor'), clientId: queryParam(ctx, 'client_id'),
      accountId: queryParam(ctx, 'account_id'), outcome: queryParam(ctx, 'outcome'), since: queryParam(ctx, 'since'), until: queryParam(ctx, 'until'),
      limit: queryParam(ctx, 'limit'), cursor: queryParam(ctx, 'cursor'),
    }, 'request.invalid');
    ctx.body = await servicesFor(ctx, services).audit.query(filter);
  });
}
