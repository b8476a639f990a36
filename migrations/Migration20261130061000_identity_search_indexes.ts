/**
 * Issue 14 #3: the console's Users search (and `wxbridge users find`) matches an openid or a unionid
 * alone, without the app or Open Platform that leads the existing indexes ((app_id, open_id) unique,
 * (open_platform_id, union_id)): at a million identities that was a sequential scan per search. Two
 * narrow indexes make it an index lookup; the unionid one is partial (most identities have none), so
 * a first login without a unionid maintains one index more, not two.
 * Written by hand, declared in the entity too (the partial one as an expression index), so the schema
 * diff finds nothing to change.
 */
import { Migration } from '@mikro-orm/migrations';

export class Migration20261130061000_identity_search_indexes extends Migration {
  override name = 'Migration20261130061000_identity_search_indexes';

  override up(): void {
    this.addSql('create index "wechat_identities__open_id" on "wechat_identities" ("open_id");');
    this.addSql('create index "wechat_identities__union_id" on "wechat_identities" ("union_id") where "union_id" is not null;');
  }

  override down(): void {
    this.addSql('drop index "wechat_identities__open_id";');
    this.addSql('drop index "wechat_identities__union_id";');
  }
}
