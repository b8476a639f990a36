/** `wxbridge users grant-admin|revoke-admin <sub>` and `console invite` (ADR 0025): who may use the console. */
import { INVITATION_TTL_SECONDS } from '../../accounts/admin-roles.ts';
import { formatDuration } from '../duration.ts';
import { sub, type Command } from './command.ts';

/** Where the console takes an invitation (src/console/console-routes.ts serves it). */
export const invitationUrl = (issuer: string, token: string): string => `${issuer}/console/invite/${token}`;

export const ADMIN_ROLE_COMMANDS: Readonly<Record<string, Command>> = {
  'users grant-admin': {
    usage: 'users grant-admin <sub>', summary: 'give an account the admin role (the console and the admin API with its own sign-in)', options: {}, arguments: ['sub'],
    async run(ctx) {
      const result = await ctx.services.admins.grant(sub(ctx));
      ctx.out.result(result, `account ${result.id} is now an admin`);
    },
  },
  'users revoke-admin': {
    usage: 'users revoke-admin <sub>', summary: 'take the admin role away; its console sessions end at their next request', options: {}, arguments: ['sub'],
    async run(ctx) {
      const result = await ctx.services.admins.revoke(sub(ctx));
      ctx.out.result(result, `account ${result.id} is no longer an admin`);
    },
  },
  'console invite': {
    usage: 'console invite', summary: `print a single-use link (valid ${formatDuration(INVITATION_TTL_SECONDS)}) that makes whoever signs in through it an admin`, options: {},
    async run(ctx) {
      const { token, expiresAt } = await ctx.services.admins.invite();
      const url = invitationUrl(ctx.services.issuer, token);
      ctx.out.result({ url, expiresAt: expiresAt.toISOString() }, `${url}\n(single use, valid until ${expiresAt.toISOString()})`);
    },
  },
};
