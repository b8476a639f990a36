/**
 * Opens the database the configuration names: DATABASE_URL, or an embedded PostgreSQL under the
 * data folder (design.md §7). Outside production pending migrations are applied at start so that
 * `npm start` needs no setup; production only checks and refuses to start with pending migrations
 * (they are a separate deployment step: `wxbridge migrate`, house-style §8).
 */
import { readdirSync } from 'node:fs';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres.ts';
import { MIGRATIONS_PATH } from './orm-config.ts';
import { initOrm, isDatabaseReachable, migrate, type Orm } from './orm.ts';
import { queryRows, sql } from './sql.ts';

export interface Database {
  readonly orm: Orm;
  isReachable(): Promise<boolean>;
  close(): Promise<void>;
}

export async function resolveDatabaseUrl(config: Config, logger: Logger): Promise<{ url: string; embedded: EmbeddedDatabase | undefined }> {
  if (config.database.url !== undefined) return { url: config.database.url, embedded: undefined };
  const embedded = await startEmbeddedPostgres({
    dataDir: config.dataDir,
    database: 'wxbridge',
    onLog: (line) => { logger.trace({ postgres: line }, 'embedded PostgreSQL'); },
  });
  logger.info({ dataDir: config.dataDir, owned: embedded.owned }, 'using embedded PostgreSQL');
  return { url: embedded.url, embedded };
}

/** Resolves the database, connects and migrates; on any failure releases what it had started. */
async function connectAndMigrate(config: Config, logger: Logger, poolSize: number): Promise<{ url: string; orm: Orm; embedded: EmbeddedDatabase | undefined }> {
  const { url, embedded } = await resolveDatabaseUrl(config, logger);
  let orm: Orm | undefined;
  try {
    orm = await initOrm({ url, poolSize });
    await applyOrCheckMigrations(orm, config, logger);
    return { url, orm, embedded };
  } catch (error) {
    await orm?.close();
    await embedded?.stop();
    throw error;
  }
}

export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  const { orm: opened, embedded } = await connectAndMigrate(config, logger, config.database.poolSize);
  return {
    orm: opened,
    isReachable: () => isDatabaseReachable(opened),
    async close() {
      await opened.close();
      await embedded?.stop();
    },
  };
}

/** A database resolved and migrated once by a primary process (src/cluster/) for its workers. */
export interface PreparedDatabase {
  /** What the workers connect to (DATABASE_URL, or the embedded cluster's URL). */
  readonly url: string;
  /** A small ORM for the primary's own checks; closed by release(). */
  readonly orm: Orm;
  release(): Promise<void>;
  /** Releases the ORM and stops the embedded PostgreSQL, if this process started it. */
  stop(): Promise<void>;
}

export async function prepareDatabase(config: Config, logger: Logger): Promise<PreparedDatabase> {
  const { url, orm: opened, embedded } = await connectAndMigrate(config, logger, 2);
  let released = false;
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    await opened.close();
  };
  return {
    url,
    orm: opened,
    release,
    async stop() {
      await release();
      await embedded?.stop();
    },
  };
}

async function applyOrCheckMigrations(orm: Orm, config: Config, logger: Logger): Promise<void> {
  if (config.env === 'production') {
    const pending = await pendingMigrations(orm.em.fork());
    if (pending.length > 0) {
      throw new AppError('database.migrations_pending', `the database has ${pending.length} pending migration(s), from ${pending[0] ?? ''}; run \`wxbridge migrate\` first`);
    }
    return;
  }
  const applied = await migrate(orm);
  if (applied.length > 0) logger.info({ applied }, 'applied database migrations');
}

/**
 * The migrations not yet applied, read without writing anything (issue 18 #4): MikroORM's own check
 * creates its bookkeeping table, and a wrong DATABASE_URL in production must stay untouched.
 */
async function pendingMigrations(em: EntityManager): Promise<string[]> {
  const known = readdirSync(MIGRATIONS_PATH).filter((file) => /^Migration\w+\.(?:ts|js)$/.test(file)).map((file) => file.replace(/\.(?:ts|js)$/, '')).sort();
  const [table] = await queryRows<{ present: boolean }>(em, sql`select to_regclass('mikro_orm_migrations') is not null as present`);
  const applied = table?.present === true ? (await queryRows<{ name: string }>(em, sql`select name from mikro_orm_migrations`)).map((row) => row.name) : [];
  return known.filter((name) => !applied.includes(name));
}
