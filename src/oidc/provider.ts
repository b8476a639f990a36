/** Builds the oidc-provider instance: configuration, seam hooks, custom grants. */
import Provider, { type Configuration } from 'oidc-provider';
import { useHashedClientSecrets, useUnauthorizedClientForDisallowedGrants, type SecretVerifier } from './oidc-provider-seam.ts';

export interface ProviderDeps {
  readonly issuer: string;
  readonly configuration: Configuration;
  readonly secrets: SecretVerifier;
  /** Registers custom grants (src/oidc/grants/); called before the first request. */
  readonly registerGrants?: (provider: Provider) => void;
  /** Trust X-Forwarded-* from a reverse proxy. */
  readonly proxy?: boolean;
}

export function createProvider(deps: ProviderDeps): Provider {
  const provider = new Provider(deps.issuer, deps.configuration);
  provider.proxy = deps.proxy ?? false;
  useHashedClientSecrets(provider, deps.secrets);
  useUnauthorizedClientForDisallowedGrants(provider);
  // test-catalogue K-02: verifiers may cache the JWKS for a bounded time, far shorter than the delay
  // between a key's publication and its first signature.
  provider.use(async (ctx, next) => {
    await next();
    if ((ctx as { oidc?: { route?: string } }).oidc?.route === 'jwks' && ctx.status === 200) ctx.set('Cache-Control', 'public, max-age=300');
  });
  deps.registerGrants?.(provider);
  return provider;
}
