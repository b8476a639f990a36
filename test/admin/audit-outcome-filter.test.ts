// GET /admin/v1/audit?outcome=success|failure (issue 14 #3: the console's audit log filters by outcome),
// and the CLI's `audit list --outcome` calling the same query.
import { describe, expect, it } from 'vitest';
import { adminApi } from '../support/admin-api.ts';
import { runCli } from '../support/cli-process.ts';
import { postToken } from '../support/oidc-client.ts';
import { startTestApp } from '../support/test-app.ts';

interface AuditPage { items: { id: string; action: string; outcome: string; reason: string | null }[]; nextCursor: string | null }

describe('GET /admin/v1/audit?outcome= (issue 14 #3)', () => {
  it('keeps only the events of that outcome, combines with the other filters and paging, and refuses another value', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    // Two failures and one success of the same action: client_credentials with a wrong secret, then the right one.
    for (const n of [1, 2]) {
      expect((await postToken(app.baseUrl, { grant_type: 'client_credentials', client_id: api.clientId, client_secret: `wrong-${String(n)}` })).status).toBe(401);
    }
    await api.token();
    const page = async (query: string): Promise<AuditPage> => {
      const answer = await api.call('GET', `/audit?action=token.client_credentials&client_id=${api.clientId}&${query}`);
      expect(answer.status).toBe(200);
      return answer.body as AuditPage;
    };
    // Token events are written after the answer (they never slow a login): wait for all three.
    await expect.poll(async () => (await page('limit=50')).items.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);

    const failures = await page('outcome=failure');
    expect(failures.items.map((e) => [e.outcome, e.reason])).toEqual([['failure', 'invalid_client'], ['failure', 'invalid_client']]);
    const successes = await page('outcome=success');
    expect(successes.items.length).toBeGreaterThanOrEqual(1);
    expect(successes.items.every((e) => e.outcome === 'success')).toBe(true);

    // The cursor pages within the filtered view.
    const first = await page('outcome=failure&limit=1');
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const second = await page(`outcome=failure&limit=1&cursor=${first.nextCursor ?? ''}`);
    expect(second.items.map((e) => e.outcome)).toEqual(['failure']);
    expect(second.items[0]?.id).not.toBe(first.items[0]?.id);

    for (const bad of ['FAILURE', 'failed', '']) {
      const refused = await api.call('GET', `/audit?outcome=${bad}`);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: 'request.invalid', message: expect.stringMatching(/^outcome: /) as string });
    }

    // The CLI runs the same query.
    const listed = await runCli(app, ['audit', 'list', '--action', 'token.client_credentials', '--client-id', api.clientId, '--outcome', 'failure', '--json']);
    expect(listed.code).toBe(0);
    expect((listed.json() as AuditPage).items.map((e) => e.id)).toEqual(failures.items.map((e) => e.id));
    expect((await runCli(app, ['audit', 'list', '--outcome', 'maybe'])).code).not.toBe(0);
  });
});
