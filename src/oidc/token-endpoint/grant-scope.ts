/**
 * Which resource and scopes a WeChat login may receive (design.md §1, §3; test-catalogue T-09):
 * the `resource` parameter or the client's default resource, and only scopes the client is
 * registered for — OIDC scopes from its metadata, API scopes from its access to that resource.
 * Checked before WeChat is called, so a bad request never burns a code.
 */
import { errors } from 'oidc-provider';
import { OIDC_SCOPES } from '../../clients/client-metadata.ts';
import type { ResourceAccess } from '../../clients/client-registry.ts';
import { refusedScopeError } from './refused-scope.ts';

export interface LoginScope {
  readonly resource: string | undefined;
  readonly oidcScopes: readonly string[];
  readonly resourceScopes: readonly string[];
}

export function resolveLoginScope(input: {
  readonly requestedScope: string | undefined;
  readonly requestedResource: string | undefined;
  readonly clientScope: string | undefined;
  readonly access: ResourceAccess;
}): LoginScope {
  const resource = input.requestedResource ?? input.access.defaultResource;
  // Own keys only: a `resource` of "constructor" or "__proto__" must not find Object.prototype's members.
  const allowedResourceScopes = resource === undefined ? [] : Object.hasOwn(input.access.resourceScopes, resource) ? input.access.resourceScopes[resource] : undefined;
  if (allowedResourceScopes === undefined) {
    throw new errors.InvalidTarget('the requested resource is not available to this client');
  }
  const allowedOidcScopes = (input.clientScope ?? 'openid').split(' ');
  const requested = input.requestedScope === undefined
    ? [...allowedOidcScopes, ...allowedResourceScopes]
    : [...new Set(input.requestedScope.split(' ').filter((s) => s !== ''))];
  const isOidc = (scope: string): boolean => (OIDC_SCOPES as readonly string[]).includes(scope);
  const refused = requested.filter((scope) => (isOidc(scope) ? !allowedOidcScopes.includes(scope) : !allowedResourceScopes.includes(scope)));
  if (refused.length > 0) {
    throw refusedScopeError();
  }
  return { resource, oidcScopes: requested.filter(isOidc), resourceScopes: requested.filter((s) => !isOidc(s)) };
}
