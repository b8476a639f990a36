/** Builds the oidc-provider instance from its configuration, with client secrets compared as hashes. */
import Provider, { type Configuration } from 'oidc-provider';
import { publishUrlsFromIssuer, useHashedClientSecrets, type SecretVerifier } from './oidc-provider-seam.ts';

export interface ProviderDeps {
  readonly issuer: string;
  readonly configuration: Configuration;
  readonly secrets: SecretVerifier;
  /** Trust X-Forwarded-* from a reverse proxy. */
  readonly proxy: boolean;
}

export function createProvider(deps: ProviderDeps): Provider {
  const provider = new Provider(deps.issuer, deps.configuration);
  provider.proxy = deps.proxy;
  useHashedClientSecrets(provider, deps.secrets);
  publishUrlsFromIssuer(provider, deps.issuer);
  return provider;
}
