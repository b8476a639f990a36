/** An HTML form post (application/x-www-form-urlencoded), size-capped like every body (test-catalogue H-02). */
import type { Context } from 'koa';
import { AppError } from '../errors.ts';

const LIMIT_BYTES = 16 * 1024;

export async function readFormBody(ctx: Context): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) throw new AppError('request.invalid', 'expected a form post');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > LIMIT_BYTES) throw new AppError('request.too_large', `body exceeds ${LIMIT_BYTES} bytes`);
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
