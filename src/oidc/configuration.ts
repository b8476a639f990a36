/**
 * oidc-provider configuration, built by a pure function (house-style §6) so it can be unit-tested.
 * Every default that oidc-provider flags as MUST/SHOULD change is overridden here; a startup test
 * fails on any oidc-provider NOTICE or WARNING.
 */
import type { Adapter, Client, Configuration, FindAccount, KoaContextWithOIDC, ResourceServer } from 'oidc-provider';
import { OIDC_SCOPES } from '../clients/client-metadata.ts';
import type { PrivateJwk } from '../keys/key-store.ts';
import { SIGNING_ALGORITHMS } from '../keys/signing-algorithms.ts';
import { SCOPE_CLAIMS } from './claims.ts';
import { introspectionAllowed, revocationAllowed } from './token-endpoint/token-policies.ts';
import { isFirstParty, loadExistingGrant } from './interactions/first-party-grant.ts';
import { sendPage } from '../pages/html.ts';
import { errorPage } from './interactions/pages/error-page.ts';
import { loggedOutPage, logoutPage } from './interactions/pages/logout-pages.ts';
import { pageLanguage } from '../pages/page-language.ts';

export interface OidcTtls {
  readonly accessTokenTtl: number;
  readonly idTokenTtl: number;
  readonly refreshTokenTtl: number;
}

export interface OidcConfigurationDeps {
  readonly adapter: (model: string) => Adapter;
  readonly signingKeys: readonly PrivateJwk[];
  readonly cookieKeys: readonly string[];
  readonly findAccount: FindAccount;
  readonly getResourceServerInfo: (ctx: KoaContextWithOIDC, resource: string, client: { clientId: string }) => Promise<ResourceServer>;
  readonly defaultResource: (ctx: KoaContextWithOIDC, client: { clientId: string }, oneOf?: readonly string[]) => Promise<string | readonly string[] | undefined>;
}

const DAY = 86_400;
/** How long a browser may take from the authorization request to the end of sign-in and consent. */
export const INTERACTION_TTL_SECONDS = 600;

export function buildOidcConfiguration(ttls: OidcTtls, deps: OidcConfigurationDeps): Configuration {
  const refreshTokenTtl = ttls.refreshTokenTtl;
  return {
    adapter: deps.adapter,
    clients: [],
    findAccount: deps.findAccount,
    jwks: { keys: deps.signingKeys.map((key) => ({ ...key })) },
    cookies: {
      keys: [...deps.cookieKeys],
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    scopes: [...OIDC_SCOPES],
    claims: Object.fromEntries(Object.entries(SCOPE_CLAIMS).map(([scope, claims]) => [scope, [...claims]])),
    extraClientMetadata: {
      properties: ['wechat_appid', 'wxbridge_first_party', 'wxbridge_scan_appid'],
      validator(_ctx, key, value) {
        if (key === 'wxbridge_first_party' && value !== undefined && typeof value !== 'boolean') throw new Error('wxbridge_first_party must be a boolean');
        if (key === 'wxbridge_scan_appid' && value !== undefined && (typeof value !== 'string' || !/^wx[0-9a-f]{16}$/.test(value))) {
          throw new Error('wxbridge_scan_appid must look like wx + 16 hex characters');
        }
        if (key === 'wechat_appid' && value !== undefined && (typeof value !== 'string' || !/^wx[0-9a-f]{16}$/.test(value))) {
          throw new Error('wechat_appid must look like wx + 16 hex characters');
        }
      },
    },
    // RFC 9700 §2.1.2: the authorization code flow only (no implicit, no hybrid), PKCE S256 for every client.
    responseTypes: ['code'],
    pkce: { required: () => true },
    // The hosted sign-in and consent pages (src/oidc/interactions/).
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    loadExistingGrant,
    // Claims go into the ID token per granted scope (design.md §3), not only to userinfo.
    conformIdTokenClaims: false,
    rotateRefreshToken: true, // RFC 9700 §4.14.2: every refresh rotates; reuse revokes the grant
    issueRefreshToken,
    clientBasedCORS: () => false, // mini-programs call through wx.request, not a browser: no CORS
    // Only for a browser (oidc-provider asks when the request accepts HTML over JSON): an error that must
    // not be redirected — an unregistered redirect_uri, an unknown client — gets a page, never a redirect.
    renderError(ctx, out) {
      sendPage(ctx, ctx.status >= 400 ? ctx.status : 400, errorPage({ language: pageLanguage(ctx.get('accept-language')), failure: 'request', reference: out['error'] }));
    },
    enabledJWA: {
      idTokenSigningAlgValues: [...SIGNING_ALGORITHMS],
      userinfoSigningAlgValues: [...SIGNING_ALGORITHMS],
      introspectionSigningAlgValues: [...SIGNING_ALGORITHMS],
      authorizationSigningAlgValues: [...SIGNING_ALGORITHMS],
      clientAuthSigningAlgValues: [...SIGNING_ALGORITHMS],
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: introspectionAllowed },
      revocation: { enabled: true, allowedPolicy: revocationAllowed },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource(ctx, form) {
          const target = (ctx.oidc.params as { post_logout_redirect_uri?: unknown } | undefined)?.post_logout_redirect_uri;
          sendPage(ctx, 200, logoutPage(pageLanguage(ctx.get('accept-language')), form), typeof target === 'string' ? [target] : []);
        },
        postLogoutSuccessSource(ctx) {
          sendPage(ctx, 200, loggedOutPage(pageLanguage(ctx.get('accept-language'))));
        },
      },
      // Pushed authorization requests are not offered: nothing here needs them, and discovery names only what is.
      pushedAuthorizationRequests: { enabled: false },
      registration: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: deps.defaultResource,
        // Keep JWT access tokens on refresh even when `openid` is in scope (stack-notes.md).
        useGrantedResource: () => true,
        getResourceServerInfo: deps.getResourceServerInfo,
      },
    },
    ttl: {
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? ttls.accessTokenTtl,
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? ttls.accessTokenTtl,
      IdToken: ttls.idTokenTtl,
      RefreshToken: refreshTokenTtl,
      // A grant lives as long as the longest refresh token it can mint.
      Grant: refreshTokenTtl,
      Session: DAY,
      Interaction: INTERACTION_TTL_SECONDS,
      AuthorizationCode: 60,
      DeviceCode: 600,
      BackchannelAuthenticationRequest: 600,
    },
  };
}

/**
 * oidc-provider's rule (a client allowed refresh_token, a code carrying offline_access), plus the
 * operator's own browser clients: oidc-provider drops offline_access from an authorization request
 * without prompt=consent (OIDC Core §11), and a first-party client is never shown a consent page
 * (design.md §10). So a first-party client registered with offline_access gets a refresh token from its
 * code; without offline_access in the grant, that token ends with the person's wxbridge session
 * (oidc-provider's expiresWithSession). The console keeps its admins signed in this way (ADR 0025 addendum).
 */
function issueRefreshToken(_ctx: KoaContextWithOIDC, client: Client, code: { scopes: Set<string> }): Promise<boolean> {
  if (!client.grantTypeAllowed('refresh_token')) return Promise.resolve(false);
  if (code.scopes.has('offline_access')) return Promise.resolve(true);
  const registered = client.metadata()['scope'];
  return Promise.resolve(isFirstParty(client) && typeof registered === 'string' && registered.split(' ').includes('offline_access'));
}
