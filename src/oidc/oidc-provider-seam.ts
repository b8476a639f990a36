/**
 * The only file that touches oidc-provider internals (house-style §3): hooks the library offers no
 * configuration for. Re-check against lib/ on every oidc-provider upgrade (pinned 9.13.3).
 */
import type Provider from 'oidc-provider';
import type { Grant, KoaContextWithOIDC } from 'oidc-provider';
import { issueTokens } from 'oidc-provider/lib/helpers/grant_common.js';
import * as grantHelpers from 'oidc-provider/lib/helpers/grants.js';

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
