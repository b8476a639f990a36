/**
 * Two tiny resource servers protected by the verifier's middlewares, on real sockets: one koa app
 * and one express-style stack on a bare node:http server (express itself is not a dependency).
 * Both parse form and JSON bodies first, like an API with a body parser would, and serve
 * GET|POST /read (scope read) and /write (scope write), answering `{ sub, scope }`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import Koa from 'koa';
import { afterAll } from 'vitest';
import { expressBearerAuth, koaBearerAuth, type AccessTokenClaims, type ExpressLikeRequest, type Verifier } from '../../packages/verifier/src/index.ts';

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString();
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  if (type.startsWith('application/json') && text !== '') return JSON.parse(text) as unknown;
  return undefined;
}

const scopeOf = (path: string): string => (path.startsWith('/write') ? 'write' : 'read');
const answer = (claims: AccessTokenClaims): string => JSON.stringify({ sub: claims.sub, scope: claims.scope });

export function koaApi(verifier: Verifier): Koa {
  const app = new Koa();
  app.use(async (ctx, next) => {
    (ctx.request as { body?: unknown }).body = await readBody(ctx.req);
    await next();
  });
  const read = koaBearerAuth(verifier, { scopes: ['read'] });
  const write = koaBearerAuth(verifier, { scopes: ['write'] });
  app.use(async (ctx, next) => (scopeOf(ctx.path) === 'write' ? write(ctx, next) : read(ctx, next)));
  app.use((ctx) => {
    ctx.type = 'json';
    ctx.body = answer(ctx.state['auth'] as AccessTokenClaims);
  });
  return app;
}

/** An express-style stack: body parser, then the middleware, then the handler, via (req, res, next). */
export function expressStyleApi(verifier: Verifier): (req: IncomingMessage, res: ServerResponse) => void {
  const read = expressBearerAuth(verifier, { scopes: ['read'] });
  const write = expressBearerAuth(verifier, { scopes: ['write'] });
  return (incoming, res) => {
    const fail = (error: unknown): void => { res.statusCode = 500; res.end(String(error)); };
    readBody(incoming).then((body) => {
      const req = Object.assign(incoming, { body }) as IncomingMessage & ExpressLikeRequest;
      const auth = scopeOf(req.url ?? '') === 'write' ? write : read;
      auth(req, res, (error) => {
        if (error !== undefined) { fail(error); return; }
        res.setHeader('content-type', 'application/json');
        res.end(answer(req.auth as AccessTokenClaims));
      });
    }, fail);
  };
}

/** Listens on 127.0.0.1 and closes after the file; returns the base URL. */
export async function serve(listener: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>): Promise<string> {
  // Koa's callback answers its own errors; nothing is left to await.
  const server: Server = createServer((req, res) => { void listener(req, res); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterAll(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => { resolve(); }); }));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}
