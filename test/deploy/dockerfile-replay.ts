/**
 * Replays the Dockerfile's steps without a container engine: each stage is a folder standing for the
 * stage's filesystem, COPY copies from the build context (honouring .dockerignore) or from an earlier
 * stage, RUN runs in `sh` there, ENV/USER/CMD/HEALTHCHECK are recorded for the caller to run. Only the
 * instructions our Dockerfile uses are understood; anything else fails loudly, so the replay cannot
 * silently drift from the real build.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';

export interface Instruction { readonly keyword: string; readonly args: string }
export interface Stage { readonly name: string; readonly instructions: readonly Instruction[] }

export interface ReplayedImage {
  /** The final stage's working directory (its copy of /app). */
  readonly workDir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly user: string | undefined;
  readonly cmd: readonly string[];
  readonly healthcheck: readonly string[] | undefined;
}

/** Stages with their instructions; continuation lines joined, comments dropped (as docker does). */
export function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue;
    const continued = /\\\s*$/.test(line);
    pending += continued ? line.replace(/\\\s*$/, ' ') : line;
    if (!continued) {
      if (pending.trim() !== '') logical.push(pending.trim());
      pending = '';
    }
  }
  const stages: { name: string; instructions: Instruction[] }[] = [];
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') {
      stages.push({ name: /\bAS\s+(\S+)$/i.exec(args)?.[1] ?? String(stages.length), instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (stage === undefined) throw new Error(`Dockerfile: ${keyword} before FROM`);
      stage.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

export interface ReplayOptions {
  readonly dockerfile: string;
  /** The build context (the repository). */
  readonly context: string;
  /** An empty folder for the stages' filesystems. */
  readonly scratch: string;
  /** Environment of RUN steps (PATH with a Node 24 and npm). */
  readonly runEnv: Readonly<Record<string, string>>;
}

export function replayDockerfile(options: ReplayOptions): ReplayedImage {
  const stages = parseDockerfile(readFileSync(options.dockerfile, 'utf8'));
  const roots = new Map<string, string>();
  const ignored = dockerignore(options.context);
  let image: ReplayedImage | undefined;
  for (const stage of stages) {
    const root = join(options.scratch, `stage-${stage.name}`);
    roots.set(stage.name, root);
    const state = { workDir: root, env: {} as Record<string, string>, user: undefined as string | undefined, cmd: [] as string[], healthcheck: undefined as string[] | undefined };
    for (const { keyword, args } of stage.instructions) {
      switch (keyword) {
        case 'WORKDIR':
          state.workDir = join(root, args);
          mkdirSync(state.workDir, { recursive: true });
          break;
        case 'COPY':
          copy(args, { root, workDir: state.workDir, context: options.context, roots, ignored });
          break;
        case 'RUN':
          if (args.startsWith('[')) throw new Error(`Dockerfile: exec-form RUN is not replayed: ${args}`);
          execFileSync('sh', ['-c', args], { cwd: state.workDir, env: { ...options.runEnv, ...state.env }, stdio: 'pipe', timeout: 120_000 });
          break;
        case 'ENV':
          Object.assign(state.env, parseEnv(args));
          break;
        case 'USER':
          state.user = args;
          break;
        case 'CMD':
          state.cmd = JSON.parse(args) as string[];
          break;
        case 'HEALTHCHECK':
          state.healthcheck = JSON.parse(args.replace(/^(--\S+\s+)*CMD\s+/, '')) as string[];
          break;
        case 'EXPOSE':
          break;
        default:
          throw new Error(`Dockerfile: ${keyword} is not replayed by test/deploy/dockerfile-replay.ts: teach it before using it`);
      }
    }
    image = state;
  }
  if (image === undefined) throw new Error('Dockerfile: no stage');
  return image;
}

interface CopyContext {
  readonly root: string;
  readonly workDir: string;
  readonly context: string;
  readonly roots: ReadonlyMap<string, string>;
  readonly ignored: (path: string) => boolean;
}

/** COPY [--from=stage] <src>... <dest>: a directory's contents go into dest, a file into dest (or dest/name). */
function copy(args: string, at: CopyContext): void {
  const words = args.split(/\s+/);
  const from = /^--from=(\S+)$/.exec(words[0] ?? '')?.[1];
  const paths = from === undefined ? words : words.slice(1);
  if (paths.some((word) => word.startsWith('--'))) throw new Error(`Dockerfile: COPY option not replayed: ${args}`);
  const destination = paths.pop() ?? '';
  const target = isAbsolute(destination) ? join(at.root, destination) : join(at.workDir, destination);
  const sourceRoot = from === undefined ? at.context : at.roots.get(from);
  if (sourceRoot === undefined) throw new Error(`Dockerfile: COPY --from=${String(from)}: no such stage`);
  for (const source of paths) {
    const path = join(sourceRoot, source);
    if (!existsSync(path)) throw new Error(`Dockerfile: COPY ${source}: not found (${path})`);
    const into = statSync(path).isDirectory() || !(destination.endsWith('/') || paths.length > 1) ? target : join(target, basename(source));
    if (from === undefined) {
      cpSync(path, into, { recursive: true, filter: (file) => !at.ignored(relative(at.context, file)), verbatimSymlinks: true });
    } else {
      // Between stages (node_modules: thousands of files) the system's cp is many times faster than cpSync.
      mkdirSync(dirname(into), { recursive: true });
      execFileSync('cp', ['-a', statSync(path).isDirectory() ? `${path}/.` : path, into]);
    }
  }
}

/** `ENV A=1 B=2` (the key=value form; the legacy `ENV A 1` is refused). */
function parseEnv(args: string): Record<string, string> {
  const pairs = [...args.matchAll(/(\w+)=("[^"]*"|\S+)/g)];
  if (pairs.length === 0) throw new Error(`Dockerfile: ENV ${args}: only the KEY=value form is replayed`);
  return Object.fromEntries(pairs.map(([, key = '', value = '']) => [key, value.replace(/^"|"$/g, '')]));
}

/** .dockerignore with plain top-level names (what ours holds); patterns with wildcards are refused. */
function dockerignore(context: string): (path: string) => boolean {
  const file = join(context, '.dockerignore');
  const entries = existsSync(file) ? readFileSync(file, 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#')) : [];
  for (const entry of entries) if (/[*?![\]]/.test(entry)) throw new Error(`.dockerignore: pattern ${entry} is not replayed`);
  return (path) => entries.some((entry) => path === entry || path.startsWith(`${entry}/`));
}
