/** What a CLI command is (design.md §6) and the small argv helpers every command file shares. */
import type { ParseArgsConfig } from 'node:util';
import type { AdminServices } from '../admin-services.ts';
import { UsageError, type Output } from '../cli-io.ts';
import { parseDuration } from '../duration.ts';

/** The parsed options, all a value check needs. */
export type Values = Pick<CommandContext, 'values'>;

export interface CommandContext {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
  readonly services: AdminServices;
  readonly out: Output;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin: AsyncIterable<Buffer | string>;
}

/** What `wxbridge <command> --help` says and which arguments the command takes (src/admin/cli-commands/command-line.ts checks them). */
export interface CommandSpec {
  readonly usage: string;
  readonly summary: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Its positional arguments, in order, all required (e.g. `['sub']`); any other word is refused. */
  readonly arguments?: readonly string[];
  /** Options every use of the command needs. */
  readonly required?: readonly string[];
  /** Checks of option values, each answering the problem or undefined (e.g. `{ limit: wholeNumber(PAGE_LIMIT) }`). */
  readonly checks?: Readonly<Record<string, ValueCheck>>;
  /** A check of the options taken together (throws a UsageError), run before anything is opened. */
  readonly check?: (line: Values) => void;
  /**
   * What the command can be asked to do, when options choose it (e.g. the kind of client). Options that
   * no variant names are common to all; an option the chosen variant does not take is refused, never ignored.
   */
  readonly variants?: readonly Variant[];
}

export type ValueCheck = (value: string) => string | undefined;

export const wholeNumber = (range: { min: number; max: number }): ValueCheck => (value) =>
  (/^\d{1,9}$/.test(value) && Number(value) >= range.min && Number(value) <= range.max ? undefined : `must be a whole number from ${range.min} to ${range.max}`);

export const aDuration: ValueCheck = (value) => (parseDuration(value) === undefined ? 'must be a duration such as 0, 90s, 30m, 1h or 2d' : undefined);

export interface Variant {
  /** What it makes, for messages: "a mini-program client". */
  readonly name: string;
  /** The boolean option that chooses it; absent for the variant used when none is given. */
  readonly chosenBy?: string;
  /** The options it takes (besides the common ones). */
  readonly takes: readonly string[];
  /** Of those, the ones it needs. */
  readonly requires?: readonly string[];
}

export interface Command extends CommandSpec {
  run(ctx: CommandContext): Promise<void>;
}

export const str = (ctx: Values, name: string): string | undefined => {
  const value = ctx.values[name];
  return typeof value === 'string' ? value : undefined;
};

export const required = (ctx: Values, name: string): string => {
  const value = str(ctx, name);
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
};

/** `{ key: value }` when the option was given, `{}` otherwise (exactOptionalPropertyTypes-friendly). */
export const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

/** A whole number within [min, max]: out of range is refused, never clamped (`--limit 0`, issue 18 #11). */
export const integer = (ctx: Values, name: string, range = { min: 0, max: 999_999_999 }): number | undefined => {
  const value = str(ctx, name);
  if (value === undefined) return undefined;
  const problem = wholeNumber(range)(value);
  if (problem !== undefined) throw new UsageError(`--${name} ${problem}`);
  return Number(value);
};

/** Page sizes of the list commands, as the admin API's `?limit=` (1–200). */
export const PAGE_LIMIT = { min: 1, max: 200 } as const;

export const duration = (ctx: Values, name: string): number | undefined => {
  const value = str(ctx, name);
  if (value === undefined) return undefined;
  const seconds = parseDuration(value);
  if (seconds === undefined) throw new UsageError(`--${name} ${aDuration(value) ?? ''}`);
  return seconds;
};

export const sub = (ctx: CommandContext): string => {
  const value = ctx.positionals[0];
  if (value === undefined) throw new UsageError('the account id (sub) is required');
  return value;
};

export const list = (ctx: Values, name: string): string[] => {
  const value = ctx.values[name];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
};

/** Tab-separated rows, or `empty` when there are none. */
export const table = (rows: readonly (readonly (string | number | null | undefined)[])[], empty: string): string =>
  rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '-' : String(cell))).join('\t')).join('\n') || empty;
