/**
 * Consent for first-party clients (issue 13 #2): a client the operator marked `firstParty` belongs to
 * the operator, so the person is not asked; the grant is made (or extended) with exactly what this
 * authorization request asks for and the client may have. Third-party clients keep oidc-provider's
 * default: the grant remembered in the session, a consent prompt for anything not yet granted.
 */
import type { Grant, KoaContextWithOIDC } from 'oidc-provider';

export function isFirstParty(client: { metadata(): Record<string, unknown> } | undefined): boolean {
  return client?.metadata()['wxbridge_first_party'] === true;
}

/** oidc-provider's `loadExistingGrant` (lib/actions/authorization/session.js loadGrant). */
export async function loadExistingGrant(ctx: KoaContextWithOIDC): Promise<Grant | undefined> {
  const { oidc } = ctx;
  const client = oidc.client;
  if (client === undefined) return undefined;
  const result = oidc.result as { consent?: { grantId?: string } } | undefined;
  const grantId = result?.consent?.grantId ?? oidc.session?.grantIdFor(client.clientId);
  const existing = grantId === undefined ? undefined : await oidc.provider.Grant.find(grantId);
  const accountId = oidc.account?.accountId;
  if (!isFirstParty(client) || accountId === undefined) return existing;
  const grant = existing ?? new oidc.provider.Grant({ clientId: client.clientId, accountId });
  grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
  const claims = Object.keys(oidc.requestParamClaims);
  if (claims.length > 0) grant.addOIDCClaims(claims);
  const requested = [...oidc.requestParamScopes];
  for (const [indicator, server] of Object.entries(oidc.resourceServers ?? {})) {
    const offered = server.scope.split(' ');
    const scopes = requested.filter((scope) => offered.includes(scope));
    if (scopes.length > 0) grant.addResourceScope(indicator, scopes.join(' '));
  }
  await grant.save();
  return grant;
}
