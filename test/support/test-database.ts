/**
 * A fresh database per test file, cloned from the migrated template (CREATE DATABASE … TEMPLATE),
 * dropped when the file finishes. Files therefore never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { withAdmin, withDatabase } from './global-setup.ts';

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('adminDatabaseUrl');
  const template = inject('templateDatabase');
  const name = `wxbridge_test_${randomBytes(6).toString('hex')}`;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}`));
      break;
    } catch (error) {
      // Two clones of one template at the same instant can collide ("being accessed by other users").
      if (attempt >= 10 || !String(error).includes('being accessed')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
  // Cleanup only: the file's tests have run, and the embedded cluster is discarded after the suite. On a loaded
  // machine a DROP can wait long behind checkpoints (CI once saw it pass 60 s), so it gets its own bound and a
  // failure is a warning, not a failed file.
  afterAll(async () => {
    await withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`))
      .catch((error: unknown) => { console.warn(`test database ${name} was not dropped: ${String(error)}`); });
  }, 180_000);
  return { url: withDatabase(adminUrl, name), name };
}
