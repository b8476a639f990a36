// Types for the oidc-provider 9.13 internals that src/oidc/oidc-provider-seam.ts uses (the
// package ships no types and no exports map). Re-check on every upgrade.
declare module 'oidc-provider/lib/helpers/grant_common.js' {
  export function issueTokens(
    provider: unknown,
    helpers: Record<string, unknown>,
    ctx: unknown,
    source: unknown,
    grant: unknown,
    options: { gty: string; entityLabel: string },
  ): Promise<void>;
}

declare module 'oidc-provider/lib/helpers/grants.js' {
  const helpers: Record<string, (...args: unknown[]) => unknown>;
  export = helpers;
}

declare module 'oidc-provider/lib/helpers/initialize_keystore.js' {
  /** Called with `this` = the Provider: validates `jwks` and replaces its keystore and published JWKS. */
  export default function initializeKeystore(this: unknown, jwks: { keys: unknown[] }): void;
}

declare module 'oidc-provider/lib/helpers/weak_cache.js' {
  /** The provider's private instance state (configuration, grantTypeHandlers, …). */
  export default function instance(provider: unknown): Record<string, unknown>;
}
