/**
 * A minimal resource server for wxbridge's sandbox (README "For backend services"): GET /orders
 * needs scope demo:read, POST /orders demo:write, both for the sandbox resource server.
 *   terminal 1: npm start
 *   terminal 2: npx node examples/koa-api/server.ts      (WXBRIDGE_ISSUER, PORT to override)
 */
import Router from '@koa/router';
import Koa from 'koa';
import { createVerifier, koaBearerAuth, type AuthState } from '@wxbridge/verifier';

const issuer = process.env['WXBRIDGE_ISSUER'] ?? 'http://localhost:3000';
const port = Number(process.env['PORT'] ?? 4000);
const verifier = createVerifier({ issuer, audience: 'https://api.sandbox.wxbridge.test' });

const router = new Router<AuthState>();
router.get('/orders', koaBearerAuth(verifier, { scopes: ['demo:read'] }), (ctx) => {
  ctx.body = { owner: ctx.state.auth.sub, scope: ctx.state.auth.scope, orders: [] };
});
router.post('/orders', koaBearerAuth(verifier, { scopes: ['demo:write'] }), (ctx) => {
  ctx.status = 201;
  ctx.body = { owner: ctx.state.auth.sub, id: crypto.randomUUID() };
});

const app = new Koa<AuthState>();
app.use(router.routes()).use(router.allowedMethods());
app.listen(port, () => {
  console.log(`koa-api on http://localhost:${port} trusting ${issuer}`);
});
