/**
 * Issue 13 leftovers: a web sign-in ticket keeps the mini-program code made for it (sealed with a key
 * derived from its scene), so a reloaded scan page shows it again without a WeChat call, and the tickets
 * of one interaction are found (and counted) by its uid. Forward-only (house-style §8): no down().
 */
import { Migration } from '@mikro-orm/migrations';

export class Migration20261130050000_web_sign_in_codes extends Migration {
  override name = 'Migration20261130050000_web_sign_in_codes';

  override up(): void {
    // Nullable columns without a default: catalogue changes only, no table rewrite. The table holds
    // at most a few minutes of tickets, so the plain index build is brief.
    this.addSql(`alter table "web_sign_in_tickets" add "code_type" varchar(64) null, add "code_sealed" bytea null;`);
    this.addSql(`create index "web_sign_in_tickets__interaction_uid" on "web_sign_in_tickets" ("interaction_uid");`);
  }
}
