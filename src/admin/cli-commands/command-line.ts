/**
 * Reads a command's arguments before anything is opened (design.md §6, issue 18 #2, #11): node:util
 * parseArgs refuses unknown options, then this refuses what parseArgs would let through silently — an
 * option given twice, a stray word, two variants at once, an option the chosen variant would ignore, a
 * required option missing. Each command declares these in its CommandSpec; no command is special-cased.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../cli-io.ts';
import type { CommandSpec, Variant } from './command.ts';

export interface CommandLine {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
}

export function readCommandLine(spec: CommandSpec, args: readonly string[]): CommandLine {
  const { values, positionals, given } = parse(spec, args);
  refuseRepeats(spec, given);
  refuseStrayWords(spec, positionals);
  requireOptions(spec.required ?? [], given, '');
  checkValues(spec, values);
  const variant = chosenVariant(spec.variants ?? [], given);
  if (variant !== undefined) {
    refuseIgnored(spec.variants ?? [], variant, given);
    requireOptions(variant.requires ?? [], given, ` for ${describe(variant)}`);
  }
  spec.check?.({ values });
  return { values, positionals };
}

function parse(spec: CommandSpec, args: readonly string[]): CommandLine & { given: string[] } {
  try {
    const { values, positionals, tokens } = parseArgs({ args: [...args], options: spec.options, allowPositionals: true, strict: true, tokens: true });
    return { values, positionals, given: tokens.flatMap((token) => (token.kind === 'option' ? [token.name] : [])) };
  } catch (error) {
    // node:util rejects unknown or malformed options with ERR_PARSE_ARGS_* TypeErrors.
    if (error instanceof TypeError && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) throw new UsageError(error.message);
    throw error;
  }
}

/** parseArgs keeps the last of a repeated single-valued option: the first would be silently dropped. */
function refuseRepeats(spec: CommandSpec, given: readonly string[]): void {
  const repeated = given.find((name, i) => given.indexOf(name) !== i && spec.options[name]?.multiple !== true);
  if (repeated !== undefined) throw new UsageError(`--${repeated} is given more than once; give it once`);
}

function refuseStrayWords(spec: CommandSpec, positionals: readonly string[]): void {
  const expected = spec.arguments ?? [];
  const stray = positionals[expected.length];
  if (stray !== undefined) throw new UsageError(`unexpected argument "${stray}" (usage: wxbridge ${spec.usage})`);
  const missing = expected[positionals.length];
  if (missing !== undefined) throw new UsageError(`<${missing}> is required (usage: wxbridge ${spec.usage})`);
}

function requireOptions(names: readonly string[], given: readonly string[], context: string): void {
  const missing = names.filter((name) => !given.includes(name)).map((name) => `--${name}`);
  if (missing.length > 0) throw new UsageError(`${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} required${context}`);
}

function checkValues(spec: CommandSpec, values: CommandLine['values']): void {
  for (const [name, check] of Object.entries(spec.checks ?? {})) {
    const value = values[name];
    for (const one of Array.isArray(value) ? value : [value]) {
      const problem = typeof one === 'string' ? check(one) : undefined;
      if (problem !== undefined) throw new UsageError(`--${name} ${problem}`);
    }
  }
}

function chosenVariant(variants: readonly Variant[], given: readonly string[]): Variant | undefined {
  if (variants.length === 0) return undefined;
  const chosen = variants.filter((v) => v.chosenBy !== undefined && given.includes(v.chosenBy));
  if (chosen.length > 1) {
    throw new UsageError(`${chosen.map((v) => `--${v.chosenBy ?? ''}`).join(' and ')} cannot be combined: ${chosen.map((v) => v.name).join(' or ')}, not both`);
  }
  const variant = chosen[0] ?? variants.find((v) => v.chosenBy === undefined);
  if (variant === undefined) throw new UsageError(`one of ${variants.map((v) => `--${v.chosenBy ?? ''}`).join(', ')} is required`);
  return variant;
}

function refuseIgnored(variants: readonly Variant[], variant: Variant, given: readonly string[]): void {
  const takes = (v: Variant, name: string): boolean => v.chosenBy === name || v.takes.includes(name);
  // Options no variant names are common to all of them.
  const ignored = given.find((name) => variants.some((v) => takes(v, name)) && !takes(variant, name));
  if (ignored === undefined) return;
  const takers = variants.filter((v) => takes(v, ignored)).map(describe).join(' or ');
  throw new UsageError(`--${ignored} does not apply to ${describe(variant)}; it goes with ${takers}`);
}

function describe(variant: Variant): string {
  return variant.chosenBy === undefined ? `${variant.name} (the default)` : `${variant.name} (--${variant.chosenBy})`;
}
