/** Builds the oidc-provider instance: configuration, seam hooks, custom grants. */
import Provider, { type Configuration } from 'oidc-provider';
import { useHashedClientSecrets, type SecretVerifier } from './oidc-provider-seam.ts';

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
  deps.registerGrants?.(provider);
  return provider;
}
