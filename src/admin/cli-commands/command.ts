/** What a CLI command is (design.md §6) and the small argv helpers every command file shares. */
import type { ParseArgsConfig } from 'node:util';
import { OIDC_SCOPES } from '../../clients/client-metadata.ts';
import type { AdminServices } from '../admin-services.ts';
import { UsageError, type Output } from '../cli-io.ts';
import { parseDuration } from '../duration.ts';

export interface CommandContext {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
  readonly services: AdminServices;
  readonly out: Output;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin: AsyncIterable<Buffer | string>;
}

export interface Command {
  readonly usage: string;
  readonly summary: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  run(ctx: CommandContext): Promise<void>;
}

export const str = (ctx: CommandContext, name: string): string | undefined => {
  const value = ctx.values[name];
  return typeof value === 'string' ? value : undefined;
};

export const required = (ctx: CommandContext, name: string): string => {
  const value = str(ctx, name);
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
};

/** `{ key: value }` when the option was given, `{}` otherwise (exactOptionalPropertyTypes-friendly). */
export const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

export const integer = (ctx: CommandContext, name: string): number | undefined => {
  const value = str(ctx, name);
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value)) throw new UsageError(`--${name} must be a whole number`);
  return Number(value);
};

export const duration = (ctx: CommandContext, name: string): number | undefined => {
  const value = str(ctx, name);
  if (value === undefined) return undefined;
  const seconds = parseDuration(value);
  if (seconds === undefined) throw new UsageError(`--${name} must be a duration such as 0, 90s, 30m, 1h or 2d`);
  return seconds;
};

export const sub = (ctx: CommandContext): string => {
  const value = ctx.positionals[0];
  if (value === undefined) throw new UsageError('the account id (sub) is required');
  return value;
};

/** `--scope "openid profile orders:read" --resource <uri>` → OIDC scopes and one resource's API scopes. */
export function splitScopes(ctx: CommandContext): { oidcScopes: string[]; resource: string | undefined; resources: Record<string, string> } {
  const scopes = (str(ctx, 'scope') ?? '').split(' ').filter((s) => s !== '');
  const isOidc = (s: string): boolean => (OIDC_SCOPES as readonly string[]).includes(s);
  const apiScopes = scopes.filter((s) => !isOidc(s));
  const resource = str(ctx, 'resource');
  if (resource === undefined && apiScopes.length > 0) throw new UsageError(`scopes ${apiScopes.join(' ')} need --resource`);
  return { oidcScopes: scopes.filter(isOidc), resource, resources: resource === undefined ? {} : { [resource]: apiScopes.join(' ') } };
}

/** Tab-separated rows, or `empty` when there are none. */
export const table = (rows: readonly (readonly (string | number | null | undefined)[])[], empty: string): string =>
  rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '-' : String(cell))).join('\t')).join('\n') || empty;
