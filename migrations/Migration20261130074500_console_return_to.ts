/**
 * Console sign-ins remember the console page that sent the admin to sign in (issue 14 #2, ADR 0025
 * addendum), so the callback returns there. Generated from the entity, then edited by hand.
 * Forward-only (house-style §8): no down().
 */
import { Migration } from '@mikro-orm/migrations';

export class Migration20261130074500_console_return_to extends Migration {
  override name = 'Migration20261130074500_console_return_to';

  override up(): void {
    // A nullable column without a default: PostgreSQL adds it without rewriting the table.
    this.addSql(`alter table "console_sessions" add "return_to" varchar(512) null;`);
  }
}
