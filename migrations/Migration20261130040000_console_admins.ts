/**
 * The console (ADR 0025): the admin role per account, single-use admin invitations (token hashes
 * only) and console sessions (sealed tokens). Written by hand after the entities, then checked against
 * the snapshot the test setup regenerates. Forward-only (house-style §8): no down().
 */
import { Migration } from '@mikro-orm/migrations';

export class Migration20261130040000_console_admins extends Migration {
  override name = 'Migration20261130040000_console_admins';

  override up(): void {
    // A constant default: PostgreSQL ≥ 11 adds the column without rewriting accounts.
    this.addSql(`alter table "accounts" add "is_admin" boolean not null default false;`);
    // New tables: no locking concerns.
    this.addSql(`create table "admin_invitations" ("token_hash" varchar(64) not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "redeemed_at" timestamptz null, "redeemed_by" uuid null, primary key ("token_hash"));`);
    this.addSql(`create table "console_sessions" ("id_hash" varchar(64) not null, "csrf_token" varchar(64) not null, "state" varchar(64) null, "sealed_verifier" text null, "invitation_hash" varchar(64) null, "account_id" uuid null, "sealed_tokens" text null, "created_at" timestamptz not null, "expires_at" timestamptz not null, primary key ("id_hash"));`);
  }
}
