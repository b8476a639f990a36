import { describe, expect, it } from 'vitest';
import { UsageError } from '../cli-io.ts';
import { readCommandLine } from './command-line.ts';
import { wholeNumber, type CommandSpec } from './command.ts';

/** A command with three kinds of thing to make, as `clients add` has: any new kind is one more variant. */
const SPEC: CommandSpec = {
  usage: 'things add --id <id> [--web --redirect-uri <uri>... | --robot] [--scope "..."] [--limit n]',
  summary: 'add a thing',
  options: {
    id: { type: 'string' }, web: { type: 'boolean' }, 'redirect-uri': { type: 'string', multiple: true }, robot: { type: 'boolean' },
    scope: { type: 'string' }, limit: { type: 'string' },
  },
  required: ['id'],
  checks: { limit: wholeNumber({ min: 1, max: 200 }) },
  variants: [
    { name: 'a web thing', chosenBy: 'web', takes: ['redirect-uri', 'scope'], requires: ['redirect-uri'] },
    { name: 'a robot', chosenBy: 'robot', takes: [] },
    { name: 'a plain thing', takes: ['scope'] },
  ],
};

const read = (...args: string[]) => readCommandLine(SPEC, args);

describe('readCommandLine (issue 18 #2, #11)', () => {
  it('accepts each variant with the options it takes, and repeats of a multiple option', () => {
    expect(read('--id', 'a', '--web', '--redirect-uri', 'https://a/cb', '--redirect-uri', 'https://b/cb').values).toMatchObject({ web: true, 'redirect-uri': ['https://a/cb', 'https://b/cb'] });
    expect(read('--id', 'a', '--robot', '--limit', '5').values).toMatchObject({ robot: true, limit: '5' });
    expect(read('--id', 'a', '--scope', 'x').values).toMatchObject({ scope: 'x' });
  });

  it.each<[string[], string]>([
    [['--id', 'a', '--redirect-uri', 'https://a/cb'], '--redirect-uri does not apply to a plain thing (the default); it goes with a web thing (--web)'],
    [['--id', 'a', '--robot', '--scope', 'x'], '--scope does not apply to a robot (--robot); it goes with a web thing (--web) or a plain thing (the default)'],
    [['--id', 'a', '--web', '--robot'], '--web and --robot cannot be combined: a web thing or a robot, not both'],
    [['--id', 'a', '--web'], '--redirect-uri is required for a web thing (--web)'],
    [['--web'], '--id is required'],
    [['--id', 'a', '--id', 'b'], '--id is given more than once; give it once'],
    [['--id', 'a', 'stray'], 'unexpected argument "stray" (usage: wxbridge things add --id <id> [--web --redirect-uri <uri>... | --robot] [--scope "..."] [--limit n])'],
    [['--id', 'a', '--limit', '0'], '--limit must be a whole number from 1 to 200'],
    [['--id', 'a', '--colour', 'red'], "Unknown option '--colour'"],
  ])('refuses %j', (args, message) => {
    expect(() => read(...args)).toThrow(UsageError);
    expect(() => read(...args)).toThrow(message);
  });
});
