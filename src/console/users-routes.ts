/** /console/users (issue 14 #3): search through GET /admin/v1/users?q=, disable / enable / sign out everywhere through POST /admin/v1/users/:sub/…. */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { redirectAfterChange, refusalStatus, sendConsolePage, type ConsolePageDeps, type ConsoleRequest } from './console-request.ts';
import { consoleText } from './pages/console-text.ts';
import { usersPageBody, type UserRow, type UsersPage } from './pages/users-page.ts';

/** The admin API's message without its field prefix (`q: …`), as it stands next to that field. */
const withoutField = (message: string): string => message.replace(/^q: /, '');

export function registerUserPages(router: Router, deps: ConsolePageDeps): void {
  async function render(ctx: Context, request: ConsoleRequest, query: string | undefined, notice: UsersPage['notice'], status = 200): Promise<void> {
    let users: UserRow[] = [];
    let queryError: string | undefined;
    if (query !== undefined) {
      const answer = await request.api.call('GET', `/users?${new URLSearchParams({ q: query }).toString()}`);
      if (answer.kind === 'refused') {
        if (await request.refusedAccess(answer)) return;
        if (answer.status >= 500) throw new Error(`the admin API answered ${answer.status} ${answer.error}`);
        queryError = withoutField(answer.message);
        status = answer.status;
      } else {
        users = (answer.body as { items: UserRow[] }).items;
      }
    }
    const language = deps.language(ctx);
    const body = usersPageBody({ language, csrfToken: request.session.csrfToken, query, users, queryError, notice });
    sendConsolePage(ctx, request, { language, section: 'users', title: consoleText(language).usersTitle, body, status });
  }

  router.get('/users', async (ctx) => {
    const request = await deps.signedIn(ctx);
    if (request === undefined) return;
    const q = typeof ctx.query['q'] === 'string' ? ctx.query['q'] : undefined;
    const done = ctx.query['done'];
    const text = consoleText(deps.language(ctx));
    const words: Record<string, string> = { disabled: text.userDisabled, enabled: text.userEnabled, 'signed-out': text.userSignedOut };
    const notice = typeof done === 'string' && words[done] !== undefined ? { kind: 'done' as const, text: words[done] } : undefined;
    await render(ctx, request, q, notice);
  });

  const DONE = { disable: 'disabled', enable: 'enabled', 'sign-out': 'signed-out' } as const;
  for (const action of ['disable', 'enable', 'sign-out'] as const) {
    router.post(`/users/:sub/${action}`, async (ctx) => {
      const posted = await deps.signedInForm(ctx);
      if (posted === undefined) return;
      const { request, form } = posted;
      const sub = ctx.params['sub'] ?? '';
      const answer = await request.api.call('POST', `/users/${encodeURIComponent(sub)}/${action}`);
      const q = form.get('q')?.trim() || sub;
      if (answer.kind === 'ok') {
        redirectAfterChange(ctx, `/console/users?${new URLSearchParams({ q, done: DONE[action] }).toString()}`);
        return;
      }
      if (await request.refusedAccess(answer)) return;
      await render(ctx, request, q, { kind: 'error', text: answer.message }, refusalStatus(answer.status));
    });
  }
}
