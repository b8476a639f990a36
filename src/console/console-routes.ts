/**
 * The console at /console (ADR 0025): server-rendered pages over the admin API, as a
 * backend-for-frontend. The browser holds one httpOnly SameSite=Strict cookie; its session row holds the
 * tokens. Signing in goes through wxbridge's own authorization endpoint (a Lax cookie carries the sign-in
 * across WeChat's redirects); every POST carries the session's CSRF token. The session's tokens are
 * refreshed server-side as they near expiry (ADR 0025 addendum), so an admin works on undisturbed until
 * the idle timeout or the absolute lifetime; a GET that finds no session signs in again and comes back.
 */
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { hashToken } from '../accounts/admin-roles.ts';
import { dateOf, type Clock } from '../clock.ts';
import { escapeHtml, sendPage } from '../pages/html.ts';
import { pageLanguage } from '../pages/page-language.ts';
import { createAdminApiClient } from './admin-api-client.ts';
import { registerAppEditPages } from './app-routes.ts';
import { registerAppPages } from './apps-routes.ts';
import { registerAuditPages } from './audit-routes.ts';
import { registerClientEditPages } from './client-routes.ts';
import { registerClientPages } from './clients-routes.ts';
import { registerKeyPages } from './keys-routes.ts';
import { registerResourcePages } from './resources-routes.ts';
import { registerOverviewPages } from './overview-routes.ts';
import { CONSOLE_PREFIX } from './console-client.ts';
import { registerUserPages } from './users-routes.ts';
import type { ConsolePageDeps, ConsoleRequest } from './console-request.ts';
import { isCsrfTokenValid, type ConsoleSessions, type ConsoleTokens } from './console-sessions.ts';
import { authorizationUrl, endSessionUrl, exchangeCode, refreshTokens, type ExchangedTokens } from './console-sign-in.ts';
import { consoleReturnPath, DEFAULT_CONSOLE_PAGE } from './return-path.ts';
import { readFormBody } from './form-body.ts';
import { messagePage } from './pages/console-layout.ts';
import { consoleText } from './pages/console-text.ts';

export interface ConsoleDeps {
  readonly issuer: string;
  readonly adminAudience: string;
  readonly clock: Clock;
  readonly sessions: ConsoleSessions;
  /** Registers the console's client when missing or made for another issuer (run before every sign-in). */
  readonly ensureClient: () => Promise<void>;
  /** The first admin's invitation: checked before the sign-in, spent after it. */
  readonly invitations: { isRedeemable(tokenHash: string): Promise<boolean>; redeem(tokenHash: string, sub: string): Promise<boolean> };
}

const SESSION_COOKIE = 'wxbridge_console';
const SIGN_IN_COOKIE = 'wxbridge_console_sign_in';

