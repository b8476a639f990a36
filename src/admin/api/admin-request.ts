/** Shared edges of the admin API: JSON bodies parsed with zod, list pagination, the caller's services. */
import type { Context } from 'koa';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { readJsonBody } from '../../http/json-body.ts';
import { parseOrThrow } from '../../validation.ts';
import type { AdminServices } from '../admin-services.ts';
import type { AdminActor } from '../audited.ts';
import type { Page } from '../admin-operations.ts';

/** Admin bodies are small; a larger body is refused before it is read (test-catalogue A-09). */
const BODY_LIMIT_BYTES = 16 * 1024;

export async function readBody<Schema extends z.ZodType>(ctx: Context, schema: Schema): Promise<z.output<Schema>> {
  return parseOrThrow(schema, await readJsonBody(ctx, BODY_LIMIT_BYTES), 'request.invalid');
}

/** The admin services acting as the authenticated admin client (every change is audited under it). */
export function servicesFor(ctx: Context, services: AdminServices): AdminServices {
  return services.as(ctx.state['adminActor'] as AdminActor);
}

const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(512).optional(),
});

export function pageOf(ctx: Context): Page {
  return parseOrThrow(PageQuery, { limit: queryParam(ctx, 'limit'), cursor: queryParam(ctx, 'cursor') }, 'request.invalid');
}

/** One value of a query parameter; a repeated parameter is refused rather than guessed. */
export function queryParam(ctx: Context, name: string): string | undefined {
  const value = ctx.query[name];
  if (Array.isArray(value)) throw new AppError('request.invalid', `${name}: give it at most once`);
  return value;
}

/** Fetches one row more than asked to know whether a next page exists; the cursor is the last key. */
export async function paginate<T>(page: Page, fetch: (page: Page) => Promise<T[]>, keyOf: (item: T) => string): Promise<{ items: T[]; nextCursor: string | null }> {
  const rows = await fetch({ limit: page.limit + 1, cursor: page.cursor });
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > page.limit && last !== undefined ? keyOf(last) : null };
}
