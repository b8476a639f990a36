/** Reads a JSON request body with a size cap (test-catalogue H-02): too large → 413, not JSON or not storable → 400. */
import type { Context } from 'koa';
import { hasUnstorableText, UNSTORABLE_INPUT_MESSAGE } from '../db/storable-text.ts';
import { AppError } from '../errors.ts';

export async function readJsonBody(ctx: Context, limitBytes = 64 * 1024): Promise<unknown> {
  if (!ctx.is('application/json')) throw new AppError('request.invalid', 'Content-Type must be application/json');
  const declared = Number(ctx.get('Content-Length') || '0');
  if (declared > limitBytes) throw new AppError('request.too_large', `body exceeds ${limitBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new AppError('request.too_large', `body exceeds ${limitBytes} bytes`);
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new AppError('request.invalid', 'body is not valid JSON');
  }
  // Refused before any query (issue #15 finding 2): PostgreSQL text and jsonb can't hold these.
  if (hasUnstorableText(body)) throw new AppError('request.invalid', UNSTORABLE_INPUT_MESSAGE);
  return body;
}
