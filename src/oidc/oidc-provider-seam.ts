/**
 * The only file that touches oidc-provider internals (house-style §3): hooks the library offers no
 * configuration for. Re-check against lib/ on every oidc-provider upgrade (pinned 9.13.3).
 */
import type Provider from 'oidc-provider';
import type { Grant, KoaContextWithOIDC } from 'oidc-provider';
import type { JWK } from 'jose';
import { issueTokens } from 'oidc-provider/lib/helpers/grant_common.js';
import * as grantHelpers from 'oidc-provider/lib/helpers/grants.js';
import initializeKeystore from 'oidc-provider/lib/helpers/initialize_keystore.js';
import instance from 'oidc-provider/lib/helpers/weak_cache.js';

export interface SecretVerifier {
  verifySecret(clientId: string, presented: string): Promise<boolean>;
}

/**
 * Client secrets are stored as hashes (src/clients/client-secrets.ts), so the provider's plain
 * constant-time comparison (lib/models/client.js compareClientSecret, awaited by
 * lib/shared/client_auth.js) is replaced with ours.
 */
export function useHashedClientSecrets(provider: Provider, verifier: SecretVerifier): void {
  const prototype = provider.Client.prototype as unknown as { compareClientSecret: (this: { clientId: string }, actual: string) => Promise<boolean> };
  prototype.compareClientSecret = function compareHashedSecret(actual) {
    return verifier.verifySecret(this.clientId, actual);
  };
}

/** The parts of a stored login a custom grant hands to oidc-provider's token issuance. */
export interface GrantSource {
  readonly accountId: string;
  readonly grantId: string;
  readonly scope: string;
  readonly scopes: ReadonlySet<string>;
  readonly resource: string | undefined;
  readonly resourceIndicators: ReadonlySet<string>;
  readonly authTime: number;
  readonly expiresWithSession: false;
}

/**
 * Issues access, refresh and ID tokens for a custom grant exactly as oidc-provider's own
 * authorization_code grant does (lib/helpers/grant_common.js issueTokens, with the grant helpers
 * bound to this provider as lib/helpers/initialize_app.js binds them), so that resource
 * indicators, refresh-token policy, ID-token claims and the response shape stay the library's.
 */
export function createTokenIssuer(provider: Provider): (ctx: KoaContextWithOIDC, source: GrantSource, grant: Grant, gty: string) => Promise<void> {
  const helpers = Object.fromEntries(Object.entries(grantHelpers).map(([name, helper]) => [name, helper.bind(undefined, provider)]));
  return (ctx, source, grant, gty) => issueTokens(provider, helpers, ctx, source, grant, { gty, entityLabel: 'login' });
}

/**
 * Swaps the provider's signing keystore and published JWKS for a freshly loaded set (key rotation
 * without restart, design.md §5). oidc-provider keeps both in its private instance state
 * (lib/helpers/weak_cache.js) and reads them at every signature and every GET /jwks; running its own
 * lib/helpers/initialize_keystore.js again validates the keys exactly as at startup and replaces
 * both in one synchronous step, so no request sees a signer that is not yet published.
 */
export function replaceSigningKeys(provider: Provider, keys: readonly JWK[]): void {
  initializeKeystore.call(provider, { keys: keys.map((key) => ({ ...key })) });
}

type GrantHandler = (ctx: KoaContextWithOIDC) => Promise<void>;

/**
 * Runs every registered grant handler (with the guards installed before this call) inside `around`,
 * at the same point as guardGrantHandlers: the token request's storage batch (issue 16) opens there
 * and is written before lib/actions/token.js emits grant.success and the answer is sent.
 * Call it after the last guard is installed, so that it encloses them all.
 */
export function wrapGrantHandlers(provider: Provider, around: (handler: () => Promise<void>) => Promise<void>): void {
  const { grantTypeHandlers } = instance(provider) as { grantTypeHandlers: Map<string, GrantHandler> };
  for (const [grantType, handler] of grantTypeHandlers) {
    grantTypeHandlers.set(grantType, (ctx) => around(() => handler(ctx)));
  }
}

/**
 * Runs `guard` before every registered grant handler: after oidc-provider has parsed the request,
 * authenticated the client and checked the grant type (lib/actions/token.js looks the handler up in
 * the provider's private grantTypeHandlers map at callTokenHandler). The per-client rate limit needs
 * exactly that point: the client is known, and no WeChat code has been spent yet (docs/decisions/0013).
 * Call it after the last grant is registered.
 */
export function guardGrantHandlers(provider: Provider, guard: GrantHandler): void {
  const { grantTypeHandlers } = instance(provider) as { grantTypeHandlers: Map<string, GrantHandler> };
  for (const [grantType, handler] of grantTypeHandlers) {
    grantTypeHandlers.set(grantType, async (ctx) => {
      await guard(ctx);
      await handler(ctx);
    });
  }
}

/**
 * Every URL the provider publishes (discovery's endpoints and jwks_uri, …) is resolved against the
 * configured issuer, not the request's Host or X-Forwarded-Host (issue #15 finding 6): a forged Host
 * must not name another origin's key set (OpenID Connect Discovery 1.0 §3, §4.3: the metadata belongs
 * to the issuer). Same path as lib/helpers/oidc_context.js urlFor, only the base differs.
 */
export function publishUrlsFromIssuer(provider: Provider, issuer: string): void {
  const { prototype } = (provider as unknown as { OIDCContext: { prototype: { urlFor: (name: string, options?: object) => string } } }).OIDCContext;
  const original = prototype.urlFor;
  prototype.urlFor = function urlFor(this: { ctx: { href: string } }, name, options) {
    const relative = new URL(original.call(this, name, options));
    return new URL(`${relative.pathname}${relative.search}`, issuer).href;
  };
}
