/**
 * `wxbridge users merge|delete|export` and a WeChat app's account settings (issue 17 #3–#5). The
 * settings are switched by declared variants (command-line.ts): exactly one of --on/--off, of
 * --merge/--refuse, anything else refused before the database is opened.
 */
import { required, type Command } from './command.ts';

const positional = (ctx: { positionals: readonly string[] }, index: number): string => ctx.positionals[index] ?? '';

export const ACCOUNT_LIFECYCLE_COMMANDS: Readonly<Record<string, Command>> = {
  'users merge': {
    usage: 'users merge <from-sub> <into-sub>',
    summary: "move an account's identities, phone and profile into another; the old sub is recorded as merged, its grants revoked",
    options: {}, arguments: ['from-sub', 'into-sub'],
    async run(ctx) {
      const result = await ctx.services.users.merge(positional(ctx, 0), positional(ctx, 1));
      ctx.out.result(result, `account ${result.fromAccountId} merged into ${result.intoAccountId} (${String(result.identitiesMoved)} identities moved); its grants are revoked`);
    },
  },
  'users delete': {
    usage: 'users delete <sub>',
    summary: 'delete an account: identities, phone, profile, session keys and grants; its audit entries are pseudonymised',
    options: {}, arguments: ['sub'],
    async run(ctx) {
      const { pseudonym } = await ctx.services.users.delete(positional(ctx, 0));
      ctx.out.result({ deleted: true, auditPseudonym: pseudonym }, `account deleted; its audit entries now name ${pseudonym}`);
    },
  },
  'users export': {
    usage: 'users export <sub> [--json]',
    summary: 'every stored field about an account in one JSON document (never a secret or session key)',
    options: {}, arguments: ['sub'],
    async run(ctx) {
      const document = await ctx.services.users.export(positional(ctx, 0));
      ctx.out.result(document, JSON.stringify(document, null, 2));
    },
  },
  'apps link-by-phone': {
    usage: 'apps link-by-phone --appid <id> --on|--off',
    summary: "link a first login with a WeChat-verified phone number to the one account verified with that number (default off)",
    options: { appid: { type: 'string' }, on: { type: 'boolean' }, off: { type: 'boolean' } }, required: ['appid'],
    variants: [{ name: 'linking on', chosenBy: 'on', takes: [] }, { name: 'linking off', chosenBy: 'off', takes: [] }],
    async run(ctx) {
      const app = await ctx.services.apps.updateAccountSettings(required(ctx, 'appid'), { linkByVerifiedPhone: ctx.values['on'] === true });
      ctx.out.result(app, `app ${app.appId}: linking by verified phone ${app.linkByVerifiedPhone ? 'on' : 'off'}`);
    },
  },
  'apps new-accounts': {
    usage: 'apps new-accounts --appid <id> --allow|--refuse',
    summary: 'whether a first login through the app may create an account (default allow); refuse: only users who already have one',
    options: { appid: { type: 'string' }, allow: { type: 'boolean' }, refuse: { type: 'boolean' } }, required: ['appid'],
    variants: [{ name: 'allowing', chosenBy: 'allow', takes: [] }, { name: 'refusing', chosenBy: 'refuse', takes: [] }],
    async run(ctx) {
      const app = await ctx.services.apps.updateAccountSettings(required(ctx, 'appid'), { newAccountsAllowed: ctx.values['allow'] === true });
      ctx.out.result(app, `app ${app.appId}: first logins ${app.newAccountsAllowed ? 'may create accounts' : 'create no account'}`);
    },
  },
  'apps unionid-conflict': {
    usage: 'apps unionid-conflict --appid <id> --merge|--refuse',
    summary: "when a login's late unionid is already another account's: merge the two (default; the older survives) or refuse the login",
    options: { appid: { type: 'string' }, merge: { type: 'boolean' }, refuse: { type: 'boolean' } }, required: ['appid'],
    variants: [{ name: 'merging', chosenBy: 'merge', takes: [] }, { name: 'refusing', chosenBy: 'refuse', takes: [] }],
    async run(ctx) {
      const app = await ctx.services.apps.updateAccountSettings(required(ctx, 'appid'), { unionIdConflict: ctx.values['refuse'] === true ? 'refuse' : 'merge' });
      ctx.out.result(app, `app ${app.appId}: a conflicting late unionid ${app.unionIdConflict === 'merge' ? 'merges the accounts' : 'refuses the login'}`);
    },
  },
};
