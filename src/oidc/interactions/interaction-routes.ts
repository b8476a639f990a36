/**
 * The browser side of the authorization endpoint (design.md §10, issue 13 #3–#4): oidc-provider sends
 * the browser to /interaction/:uid whenever it needs a sign-in or a consent; these routes show the
 * hosted page, send the person to WeChat with a single-use `state`, take WeChat's answer, map the
 * identity with the same rule as mini-program logins (src/accounts/), and hand the result back to the
 * provider. A new website / official-account identity, where a mini-program is configured, is first held
 * for "bind or register" (issue 17 #2, ADR 0027-bind-or-register). Every interaction is looked up through the browser's own signed interaction cookie, so a
 * link, a state or a code carried to another browser finds nothing (login CSRF, RFC 9700 §4.7).
 */
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import type { WeChatSignIn } from '../../accounts/wechat-sign-in.ts';
import type { Logger } from '../../logger.ts';
import { sendPage } from '../../pages/html.ts';
import { consentPage } from './pages/consent-page.ts';
import { errorPage, snapshotPage } from './pages/error-page.ts';
import { pageLanguage } from '../../pages/page-language.ts';
import type { FailureClass, SignInMethod } from './pages/page-text.ts';
import { signInPage } from './pages/sign-in-page.ts';
import { failureOf, statusOf } from './sign-in-failures.ts';
import { offeredMethods, wechatAuthorizeUrl, wechatScopeFor, type ConfiguredApps } from './sign-in-methods.ts';
import type { WeChatSignInStates } from './wechat-sign-in-states.ts';
import { createScanHandlers, type ScanDeps } from './miniprogram-scan.ts';
import type { PendingIdentities } from '../../web-sign-ins/pending-identities.ts';
import { bindPage } from './pages/bind-page.ts';
import { AppError } from '../../errors.ts';

