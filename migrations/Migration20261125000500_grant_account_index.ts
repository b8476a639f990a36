/**
 * Index for revoking an account's grants (`users disable`, design.md §6): finds Grant rows by
 * the accountId inside their payload. Partial, so token rows do not pay for it. Written by hand:
 * MikroORM's schema diff does not model expression indexes (the snapshot is unaffected).
 */
import { Migration } from '@mikro-orm/migrations';

export class Migration20261125000500_grant_account_index extends Migration {
  override name = 'Migration20261125000500_grant_account_index';

  override up(): void {
    this.addSql(`create index "oidc_payloads__grant_account_id" on "oidc_payloads" ((payload->>'accountId')) where model = 'Grant';`);
  }
}
