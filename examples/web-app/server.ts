/**
 * The web-app example against the sandbox (README "Sign in on the web"):
 *   terminal 1: npm start
 *   terminal 2: npx node examples/web-app/server.ts     then open http://localhost:3001
 * WXBRIDGE_ISSUER, CLIENT_ID, CLIENT_SECRET (for a --web client) and PORT override the sandbox defaults.
 */
import { createWebApp } from './app.ts';

const port = Number(process.env['PORT'] ?? 3001);
const server = await createWebApp({
  issuer: process.env['WXBRIDGE_ISSUER'] ?? 'http://localhost:3000',
  clientId: process.env['CLIENT_ID'] ?? 'sandbox-web',
  clientSecret: process.env['CLIENT_SECRET'],
  origin: `http://localhost:${port}`,
});
server.listen(port, () => {
  console.log(`web-app on http://localhost:${port}`);
});
