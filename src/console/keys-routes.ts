/** /console/keys (issue 14 #3): the signing keys from GET /admin/v1/keys, and rotation through POST /admin/v1/keys/rotate. */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { SIGNING_ALGORITHMS } from '../keys/signing-algorithms.ts';
import { fieldErrors, redirectAfterChange, refusalStatus, sendConsolePage, type ConsolePageDeps, type ConsoleRequest } from './console-request.ts';
import type { KeyRow } from './pages/key-timeline.ts';
import { keysPageBody, type KeysPage } from './pages/keys-page.ts';
import { keysText } from './pages/keys-text.ts';

/** A kid is a JWK thumbprint (base64url SHA-256): only such values from our own redirect are named in the notice. */
const KID = /^[\w-]{43}$/;

export function registerKeyPages(router: Router, deps: ConsolePageDeps): void {
  async function render(ctx: Context, request: ConsoleRequest, extra: Pick<KeysPage, 'rotated' | 'form'>, status = 200): Promise<void> {
    const answer = await request.api.call('GET', '/keys');
    if (answer.kind === 'refused') {
      if (await request.refusedAccess(answer)) return;
      throw new Error(`the admin API answered ${answer.status} ${answer.error}`);
    }
    const language = deps.language(ctx);
    const keys = (answer.body as { items: KeyRow[] }).items;
    const body = keysPageBody({ language, csrfToken: request.session.csrfToken, keys, now: deps.now(), algorithms: SIGNING_ALGORITHMS, ...extra });
    sendConsolePage(ctx, request, { language, section: 'keys', title: keysText(language).title, body, status });
  }

  router.get('/keys', async (ctx) => {
    const request = await deps.signedIn(ctx);
    if (request === undefined) return;
    const asked = ctx.query['rotated'];
    const rotated = typeof asked === 'string' ? asked.split(',').filter((kid) => KID.test(kid)) : [];
    await render(ctx, request, { rotated: rotated.length === 0 ? undefined : rotated });
  });

  router.post('/keys/rotate', async (ctx) => {
    const posted = await deps.signedInForm(ctx);
    if (posted === undefined) return;
    const { request, form } = posted;
    const typed = form.get('delaySeconds')?.trim() ?? '';
    const algs = form.getAll('algs');
    // The delay goes as typed when it is not a whole number, so the API's own message explains it.
    const answer = await request.api.call('POST', '/keys/rotate', { delaySeconds: /^-?\d+$/.test(typed) ? Number(typed) : typed, algs });
    if (answer.kind === 'ok') {
      const created = (answer.body as { created: KeyRow[] }).created.map((key) => key.kid);
      redirectAfterChange(ctx, `/console/keys?${new URLSearchParams({ rotated: created.join(',') }).toString()}`);
      return;
    }
    if (await request.refusedAccess(answer)) return;
    // The API names a bad delay `value` (it checks the number alone): it belongs to the delay field.
    const errors = fieldErrors(answer.message, ['delaySeconds', 'algs']);
    await render(ctx, request, { form: { delaySeconds: typed, algs, errors } }, refusalStatus(answer.status));
  });
}
