/** `wxbridge apps add|update|rotate-secret|list|remove` (design.md §6): the AppSecret comes from $VAR or stdin, never argv, and is never printed. */
import type { WeChatAppInput } from '../../wechat-apps/wechat-app-registry.ts';
import { readSecret } from '../cli-io.ts';
import { optional, required, str, table, type Command } from './command.ts';

export const APP_COMMANDS: Readonly<Record<string, Command>> = {
  'apps add': {
    usage: 'apps add --appid <id> --kind miniprogram|app|web|official_account [--secret-env <VAR>] [--name <n>] [--open-platform <id>] [--web-sign-in-page <path>]',
    summary: 'add or update a WeChat app; the AppSecret comes from $VAR or stdin, never argv',
    options: { appid: { type: 'string' }, kind: { type: 'string' }, 'secret-env': { type: 'string' }, name: { type: 'string' }, 'open-platform': { type: 'string' }, 'web-sign-in-page': { type: 'string' } },
    // Checked before the secret is read: a bare `apps add` must not sit waiting on stdin.
    required: ['appid', 'kind'],
    async run(ctx) {
      const secret = await readSecret(ctx.env, str(ctx, 'secret-env'), ctx.stdin);
      const app = await ctx.services.apps.upsert({
        appId: required(ctx, 'appid'), kind: required(ctx, 'kind') as WeChatAppInput['kind'], secret,
        ...optional('name', str(ctx, 'name')), ...optional('openPlatformId', str(ctx, 'open-platform')),
        ...optional('webSignInPage', str(ctx, 'web-sign-in-page')),
      });
      ctx.out.result(app, `app ${app.appId} (${app.kind}) saved`);
    },
  },
  'apps update': {
    usage: 'apps update --appid <id> [--name <n>] [--open-platform <id>] [--web-sign-in-page <path>]',
    summary: 'change an app\'s name, Open Platform account or web sign-in page without its AppSecret ("" clears one)',
    options: { appid: { type: 'string' }, name: { type: 'string' }, 'open-platform': { type: 'string' }, 'web-sign-in-page': { type: 'string' } },
    required: ['appid'],
    async run(ctx) {
      // An empty value clears the field: the way to unbind an app from its Open Platform account.
      const cleared = (name: string): string | null | undefined => { const value = str(ctx, name); return value === '' ? null : value; };
      const app = await ctx.services.apps.update(required(ctx, 'appid'), {
        ...optional('name', cleared('name')), ...optional('openPlatformId', cleared('open-platform')), ...optional('webSignInPage', cleared('web-sign-in-page')),
      });
      ctx.out.result(app, `app ${app.appId} (${app.kind}) updated`);
    },
  },
  'apps rotate-secret': {
    usage: 'apps rotate-secret --appid <id> [--secret-env <VAR>]',
    summary: 'replace an app\'s AppSecret (from $VAR or stdin, never argv; never printed)',
    options: { appid: { type: 'string' }, 'secret-env': { type: 'string' } },
    // Checked before the secret is read: a bare `apps rotate-secret` must not sit waiting on stdin.
    required: ['appid'],
    async run(ctx) {
      const secret = await readSecret(ctx.env, str(ctx, 'secret-env'), ctx.stdin);
      const app = await ctx.services.apps.rotateSecret(required(ctx, 'appid'), secret);
      ctx.out.result(app, `app ${app.appId}: AppSecret replaced`);
    },
  },
  'apps list': {
    usage: 'apps list', summary: 'list WeChat apps (secrets are never shown)', options: {},
    async run(ctx) {
      const apps = await ctx.services.apps.list();
      ctx.out.result(apps, table(apps.map((a) => [a.appId, a.kind, a.openPlatformId, a.name ?? '']), '(no apps)'));
    },
  },
  'apps remove': {
    usage: 'apps remove --appid <id>', summary: 'remove a WeChat app (refused while a client is bound to it)', options: { appid: { type: 'string' } }, required: ['appid'],
    async run(ctx) {
      const appId = required(ctx, 'appid');
      await ctx.services.apps.remove(appId);
      ctx.out.result({ appId, removed: true }, `app ${appId} removed`);
    },
  },
};
