/**
 * Issue 16: oidc_payloads' grant_id, uid and user_code indexes become partial (WHERE … IS NOT NULL).
 * Most rows leave these columns NULL — a Grant row has no grant_id, no token row has a uid or a
 * user_code — yet a full btree indexes NULLs too, so every login paid for five index entries nobody
 * looks up. Every lookup is `column = value`, which implies IS NOT NULL: the planner keeps using them.
 * Written by hand (the schema diff does not model expression indexes; the snapshot was edited to match).
 * Each index is rebuilt inside the migration's transaction, which blocks writes to oidc_payloads for
 * the build (seconds for millions of rows); run it in a quiet moment on a large table.
 * Reversible: down() rebuilds the full indexes.
 */
import { Migration } from '@mikro-orm/migrations';

const COLUMNS = [['oidc_payloads__grant_id', 'grant_id'], ['oidc_payloads__uid', 'uid'], ['oidc_payloads__user_code', 'user_code']] as const;

export class Migration20261130001357_partial_payload_indexes extends Migration {
  override name = 'Migration20261130001357_partial_payload_indexes';

  override up(): void {
    for (const [index, column] of COLUMNS) {
      this.addSql(`drop index "${index}";`);
      this.addSql(`create index "${index}" on "oidc_payloads" ("${column}") where "${column}" is not null;`);
    }
  }

  override down(): void {
    for (const [index, column] of COLUMNS) {
      this.addSql(`drop index "${index}";`);
      this.addSql(`create index "${index}" on "oidc_payloads" ("${column}");`);
    }
  }
}
