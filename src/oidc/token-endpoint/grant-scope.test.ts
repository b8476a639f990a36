import fc from 'fast-check';
import { errors } from 'oidc-provider';
import { describe, expect, it } from 'vitest';
import { OIDC_SCOPES } from '../../clients/client-metadata.ts';
import type { ResourceAccess } from '../../clients/client-registry.ts';
import { resolveLoginScope } from './grant-scope.ts';

const API = 'https://api.example.test';
const OTHER = 'https://other.example.test';
const access: ResourceAccess = { resourceScopes: { [API]: ['read', 'write'], [OTHER]: [] }, defaultResource: API };
const noResources: ResourceAccess = { resourceScopes: {}, defaultResource: undefined };

const resolve = (input: Partial<Parameters<typeof resolveLoginScope>[0]>): ReturnType<typeof resolveLoginScope> =>
  resolveLoginScope({ requestedScope: undefined, requestedResource: undefined, clientScope: 'openid profile offline_access', access, ...input });

describe('resolveLoginScope', () => {
  it('defaults to the client\'s OIDC scopes plus every scope of its default resource', () => {
    expect(resolve({})).toEqual({ resource: API, oidcScopes: ['openid', 'profile', 'offline_access'], resourceScopes: ['read', 'write'] });
  });

  it('gives only OIDC scopes and no resource to a client without a default resource', () => {
    expect(resolve({ access: noResources })).toEqual({ resource: undefined, oidcScopes: ['openid', 'profile', 'offline_access'], resourceScopes: [] });
  });

  it('treats a client without scope metadata as registered for openid only', () => {
    expect(resolve({ access: noResources, clientScope: undefined }).oidcScopes).toEqual(['openid']);
    expect(() => resolve({ access: noResources, clientScope: undefined, requestedScope: 'openid profile' })).toThrow(errors.InvalidScope);
  });

  it('splits a requested subset into OIDC and resource scopes, dropping duplicates and extra spaces', () => {
    expect(resolve({ requestedScope: ' openid  read openid offline_access ' })).toEqual({ resource: API, oidcScopes: ['openid', 'offline_access'], resourceScopes: ['read'] });
  });

  it('uses the requested resource instead of the default one', () => {
    expect(resolve({ requestedResource: OTHER })).toEqual({ resource: OTHER, oidcScopes: ['openid', 'profile', 'offline_access'], resourceScopes: [] });
  });

  it('refuses OIDC scopes the client is not registered for, without naming them', () => {
    const refusal = (() => {
      try {
        resolve({ requestedScope: 'openid phone wechat' });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(errors.InvalidScope);
    // Never the refused values (issue #15 finding 8): a secret pasted into scope must not come back.
    expect(refusal).toMatchObject({ error: 'invalid_scope', error_description: 'requested scope is not allowed for this client' });
    expect((refusal as { scope?: unknown }).scope).toBeUndefined();
  });

  it('names only the OIDC scopes it refuses, never an unknown value (npm run fuzz found a client secret sent as scope echoed back)', () => {
    const refusal = (requestedScope: string): unknown => {
      try {
        resolve({ requestedScope });
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const secret = 'U2-VfJq0cs9x2PbM7rKQ1wzT';
    expect(refusal(`openid ${secret}`)).toBeInstanceOf(errors.InvalidScope);
    expect(JSON.stringify(refusal(`openid ${secret}`))).not.toContain(secret);
    expect(refusal(`openid ${secret}`)).toMatchObject({ scope: undefined });
    expect(JSON.stringify(refusal(`phone ${secret} admin`))).not.toContain(secret);
    expect(refusal(`phone ${secret} admin`)).toMatchObject({ error: 'invalid_scope', scope: undefined });
  });

  it('refuses API scopes the client may not obtain for that resource, or for no resource at all', () => {
    expect(() => resolve({ requestedScope: 'openid admin' })).toThrow(errors.InvalidScope);
    expect(() => resolve({ requestedScope: 'openid read', requestedResource: OTHER })).toThrow(errors.InvalidScope);
    expect(() => resolve({ requestedScope: 'openid read', access: noResources })).toThrow(errors.InvalidScope);
  });

  it.each(['https://unregistered.example.test', 'constructor', '__proto__', 'toString', 'hasOwnProperty'])('refuses the resource %s with invalid_target', (resource) => {
    expect(() => resolve({ requestedResource: resource })).toThrow(errors.InvalidTarget);
  });

  it('never grants a scope outside the client registration (property)', () => {
    const scopeToken = fc.constantFrom(...OIDC_SCOPES, 'read', 'write', 'admin', 'email');
    fc.assert(fc.property(
      fc.subarray([...OIDC_SCOPES]),
      fc.array(scopeToken, { maxLength: 8 }),
      fc.constantFrom(undefined, API, OTHER),
      (registered, requested, resource) => {
        const clientScope = registered.join(' ') || undefined;
        const allowedOidc = clientScope?.split(' ') ?? ['openid'];
        const allowedApi = access.resourceScopes[resource ?? API] ?? [];
        const wanted = requested.join(' ');
        const isAllowed = (s: string): boolean => ((OIDC_SCOPES as readonly string[]).includes(s) ? allowedOidc.includes(s) : allowedApi.includes(s));
        try {
          const result = resolve({ clientScope, requestedScope: wanted, requestedResource: resource });
          expect(requested.every(isAllowed)).toBe(true);
          expect([...result.oidcScopes, ...result.resourceScopes].sort()).toEqual([...new Set(requested)].sort());
        } catch (error) {
          expect(error).toBeInstanceOf(errors.InvalidScope);
          expect(requested.every(isAllowed)).toBe(false);
        }
      },
    ));
  });
});
