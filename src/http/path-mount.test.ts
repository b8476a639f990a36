import type { Context, Middleware, Next } from 'koa';
import { describe, expect, it } from 'vitest';
import { underPaths } from './path-mount.ts';

/** Runs `middleware` for `path` and says which steps ran, in order. */
async function stepsFor(middleware: Middleware, path: string): Promise<string[]> {
  const steps: string[] = [];
  const ctx = { path, steps } as unknown as Context;
  await middleware(ctx, (() => { steps.push('next'); return Promise.resolve(); }) as Next);
  return steps;
}

const step = (name: string): Middleware => async (ctx, next) => {
  (ctx as unknown as { steps: string[] }).steps.push(name);
  await next();
};

describe('underPaths', () => {
  const mounted = underPaths(['/me', '/healthz'], step('first'), step('second'));

  it('runs the middleware, in order, for a prefix itself and the paths below it, then what follows', async () => {
    for (const path of ['/me', '/me/', '/me/phone', '/me/web-sign-ins/scene/confirm', '/healthz']) {
      expect(await stepsFor(mounted, path)).toEqual(['first', 'second', 'next']);
    }
  });

  it('passes every other path straight on, including ones that only start with the same letters', async () => {
    for (const path of ['/token', '/jwks', '/meta', '/mee', '/healthzz', '/', '/admin/v1/me']) {
      expect(await stepsFor(mounted, path)).toEqual(['next']);
    }
  });

  it('lets a middleware answer without calling what follows', async () => {
    const answering = underPaths(['/me'], async (ctx) => { (ctx as unknown as { steps: string[] }).steps.push('answered'); await Promise.resolve(); }, step('never'));
    expect(await stepsFor(answering, '/me/export')).toEqual(['answered']);
  });
});
