/**
 * The admin role (ADR 0025): `users grant-admin|revoke-admin` and the first admin's invitation, each
 * change in the audit log under the actor who made it.
 */
import type { AdminRoles } from '../accounts/admin-roles.ts';
import type { Audited } from './audited.ts';

export function adminRoleOperations(roles: AdminRoles, audited: Audited) {
  const change = (action: 'user.grant_admin' | 'user.revoke_admin', sub: string) => audited({
    action, target: sub, accountId: /^[0-9a-f-]{36}$/i.test(sub) ? sub : undefined,
    run: () => (action === 'user.grant_admin' ? roles.grant(sub) : roles.revoke(sub)),
  });
  return {
    isAdmin: (sub: string) => roles.isAdmin(sub),
    isRedeemable: (tokenHash: string) => roles.isRedeemable(tokenHash),
    grant: (sub: string) => change('user.grant_admin', sub),
    revoke: (sub: string) => change('user.revoke_admin', sub),
    /** The token is in the result only; the audit records when the invitation expires, never the token. */
    invite: () => audited({ action: 'admin.invite', target: 'admin_invitation', run: () => roles.invite(), after: (r) => Promise.resolve({ expiresAt: r.expiresAt }) }),
    /** Whoever signs in through the invitation becomes an admin (the actor is the invitation, the account the target). */
    redeem: (tokenHash: string, sub: string) => audited({
      action: 'admin.invitation_redeemed', target: sub, accountId: sub,
      run: () => roles.redeem(tokenHash, sub),
    }),
  };
}
