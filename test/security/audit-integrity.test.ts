/**
 * Issue #15 finding 1: an audit row is never lost because of another request's input. Before the
 * fix one NUL byte in a client_id made PostgreSQL refuse the whole multi-row INSERT, erasing the
 * honest requests (and a secret guesser's attempts) batched with it.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../src/audit/audit-log.ts';
import { initOrm } from '../../src/db/orm.ts';
import { captureLogs } from '../support/captured-logs.ts';
import { randomName } from '../support/wechat-fixtures.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { adminApi } from '../support/admin-api.ts';
import { postToken } from '../support/oidc-client.ts';
import { startTestApp } from '../support/test-app.ts';

interface AuditItem { action: string; outcome: string; clientId: string | null; actor: string; reason: string | null }
interface AuditPage { items: AuditItem[] }

describe('audit rows survive hostile neighbours in the same batch (issue #15 finding 1)', () => {
  it('records all 20 successes and all 10 wrong-secret attempts sent together with NUL-byte client_ids', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const clientId = randomName('svc-audit');
    const registered = await app.admin.clients.register({ type: 'service', clientId });
    const secret = registered.clientSecret ?? '';
    const good = (): Promise<unknown> => postToken(app.baseUrl, { grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
    const wrong = (): Promise<unknown> => postToken(app.baseUrl, { grant_type: 'client_credentials', client_id: clientId, client_secret: 'guess' });
    const poison = (): Promise<unknown> => postToken(app.baseUrl, { grant_type: 'client_credentials', client_id: 'x\u0000', client_secret: 'y' });

    await Promise.all([...Array.from({ length: 20 }, good), ...Array.from({ length: 10 }, wrong), ...Array.from({ length: 30 }, poison)]);

    const events = async (): Promise<AuditItem[]> =>
      ((await api.call('GET', `/audit?client_id=${clientId}&action=token.client_credentials&limit=100`)).body as AuditPage).items;
    await expect.poll(async () => (await events()).length, { timeout: 15_000 }).toBe(30);
    const outcomes = (await events()).map((e) => e.outcome);
    expect(outcomes.filter((o) => o === 'success')).toHaveLength(20);
    expect(outcomes.filter((o) => o === 'failure')).toHaveLength(10);
    // The hostile requests are recorded too, their client_id made storable (NUL shown as U+FFFD).
    const hostile = ((await api.call('GET', `/audit?action=token.client_credentials&limit=100`)).body as AuditPage).items
      .filter((e) => e.clientId !== clientId && e.clientId !== api.clientId);
    expect(hostile).toHaveLength(30);
    expect(hostile.every((e) => e.clientId === 'x\uFFFD' && e.outcome === 'failure')).toBe(true);
    expect(app.logs.join('\n')).not.toContain('audit event could not be recorded');
  });
});

describe('audit log batch fallback (issue #15 finding 1)', () => {
  it('retries a refused batch row by row: a row PostgreSQL refuses loses only itself, and is counted', async () => {
    const database = await createTestDatabase();
    const orm = await initOrm({ url: database.url, poolSize: 2 });
    afterAll(() => orm.close());
    const em = (): EntityManager => orm.em.fork();
    // A refusal we did not foresee (not a NUL, not a length): a trigger in the real database.
    await em().getConnection().execute(`
      create function refuse_poison() returns trigger language plpgsql as $$
      begin if new.actor = 'poison' then raise exception 'refused'; end if; return new; end $$;
      create trigger refuse_poison before insert on audit_events for each row execute function refuse_poison();`);
    const captured = captureLogs();
    const counted = { written: 0, lost: 0 };
    const audit = createAuditLog({
      em, logger: captured.logger, now: () => new Date(),
      observer: { onRowsWritten: (n) => { counted.written += n; }, onRowsLost: (n) => { counted.lost += n; } },
    });
    const actors = Array.from({ length: 12 }, (_, n) => (n === 5 ? 'poison' : `actor-${String(n)}`));
    await Promise.all(actors.map((actor) => audit.record({ actor, action: 'test.batch', outcome: 'success', target: 'x\u0000y', after: { 'k\u0000': 'v\u0000' } })));
    await audit.flush();

    const stored = await em().getConnection().execute<{ actor: string; target: string; after: unknown }[]>(`select actor, target, after from audit_events where action = 'test.batch' order by id`);
    expect(stored.map((row) => row.actor)).toEqual(actors.filter((actor) => actor !== 'poison'));
    expect(stored[0]).toMatchObject({ target: 'x\uFFFDy', after: { 'k\uFFFD': 'v\uFFFD' } });
    expect(counted).toEqual({ written: 11, lost: 1 });
    expect(captured.lines.filter((line) => line.includes('audit event could not be recorded'))).toHaveLength(1);
  });
});
