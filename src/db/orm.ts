/** ORM bootstrap: init, migrate, health check, close. */
import { MikroORM } from '@mikro-orm/postgresql';
import { buildOrmConfig, type OrmSettings } from './orm-config.ts';

export type Orm = MikroORM;

export async function initOrm(settings: OrmSettings): Promise<Orm> {
  return MikroORM.init(buildOrmConfig(settings));
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(orm: Orm): Promise<string[]> {
  const applied = await orm.migrator.up();
  return applied.map((migration) => migration.name);
}

/** True when the database answers a trivial query within the pool's connect timeout. */
export async function isDatabaseReachable(orm: Orm): Promise<boolean> {
  try {
    await orm.em.getConnection().execute('select 1', [], 'get');
    return true;
  } catch {
    return false;
  }
}
