/**
 * Builds the publishable workspaces (packages/*) into their dist/, on every `npm ci` (the root
 * `prepare`), before `npm run check`, and before `npm pack` (each package's `prepack`):
 *   node scripts/build-packages.ts [package directory…]     (default: every packages/* with a tsconfig.build.json)
 * A production install (`npm ci --omit=dev`) has no TypeScript and needs no dist/: the server runs
 * the verifier core from source. Then this says so and exits 0.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

function typescriptCompiler(): string | undefined {
  try {
    return createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

/** A clean emit of `dir`/tsconfig.build.json, then the two fixes tsc leaves to us. */
function buildPackage(tsc: string, dir: string): void {
  const dist = join(dir, 'dist');
  const project = join(dir, 'tsconfig.build.json');
  rmSync(dist, { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, '-p', project], { stdio: 'inherit' });
  const files = readdirSync(dist, { recursive: true, encoding: 'utf8' });
  for (const file of files.filter((name) => name.endsWith('.d.ts'))) {
    const path = join(dist, file);
    writeFileSync(path, withJsSpecifiers(readFileSync(path, 'utf8')));
  }
  // The sources are ESM for this repository's tooling ("type": "module"); a CommonJS build must say so.
  const { compilerOptions } = JSON.parse(execFileSync(process.execPath, [tsc, '-p', project, '--showConfig'], { encoding: 'utf8' })) as { compilerOptions: { module?: string } };
  if (compilerOptions.module?.toLowerCase() === 'commonjs') writeFileSync(join(dist, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
}

/**
 * tsc rewrites `./x.ts` to `./x.js` in the JavaScript but not in declarations (TypeScript#61037);
 * older TypeScript versions and editors resolve only the `.js` form.
 */
function withJsSpecifiers(declarations: string): string {
  return declarations.replace(/((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2');
}

function packageDirs(args: readonly string[]): string[] {
  if (args.length > 0) return args.map((arg) => resolve(arg));
  const packages = join(ROOT, 'packages');
  return readdirSync(packages).map((name) => join(packages, name)).filter((dir) => existsSync(join(dir, 'tsconfig.build.json')));
}

const tsc = typescriptCompiler();
if (tsc === undefined) {
  console.log('build-packages: TypeScript is not installed (production install), packages/*/dist not built');
} else {
  for (const dir of packageDirs(process.argv.slice(2))) buildPackage(tsc, dir);
}