export interface InteractionRouteDeps {
  readonly provider: Provider;
  readonly issuer: string;
  /** WeChat's browser origin (WXBRIDGE_WECHAT_OPEN_BASE_URL; the simulator in tests and the sandbox). */
  readonly openBaseUrl: string;
  /** The WeChat apps browsers may sign in with, read per request (an admin change applies at once). */
  /** The apps the page signs in with; `scanAppId`: the client's chosen mini-program (issue #13). */
  readonly configuredApps: (scanAppId?: string) => Promise<ConfiguredApps>;
  readonly signIn: Pick<WeChatSignIn, 'signInOrHold' | 'completeHeld'>;
  readonly states: WeChatSignInStates;
  readonly logger: Logger;
  /** "Scan with the mini-program": tickets and the codes that carry them. */
  readonly scan: Omit<ScanDeps, 'logger'>;
  /** Bind or register (issue 17 #2): new identities held for the person's choice, by interaction. */
  readonly pending: Pick<PendingIdentities, 'hold' | 'claim'>;
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

const UID = /^[A-Za-z0-9_-]{1,64}$/;
const WECHAT_METHODS = new Set<SignInMethod>(['website-qr', 'official-account']);

/** The routes as one ordinary Koa middleware (the router's is typed for a router context). */
export function createInteractionMiddleware(deps: InteractionRouteDeps): Middleware {
  const router = createInteractionRoutes(deps);
  const routes = compose(router.routes() as unknown as Middleware, router.allowedMethods() as unknown as Middleware);
  // Only its own paths meet the router: a token request is not matched against every interaction route (issue 16).
  return async (ctx, next) => {
    if (ctx.path === '/interaction' || ctx.path.startsWith('/interaction/')) await routes(ctx, next);
    else await next();
  };
}

function compose(first: Middleware, second: Middleware): Middleware {
  return async (ctx, next) => {
    await first(ctx, async () => { await second(ctx, next); });
  };
}

function createInteractionRoutes(deps: InteractionRouteDeps): Router {
  const { provider } = deps;
  const router = new Router({ prefix: '/interaction' });
  const language = (ctx: Context) => pageLanguage(ctx.get('accept-language'));
  const fail = (ctx: Context, failure: FailureClass, options: { uid?: string; status?: number; reference?: string | undefined } = {}): void => {
    const retryHref = options.uid === undefined ? undefined : `/interaction/${options.uid}`;
    sendPage(ctx, options.status ?? statusOf(failure), errorPage({ language: language(ctx), failure, retryHref, reference: options.reference }));
  };

  /** The interaction of this browser with this uid, or undefined (after answering an error page). */
  async function interactionOf(ctx: Context & { params: Record<string, string | undefined> }): Promise<Details | undefined> {
    const uid = ctx.params['uid'] ?? '';
    try {
      const details = UID.test(uid) ? await provider.interactionDetails(ctx.req, ctx.res) : undefined;
      if (details?.uid === uid) return details;
    } catch (error) {
      // SessionNotFound: no interaction cookie, another browser's uid, or the interaction expired.
      if ((error as { name?: string }).name !== 'SessionNotFound') throw error;
    }
    fail(ctx, 'session', { status: 400 });
    return undefined;
  }

  /** The apps for this client's page: its chosen mini-program (`wxbridge_scan_appid`), if any. */
  async function appsFor(clientId: unknown): Promise<ConfiguredApps> {
    const client = typeof clientId === 'string' ? await provider.Client.find(clientId) : undefined;
    const scanAppId = client?.metadata()['wxbridge_scan_appid'];
    return deps.configuredApps(typeof scanAppId === 'string' ? scanAppId : undefined);
  }

  async function clientName(clientId: unknown): Promise<string> {
    const client = typeof clientId === 'string' ? await provider.Client.find(clientId) : undefined;
    const name = client?.metadata()['client_name'];
    return typeof name === 'string' ? name : String(clientId);
  }

  async function finish(ctx: Context, result: InteractionResults, merge: boolean): Promise<void> {
    const redirectTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: merge });
    ctx.redirect(redirectTo);
    // A POST answered with a redirect is followed with GET (RFC 9110 §15.4.4).
    if (ctx.method === 'POST') ctx.status = 303;
    ctx.set('Cache-Control', 'no-store');
  }

  router.get('/:uid', async (ctx) => {
    const details = await interactionOf(ctx);
    if (details === undefined) return;
    const name = await clientName(details.params['client_id']);
    if (details.prompt.name === 'login') {
      const methods = offeredMethods(await appsFor(details.params['client_id']), ctx.get('user-agent'));
      sendPage(ctx, 200, signInPage({ language: language(ctx), clientName: name, methods: methods.map((method) => ({ method, href: `/interaction/${details.uid}/wechat/${method}` })) }));
      return;
    }
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
    sendPage(ctx, 200, consentPage({
      language: language(ctx), clientName: name,
      scopes: missing.missingOIDCScope ?? [],
      apiScopes: Object.values(missing.missingResourceScopes ?? {}).flat(),
      confirmAction: `/interaction/${details.uid}/consent`, denyAction: `/interaction/${details.uid}/abort`,
    }), [String(details.params['redirect_uri'])]);
  });

  const scan = createScanHandlers({ ...deps.scan, logger: deps.logger }, fail);

  router.get('/:uid/wechat/:method', async (ctx) => {
    const details = await interactionOf(ctx);
    if (details === undefined) return;
    const method = ctx.params['method'] as SignInMethod;
    const apps = await appsFor(details.params['client_id']);
    if (method === 'miniprogram-scan' && apps.miniProgram !== undefined && details.prompt.name === 'login') {
      const clientId = String(details.params['client_id']);
      await scan.show(ctx, { uid: details.uid, clientId, clientName: await clientName(clientId), language: language(ctx) }, apps.miniProgram);
      return;
    }
    const appId = method === 'website-qr' ? apps.website : method === 'official-account' ? apps.officialAccount : undefined;
    if (!WECHAT_METHODS.has(method) || appId === undefined || details.prompt.name !== 'login') {
      fail(ctx, 'request', { uid: details.uid, status: 404 });
      return;
    }
    const state = await deps.states.issue({ uid: details.uid, appId, method: method as 'website-qr' | 'official-account' });
    const scope = details.params['scope'];
    const scopes = typeof scope === 'string' ? scope.split(' ') : [];
    ctx.set('Cache-Control', 'no-store');
    ctx.redirect(wechatAuthorizeUrl(deps.openBaseUrl, {
      method, appId, state, scope: wechatScopeFor(method, scopes),
      redirectUri: `${deps.issuer}/interaction/${details.uid}/wechat-callback`,
    }));
  });

  router.get('/:uid/wechat-callback', async (ctx) => {
    const details = await interactionOf(ctx);
    if (details === undefined) return;
    const state = typeof ctx.query['state'] === 'string' ? ctx.query['state'] : '';
    const code = typeof ctx.query['code'] === 'string' ? ctx.query['code'] : '';
    const trip = await deps.states.claim(state, details.uid);
    if (trip === undefined) {
      fail(ctx, 'state', { uid: details.uid });
      return;
    }
    // WeChat comes back with only `state` when the person declined (wechat-api.md §8.1).
    if (code === '') {
      fail(ctx, 'denied', { uid: details.uid, status: 400 });
      return;
    }
    try {
      const clientId = String(details.params['client_id']);
      const apps = await deps.configuredApps();
      const result = await deps.signIn.signInOrHold({ appId: trip.appId, code, clientId });
      if (!('held' in result)) {
        await finish(ctx, { login: { accountId: result.account.id, amr: ['wechat'] } }, false);
        return;
      }
      // Issue 17 #2: a new identity, and the person may already have an account from the mini-program.
      // Held server-side under this interaction (never in a cookie or URL) while they choose.
      if (apps.miniProgram === undefined) {
        const { account } = await deps.signIn.completeHeld(result.held, { clientId });
        await finish(ctx, { login: { accountId: account.id, amr: ['wechat'] } }, false);
        return;
      }
      await deps.pending.hold(details.uid, result.held);
      ctx.set('Cache-Control', 'no-store');
      sendPage(ctx, 200, bindPage({
        language: language(ctx), clientName: await clientName(clientId),
        linkHref: `/interaction/${details.uid}/wechat/miniprogram-scan`,
        createAction: result.newAccountsAllowed ? `/interaction/${details.uid}/bind/create` : undefined,
      }), [String(details.params['redirect_uri'])]); // form-action: "create" ends in a redirect to the client
    } catch (error) {
      const failure = failureOf(error);
      if (failure === undefined) throw error;
      deps.logger.warn({ err: error, method: trip.method, appId: trip.appId, failure }, 'browser sign-in with WeChat failed');
      if (failure === 'snapshot') sendPage(ctx, 400, snapshotPage(language(ctx), `/interaction/${details.uid}`));
      else fail(ctx, failure, { uid: details.uid, reference: (error as { code?: string }).code });
    }
  });

  router.get('/:uid/scan/:scene/status', async (ctx) => {
    const details = await interactionOf(ctx);
    if (details === undefined) return;
    await scan.status(ctx, details.uid, ctx.params['scene'] ?? '');
  });

  router.get('/:uid/scan/:scene/complete', async (ctx) => {
    const details = await interactionOf(ctx);
    if (details === undefined) return;
    if (details.prompt.name !== 'login') {
      fail(ctx, 'request', { uid: details.uid, status: 400 });
      return;
    }
    const accountId = await scan.complete(ctx, details.uid, ctx.params['scene'] ?? '');
    if (accountId === undefined) return;
    // Bind by scan (issue 17 #2): the confirming mini-program account receives the identity this browser holds.
    const held = await deps.pending.claim(details.uid);
    if (held !== undefined) await deps.signIn.completeHeld(held, { linkTo: accountId, clientId: String(details.params['client_id']) });
    await finish(ctx, { login: { accountId, amr: ['wechat'] } }, false);
  });

  router.post('/:uid/bind/create', async (ctx) => {
    if (!isSameOrigin(ctx)) {
      fail(ctx, 'request', { status: 403 });
      return;
    }
    const details = await interactionOf(ctx);
    if (details === undefined) return;
    const held = details.prompt.name === 'login' ? await deps.pending.claim(details.uid) : undefined;
    if (held === undefined) {
      fail(ctx, 'state', { uid: details.uid });
      return;
    }
    try {
      const { account } = await deps.signIn.completeHeld(held, { clientId: String(details.params['client_id']) });
      await finish(ctx, { login: { accountId: account.id, amr: ['wechat'] } }, false);
    } catch (error) {
      // The app's setting (issue 17 #2): the page offered no such button; a forged post is refused, nothing written.
      if (!(error instanceof AppError) || error.code !== 'account.creation_refused') throw error;
      fail(ctx, 'request', { uid: details.uid, status: 403 });
    }
  });

  router.post('/:uid/consent', async (ctx) => {
    if (!isSameOrigin(ctx)) {
      fail(ctx, 'request', { status: 403 });
      return;
    }
    const details = await interactionOf(ctx);
    if (details === undefined) return;
    const accountId = details.session?.accountId;
    if (details.prompt.name !== 'consent' || accountId === undefined) {
      fail(ctx, 'request', { uid: details.uid, status: 400 });
      return;
    }
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    const grant = details.grantId === undefined
      ? new provider.Grant({ accountId, clientId: String(details.params['client_id']) })
      : await provider.Grant.find(details.grantId);
    if (grant === undefined) {
      fail(ctx, 'session', { status: 400 });
      return;
    }
    if (missing.missingOIDCScope !== undefined) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims !== undefined) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    await finish(ctx, { consent: details.grantId === undefined ? { grantId } : {} }, true);
  });

  router.post('/:uid/abort', async (ctx) => {
    if (!isSameOrigin(ctx)) {
      fail(ctx, 'request', { status: 403 });
      return;
    }
    const details = await interactionOf(ctx);
    if (details === undefined) return;
    await finish(ctx, { error: 'access_denied', error_description: 'the user denied the request' }, false);
  });

  return router;
}

/** A form post from our own page (Fetch Metadata, then Origin): another site cannot submit consent. */
function isSameOrigin(ctx: Context): boolean {
  const site = ctx.get('sec-fetch-site');
  if (site !== '' && site !== 'same-origin') return false;
  const origin = ctx.get('origin');
  return origin === '' || origin === ctx.origin;
}
