/** `wxbridge keys list|rotate`, `users find|show|sign-out|disable|enable`, `audit list` (design.md §6). */
import { AUDIT_OUTCOMES, type AuditOutcome } from '../../audit/audit-log.ts';
import { isSigningAlgorithm } from '../../keys/signing-algorithms.ts';
import { UsageError } from '../cli-io.ts';
import { formatDuration } from '../duration.ts';
import { aDuration, duration, integer, optional, PAGE_LIMIT, str, sub, table, wholeNumber, type Command, type CommandContext } from './command.ts';

const isoDate = (value: string): string | undefined => (Number.isNaN(new Date(value).getTime()) ? 'must be an ISO date or time' : undefined);

const isOutcome = (value: string): value is AuditOutcome => (AUDIT_OUTCOMES as readonly string[]).includes(value);

const since = (ctx: CommandContext, name: string): Date | undefined => {
  const value = str(ctx, name);
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--${name} must be an ISO date or time`);
  return date;
};

const outcomeOf = (value: string | undefined): AuditOutcome | undefined => {
  if (value === undefined || isOutcome(value)) return value;
  throw new UsageError('--outcome must be success or failure');
};

export const KEY_USER_AUDIT_COMMANDS: Readonly<Record<string, Command>> = {
  'keys list': {
    usage: 'keys list', summary: 'list signing keys and their state (pending, signing, retired, removed)', options: {},
    async run(ctx) {
      const keys = await ctx.services.keys.list();
      ctx.out.result(keys, table(keys.map((k) => [k.kid, k.alg, k.state, `from ${k.activatesAt.toISOString()}`, k.removeAfter === null ? '' : `published until ${k.removeAfter.toISOString()}`]), '(no keys yet: they are generated on first start)'));
    },
  },
  'keys rotate': {
    usage: 'keys rotate [--delay 1h] [--alg ES256|RS256]',
    summary: 'publish a new key now, sign with it after --delay; the old key stays published until its tokens expire',
    options: { delay: { type: 'string' }, alg: { type: 'string' } }, checks: { delay: aDuration, alg: (v) => (isSigningAlgorithm(v) ? undefined : 'must be ES256 or RS256') },
    async run(ctx) {
      const delaySeconds = duration(ctx, 'delay');
      const alg = str(ctx, 'alg');
      if (alg !== undefined && !isSigningAlgorithm(alg)) throw new UsageError('--alg must be ES256 or RS256');
      const created = await ctx.services.keys.rotate({ delaySeconds, ...optional('algs', alg === undefined ? undefined : [alg]) });
      const when = delaySeconds === 0 ? 'now' : `in ${formatDuration(delaySeconds ?? 3600)}`;
      ctx.out.result(created, created.map((k) => `${k.kid}\t${k.alg}\tpublished now, signs ${when} (${k.activatesAt.toISOString()})`).join('\n'));
    },
  },
  'users show': {
    usage: 'users show <sub>', summary: 'show an account and its WeChat identities', options: {}, arguments: ['sub'],
    async run(ctx) {
      const account = await ctx.services.users.show(sub(ctx));
      ctx.out.result(account, [`${account.id}\t${account.status}`, ...account.identities.map((i) => `  ${i.appId}\t${i.openId}\t${i.unionId ?? '-'}`)].join('\n'));
    },
  },
  'users find': {
    usage: 'users find <sub|openid|unionid|phone>', summary: 'find accounts by an exact sub, openid, unionid or phone number (as the console\'s search)', options: {}, arguments: ['query'],
    async run(ctx) {
      const query = ctx.positionals[0]?.trim() ?? '';
      if (query === '' || query.length > 128) throw new UsageError('give a sub, openid, unionid or phone number (at most 128 characters)');
      const accounts = await ctx.services.users.search(query, 20);
      ctx.out.result(accounts, table(accounts.map((a) => [a.id, a.status, a.identities.map((i) => `${i.appId}:${i.openId}`).join(' ')]), '(no account matches exactly)'));
    },
  },
  'users sign-out': {
    usage: 'users sign-out <sub>', summary: 'sign an account out of every app (revokes its grants and refresh tokens; it may sign in again)', options: {}, arguments: ['sub'],
    async run(ctx) {
      const result = await ctx.services.users.signOut(sub(ctx));
      ctx.out.result(result, `account ${result.id} signed out everywhere; ${String(result.revoked)} grant(s) revoked`);
    },
  },
  'users disable': {
    usage: 'users disable <sub>', summary: 'disable an account and revoke all its grants and refresh tokens', options: {}, arguments: ['sub'],
    async run(ctx) {
      const account = await ctx.services.users.disable(sub(ctx));
      ctx.out.result({ id: account.id, status: account.status }, `account ${account.id} disabled; its grants are revoked`);
    },
  },
  'users enable': {
    usage: 'users enable <sub>', summary: 'enable a disabled account', options: {}, arguments: ['sub'],
    async run(ctx) {
      const account = await ctx.services.users.enable(sub(ctx));
      ctx.out.result({ id: account.id, status: account.status }, `account ${account.id} enabled`);
    },
  },
  'audit list': {
    usage: 'audit list [--action <a>] [--actor <a>] [--client-id <id>] [--account-id <sub>] [--outcome success|failure] [--since <iso>] [--until <iso>] [--limit 50] [--cursor <id>]',
    summary: 'admin changes and logins, newest first',
    options: { action: { type: 'string' }, actor: { type: 'string' }, 'client-id': { type: 'string' }, 'account-id': { type: 'string' }, outcome: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, limit: { type: 'string' }, cursor: { type: 'string' } },
    checks: { outcome: (v) => (isOutcome(v) ? undefined : 'must be success or failure'), since: isoDate, until: isoDate, limit: wholeNumber(PAGE_LIMIT) },
    async run(ctx) {
      const page = await ctx.services.audit.query({
        action: str(ctx, 'action'), actor: str(ctx, 'actor'), clientId: str(ctx, 'client-id'), accountId: str(ctx, 'account-id'),
        outcome: outcomeOf(str(ctx, 'outcome')), since: since(ctx, 'since'), until: since(ctx, 'until'), limit: integer(ctx, 'limit', PAGE_LIMIT) ?? 50, cursor: str(ctx, 'cursor'),
      });
      const rows = table(page.items.map((e) => [e.at, e.actor, e.action, e.outcome, e.target ?? e.clientId, e.reason]), '(no events)');
      ctx.out.result(page, page.nextCursor === null ? rows : `${rows}\n(more: --cursor ${page.nextCursor})`);
    },
  },
};
