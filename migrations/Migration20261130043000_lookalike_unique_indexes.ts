/**
 * Issue #15 finding 8: client ids and resource-server URIs that differ only in letter case or trailing
 * slashes are refused by a pre-insert check (src/clients/lookalikes.ts); two registrations racing past
 * that check could still both be stored. A unique index on the same normalised form (lookalikeKey:
 * lower case, trailing slashes removed) makes the database the guarantee: the loser's INSERT fails with
 * a unique violation, answered 409 client.conflict like an exact duplicate.
 * Written by hand: MikroORM's schema diff does not model expression indexes (the snapshot is unaffected).
 * A database that already holds lookalikes (registered before the check existed) fails this migration
 * with PostgreSQL's "could not create unique index … is duplicated" naming the key: rename or remove one
 * of the pair (`wxbridge clients remove`), then migrate again.
 */
import { Migration } from '@mikro-orm/migrations';

export class Migration20261130043000_lookalike_unique_indexes extends Migration {
  override name = 'Migration20261130043000_lookalike_unique_indexes';

  override up(): void {
    this.addSql(`create unique index "clients__client_id_lookalike" on "clients" ((lower(rtrim("client_id", '/'))));`);
    this.addSql(`create unique index "resource_servers__uri_lookalike" on "resource_servers" ((lower(rtrim("uri", '/'))));`);
  }

  override down(): void {
    this.addSql(`drop index "clients__client_id_lookalike";`);
    this.addSql(`drop index "resource_servers__uri_lookalike";`);
  }
}
