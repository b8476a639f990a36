/**
 * `--scope` and `--resource <uri>[=<scopes>]` of `clients add|update` (design.md §6, issue 18 #9): the
 * OIDC scopes, and the scopes a client may ask for on each resource server.
 */
import { OIDC_SCOPES } from '../../clients/client-metadata.ts';
import { UsageError } from '../cli-io.ts';
import { list, str, type Values } from './command.ts';

export interface ScopeGrants {
  readonly oidcScopes: string[];
  /** Each resource's granted API scopes, space-separated. */
  readonly resources: Record<string, string>;
  /** The first --resource. */
  readonly defaultResource: string | undefined;
  readonly allowUnscopedResources: boolean;
}

const words = (text: string): string[] => text.split(' ').filter((s) => s !== '');
const isOidcScope = (scope: string): boolean => (OIDC_SCOPES as readonly string[]).includes(scope);

/**
 * `--scope "openid profile orders:read"` and `--resource <uri>[=<scopes>]` (repeatable, the first is the
 * default) → the OIDC scopes and each resource's API scopes. API scopes in --scope belong to the one
 * --resource given without `=`. A resource granted no scope is refused unless --allow-unscoped-resource:
 * a login asking for any of its scopes would fail (issue 18 #9). The URI ends at the first `=`.
 */
export function scopeGrants(ctx: Values): ScopeGrants {
  const scopes = words(str(ctx, 'scope') ?? '');
  const apiScopes = scopes.filter((s) => !isOidcScope(s));
  const entries = list(ctx, 'resource').map((value) => {
    const at = value.indexOf('=');
    return at < 0 ? { uri: value, scopes: undefined } : { uri: value.slice(0, at), scopes: words(value.slice(at + 1)) };
  });
  const repeated = entries.find((e, i) => entries.findIndex((other) => other.uri === e.uri) !== i);
  if (repeated !== undefined) throw new UsageError(`--resource ${repeated.uri} is given more than once`);
  const bare = entries.filter((e) => e.scopes === undefined);
  if (apiScopes.length > 0 && bare.length !== 1) {
    throw new UsageError(`scopes ${apiScopes.join(' ')} in --scope need one --resource <uri> to belong to${bare.length > 1 ? '; with several, name each one\'s scopes: --resource "<uri>=a b"' : ''}`);
  }
  const resources = Object.fromEntries(entries.map((e) => [e.uri, (e.scopes ?? apiScopes).join(' ')]));
  const unscoped = Object.keys(resources).find((uri) => resources[uri] === '');
  const allowUnscopedResources = ctx.values['allow-unscoped-resource'] === true;
  if (unscoped !== undefined && !allowUnscopedResources) {
    throw new UsageError(`--resource ${unscoped} grants no scope, so a login asking for one of its scopes would fail with invalid_scope; `
      + `name the scopes the client may ask for: --resource "${unscoped}=read write" (or list them in --scope); `
      + `for access tokens that carry only the audience, give --resource ${unscoped}= --allow-unscoped-resource`);
  }
  if (allowUnscopedResources && unscoped === undefined) throw new UsageError('--allow-unscoped-resource does not apply: every --resource grants scopes');
  return { oidcScopes: scopes.filter(isOidcScope), resources, defaultResource: entries[0]?.uri, allowUnscopedResources };
}
