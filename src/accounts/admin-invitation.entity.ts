/**
 * A single-use invitation to become an admin (ADR 0025): the first admin of a fresh deployment signs in
 * through a link the CLI printed. Only the SHA-256 of its token is stored, so the table grants nothing.
 */
import { defineEntity, p } from '@mikro-orm/core';

export const AdminInvitationSchema = defineEntity({
  name: 'AdminInvitation',
  tableName: 'admin_invitations',
  properties: {
    tokenHash: p.string().length(64).primary(),
    createdAt: p.datetime(),
    expiresAt: p.datetime(),
    redeemedAt: p.datetime().nullable(),
    redeemedBy: p.uuid().nullable(),
  },
});

export class AdminInvitation extends AdminInvitationSchema.class {}
AdminInvitationSchema.setClass(AdminInvitation);
