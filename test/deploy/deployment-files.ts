/**
 * What the deployment-file tests share: where deploy/ is, which environment variables a deployment may
 * set (the config schema's, plus the few that land with later work), which of them are secrets, and a
 * check that a deployment's non-secret configuration would start wxbridge in production.
 */
import { join } from 'node:path';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config.ts';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const DEPLOY = join(ROOT, 'deploy');
export const CONFIG_DIR = join(ROOT, 'config');

/**
 * Set by the deployment files although src/config.ts does not read them: none since the metrics and
 * tracing variables joined the schema (issue 19). Remove an entry once the schema knows it (a test
 * below fails as a reminder).
 */
export const NOT_YET_IN_SCHEMA: readonly (string | RegExp)[] = [];

/** Variables whose values are secrets: they must come from a Secret / an env file, never from a manifest. */
export const SECRET_VARIABLES = ['WXBRIDGE_MASTER_KEY', 'DATABASE_URL', 'REDIS_URL'] as const;

export function isKnownVariable(name: string): boolean {
  return CONFIG_VARIABLES.includes(name) || NOT_YET_IN_SCHEMA.some((entry) => (typeof entry === 'string' ? entry === name : entry.test(name)));
}

/** The schema's variables the allow-list still names (should be none). */
export function redundantAllowances(): string[] {
  return CONFIG_VARIABLES.filter((name) => NOT_YET_IN_SCHEMA.some((entry) => (typeof entry === 'string' ? entry === name : entry.test(name))));
}

/** Placeholder secrets of the right shape, to check that the rest of a deployment's configuration starts wxbridge. */
export const PLACEHOLDER_SECRETS: Readonly<Record<string, string>> = {
  WXBRIDGE_MASTER_KEY: Buffer.alloc(32, 1).toString('base64'),
  DATABASE_URL: 'postgres://wxbridge:placeholder@postgres:5432/wxbridge',
  REDIS_URL: 'redis://:placeholder@redis:6379',
};

/** loadConfig's verdict on an environment, with config/<NODE_ENV>.env defaults as in the image: undefined = starts. */
export function configProblem(env: Readonly<Record<string, string>>): string | undefined {
  try {
    loadConfig(env, { configDir: CONFIG_DIR });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