export function createConsoleMiddleware(deps: ConsoleDeps): Middleware {
  const router = new Router({ prefix: CONSOLE_PREFIX });
  const secure = deps.issuer.startsWith('https:');
  const language = (ctx: Context) => pageLanguage(ctx.get('accept-language'));
  const setCookie = (ctx: Context, name: string, value: string | null, sameSite: 'strict' | 'lax'): void => {
    ctx.cookies.set(name, value, { httpOnly: true, sameSite, secure, path: CONSOLE_PREFIX, signed: false, overwrite: true });
  };
  const message = (ctx: Context, status: number, page: Parameters<typeof messagePage>[1]): void => { sendPage(ctx, status, messagePage(language(ctx), page)); };
  const signInLink = (ctx: Context): string => `<a class="button primary" href="/console/sign-in">${consoleText(language(ctx)).signIn}</a>`;

  /** What the session keeps of a token response; a refresh that returns no ID token keeps the previous one. */
  const sessionTokens = (tokens: ExchangedTokens, previousIdToken?: string): ConsoleTokens | undefined => {
    const idToken = tokens.idToken ?? previousIdToken;
    return idToken === undefined ? undefined : {
      accessToken: tokens.accessToken, idToken, refreshToken: tokens.refreshToken, accessTokenExpiresAt: deps.clock.now() + tokens.expiresIn * 1000,
    };
  };

  async function beginSignIn(ctx: Context, invitationHash: string | null, returnTo?: string): Promise<void> {
    await deps.ensureClient();
    const { cookie, state, verifier } = await deps.sessions.beginSignIn(invitationHash, returnTo ?? null);
    setCookie(ctx, SIGN_IN_COOKIE, cookie, 'lax');
    ctx.set('Cache-Control', 'no-store');
    ctx.redirect(authorizationUrl(deps.issuer, deps.adminAudience, { state, verifier }));
  }

  router.get('/', (ctx) => { ctx.redirect('/console/overview'); });
  // `?returnTo=/console/…` comes back there after the sign-in; anything else is ignored (return-path.ts).
  router.get('/sign-in', (ctx) => beginSignIn(ctx, null, consoleReturnPath(ctx.query['returnTo'])));
  router.get('/invite/:token', async (ctx) => {
    const tokenHash = hashToken(ctx.params['token'] ?? '');
    if (!(await deps.invitations.isRedeemable(tokenHash))) {
      const text = consoleText(language(ctx));
      message(ctx, 410, { title: text.invitationTitle, message: text.invitation, failure: 'invitation' });
      return;
    }
    await beginSignIn(ctx, tokenHash);
  });

  router.get('/callback', async (ctx) => {
    const text = consoleText(language(ctx));
    const transaction = await deps.sessions.takeSignIn(ctx.cookies.get(SIGN_IN_COOKIE));
    setCookie(ctx, SIGN_IN_COOKIE, null, 'lax');
    const code = typeof ctx.query['code'] === 'string' ? ctx.query['code'] : undefined;
    const exchanged = transaction === undefined || code === undefined || ctx.query['state'] !== transaction.state
      ? undefined : await exchangeCode(deps.issuer, deps.adminAudience, code, transaction.verifier);
    const tokens = exchanged === undefined ? undefined : sessionTokens(exchanged);
    if (transaction === undefined || exchanged === undefined || tokens === undefined) {
      message(ctx, 400, { title: text.signInFailedTitle, message: text.signInFailed, failure: 'sign-in', actions: signInLink(ctx) });
      return;
    }
    if (transaction.invitationHash !== null) await deps.invitations.redeem(transaction.invitationHash, exchanged.sub);
    const { cookie } = await deps.sessions.signIn(exchanged.sub, tokens);
    // Checked again on the way out, though only a checked path was stored (return-path.ts).
    const destination = consoleReturnPath(transaction.returnTo) ?? DEFAULT_CONSOLE_PAGE;
    const href = escapeHtml(destination);
    setCookie(ctx, SESSION_COOKIE, cookie, 'strict');
    // A SameSite=Strict cookie set at the end of a redirect chain that began on WeChat's site is not sent
    // on the chain's next hop; a navigation started by this page is same-site, so it is.
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'html';
    ctx.body = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${href}"><title>wxbridge console</title></head><body><main><a href="${href}">wxbridge console</a></main></body></html>`;
    ctx.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
  });

  router.get('/signed-out', (ctx) => {
    const text = consoleText(language(ctx));
    message(ctx, 200, { title: text.signedOutTitle, message: text.signedOut, failure: 'signed-out', actions: signInLink(ctx) });
  });

  /** The signed-in admin of this request (its tokens refreshed when near expiry), or undefined after sending the browser to sign in. */
  async function signedIn(ctx: Context): Promise<ConsoleRequest | undefined> {
    const cookie = ctx.cookies.get(SESSION_COOKIE);
    const session = await deps.sessions.find(cookie, async (current) => {
      const refreshed = await refreshTokens(deps.issuer, deps.adminAudience, current.refreshToken);
      return refreshed === undefined ? undefined : sessionTokens(refreshed, current.idToken);
    });
    if (session === undefined) {
      if (ctx.method === 'GET') await beginSignIn(ctx, null, consoleReturnPath(ctx.url));
      else message(ctx, 403, { title: consoleText(language(ctx)).refusedTitle, message: consoleText(language(ctx)).refused, failure: 'csrf', actions: signInLink(ctx) });
      return undefined;
    }
    return {
      session,
      api: createAdminApiClient(deps.adminAudience, session.tokens.accessToken),
      async refusedAccess(answer) {
        if (answer.status === 401) {
          await deps.sessions.end(cookie);
          await beginSignIn(ctx, null, ctx.method === 'GET' ? consoleReturnPath(ctx.url) : undefined);
          return true;
        }
        if (answer.status !== 403) return false;
        // The role is gone (or never was): the console session ends here (ADR 0025).
        await deps.sessions.end(cookie);
        setCookie(ctx, SESSION_COOKIE, null, 'strict');
        const text = consoleText(language(ctx));
        message(ctx, 403, {
          title: text.noAccessTitle, message: text.noAccess, failure: 'no-access',
          actions: `<p>${text.yourSub}: <code data-sub>${session.accountId}</code></p><a class="button" href="${endSessionUrl(deps.issuer, session.tokens.idToken).replace(/&/g, '&amp;')}">${text.signOutEverywhere}</a>`,
        });
        return true;
      },
    };
  }

  /** A state-changing form: same-origin (Fetch Metadata) and the session's CSRF token, else 403. */
  async function checkedForm(ctx: Context, request: ConsoleRequest): Promise<URLSearchParams | undefined> {
    const form = await readFormBody(ctx);
    const site = ctx.get('sec-fetch-site');
    if ((site !== '' && site !== 'same-origin') || !isCsrfTokenValid(request.session, form.get('csrf'))) {
      const text = consoleText(language(ctx));
      message(ctx, 403, { title: text.refusedTitle, message: text.refused, failure: 'csrf' });
      return undefined;
    }
    return form;
  }

  async function signedInForm(ctx: Context): Promise<{ request: ConsoleRequest; form: URLSearchParams } | undefined> {
    const request = await signedIn(ctx);
    if (request === undefined) return undefined;
    const form = await checkedForm(ctx, request);
    return form === undefined ? undefined : { request, form };
  }

  router.post('/sign-out', async (ctx) => {
    const posted = await signedInForm(ctx);
    if (posted === undefined) return;
    const { request } = posted;
    await deps.sessions.end(ctx.cookies.get(SESSION_COOKIE));
    setCookie(ctx, SESSION_COOKIE, null, 'strict');
    ctx.status = 303;
    ctx.redirect(endSessionUrl(deps.issuer, request.session.tokens.idToken));
  });

  // One registration per section (src/console/pages/console-layout.ts CONSOLE_SECTIONS).
  const pageDeps: ConsolePageDeps = { signedIn, signedInForm, language, now: () => dateOf(deps.clock), adminAudience: deps.adminAudience };
  for (const register of [registerOverviewPages, registerAppPages, registerAppEditPages, registerClientPages, registerClientEditPages, registerResourcePages, registerKeyPages, registerUserPages, registerAuditPages]) register(router, pageDeps);

  const routes = router.routes() as unknown as Middleware;
  const methods = router.allowedMethods() as unknown as Middleware;
  return async (ctx, next) => {
    if (ctx.path !== CONSOLE_PREFIX && !ctx.path.startsWith(`${CONSOLE_PREFIX}/`)) {
      await next();
      return;
    }
    ctx.set('Cache-Control', 'no-store');
    await routes(ctx, async () => { await methods(ctx, next); });
  };
}
