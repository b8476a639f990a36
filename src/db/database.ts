/**
 * Opens the database the configuration names: DATABASE_URL, or an embedded PostgreSQL under the
 * data folder (design.md §7). Outside production pending migrations are applied at start so that
 * `npm start` needs no setup; production only checks and refuses to start with pending migrations
 * (they are a separate deployment step: `wxbridge migrate`, house-style §8).
 */
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres.ts';
import { initOrm, isDatabaseReachable, migrate, type Orm } from './orm.ts';

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
    const pending = await orm.migrator.getPending();
    if (pending.length > 0) {
      throw new Error(`the database has ${pending.length} pending migration(s); run \`wxbridge migrate\` first`);
    }
    return;
  }
  const applied = await migrate(orm);
  if (applied.length > 0) logger.info({ applied }, 'applied database migrations');
}
