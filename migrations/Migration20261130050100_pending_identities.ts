/**
 * Issue 17 #2, "bind or register": a new website / official-account identity is held, bound to its
 * interaction, while its person chooses to link it by scan or create an account. Forward-only (house-style §8).
 */
import { Migration } from '@mikro-orm/migrations';

export class Migration20261130050100_pending_identities extends Migration {
  override name = 'Migration20261130050100_pending_identities';

  override up(): void {
    // A new table: no locking concerns. Rows live minutes; the expiry index serves the cleanup.
    this.addSql(`create table "pending_identities" ("interaction_uid" varchar(64) not null, "app_id" varchar(32) not null, "open_id" varchar(64) not null, "union_id" varchar(64) null, "open_platform_id" varchar(64) null, "profile" jsonb null, "expires_at" timestamptz not null, "created_at" timestamptz not null, primary key ("interaction_uid"));`);
    this.addSql(`create index "pending_identities__expires_at" on "pending_identities" ("expires_at");`);
  }
}
