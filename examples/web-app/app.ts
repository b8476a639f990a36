/**
 * A small web application that signs in with wxbridge (README "Sign in on the web"): openid-client as
 * an unmodified relying party — discovery, authorization code + PKCE S256, state and nonce checked,
 * the ID token's claims shown, RP-initiated logout. Sessions are kept in memory (an example).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import * as oidc from 'openid-client';

export interface WebAppOptions {
  readonly issuer: string;
  readonly clientId: string;
  /** Absent for a public (spa-kind) client such as the sandbox's `sandbox-web`. */
  readonly clientSecret?: string | undefined;
  /** Where this app is reached, e.g. http://localhost:3001 (its /callback is the registered redirect URI). */
  readonly origin: string;
}

interface Session { pending?: { verifier: string; state: string; nonce: string }; claims?: oidc.IDToken | undefined; idToken?: string | undefined }

const escape = (value: string): string => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'" });
  res.end(`<!doctype html><html lang="en"><title>wxbridge web-app example</title><main>${body}</main></html>`);
}

export async function createWebApp(options: WebAppOptions): Promise<Server> {
  const insecure = options.issuer.startsWith('http://');
  const config = await oidc.discovery(new URL(options.issuer), options.clientId, options.clientSecret, options.clientSecret === undefined ? oidc.None() : undefined, {
    // Only for the sandbox's plain-http issuer on this machine; a real issuer is https.
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the sandbox issuer is http://localhost
    ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
  });
  const sessions = new Map<string, Session>();
  const redirectUri = `${options.origin}/callback`;

  function sessionOf(req: IncomingMessage, res: ServerResponse): Session {
    const id = /(?:^|;\s*)sid=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? '')?.[1];
    const existing = id === undefined ? undefined : sessions.get(id);
    if (existing !== undefined) return existing;
    const fresh = randomBytes(24).toString('base64url');
    const session: Session = {};
    sessions.set(fresh, session);
    res.setHeader('set-cookie', `sid=${fresh}; HttpOnly; SameSite=Lax; Path=/${insecure ? '' : '; Secure'}`);
    return session;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', options.origin);
    const session = sessionOf(req, res);
    if (url.pathname === '/login') {
      const pending = { verifier: oidc.randomPKCECodeVerifier(), state: oidc.randomState(), nonce: oidc.randomNonce() };
      session.pending = pending;
      const target = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri, scope: 'openid profile', state: pending.state, nonce: pending.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier), code_challenge_method: 'S256',
      });
      res.writeHead(302, { location: target.href }).end();
      return;
    }
    if (url.pathname === '/callback') {
      const pending = session.pending;
      delete session.pending;
      if (pending === undefined) { page(res, '<p>No sign-in in progress. <a href="/login">Sign in</a></p>'); return; }
      const tokens = await oidc.authorizationCodeGrant(config, url, { pkceCodeVerifier: pending.verifier, expectedState: pending.state, expectedNonce: pending.nonce });
      session.claims = tokens.claims();
      session.idToken = tokens.id_token;
      res.writeHead(302, { location: '/' }).end();
      return;
    }
    if (url.pathname === '/logout' && session.idToken !== undefined) {
      const target = oidc.buildEndSessionUrl(config, { id_token_hint: session.idToken, post_logout_redirect_uri: `${options.origin}/` });
      delete session.claims;
      delete session.idToken;
      res.writeHead(302, { location: target.href }).end();
      return;
    }
    if (session.claims === undefined) { page(res, '<h1>Not signed in</h1><p><a id="login" href="/login">Sign in with WeChat</a></p>'); return; }
    page(res, `<h1>Signed in</h1><p>sub: <code id="sub">${escape(session.claims.sub)}</code></p><p><a id="logout" href="/logout">Sign out</a></p>`);
  }

  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end(`sign-in failed: ${error instanceof Error ? error.message : 'unknown error'}`);
    });
  });
}
