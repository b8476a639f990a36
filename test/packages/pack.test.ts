/**
 * The client packages as npm would publish them: `npm pack --dry-run --json` per package (which
 * builds dist/ through `prepack`) ships dist/ + README.md + LICENSE + package.json and nothing else,
 * the manifest points only at shipped files, the declarations import `.js` like the code beside
 * them, and the built entry exports what the sources export.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

interface PackResult { name: string; files: { path: string }[] }
interface Manifest {
  name: string; private?: boolean; license: string; type: string; main: string; types: string; miniprogram?: string;
  exports: Record<string, string | Record<string, string>>; files: string[]; sideEffects: boolean;
  engines: Record<string, string>; repository: { directory: string }; keywords: string[];
}

async function pack(dir: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json'], { cwd: join(ROOT, dir), maxBuffer: 10 * 1024 * 1024 });
  const [result] = JSON.parse(stdout) as PackResult[];
  return (result?.files ?? []).map((file) => file.path).sort();
}

/** Every path a manifest field names, without the leading ./ */
function namedPaths(manifest: Manifest): string[] {
  const targets = Object.values(manifest.exports).flatMap((target) => (typeof target === 'string' ? [target] : Object.values(target)));
  return [manifest.main, manifest.types, ...targets].map((path) => path.replace(/^\.\//, ''));
}

/** The SDK is CommonJS for WeChat DevTools' "Build npm" (dist/package.json says so), the verifier ESM. */
const PACKAGES = [
  { dir: 'packages/miniprogram-sdk', name: '@wxbridge/miniprogram-sdk', otherDistFiles: ['dist/package.json'], load: (entry: string) => Promise.resolve(createRequire(entry)(entry) as object) },
  { dir: 'packages/verifier', name: '@wxbridge/verifier', otherDistFiles: [], load: (entry: string) => import(entry) as Promise<object> },
];

describe('npm pack of the client packages (README: install from npm)', () => {
  for (const { dir, name, otherDistFiles, load } of PACKAGES) {
    it(`${name}: ships dist/, README.md, LICENSE and package.json only, and works as built`, { timeout: 120_000 }, async () => {
      const files = await pack(dir);
      const manifest = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as Manifest;
      expect(files.filter((path) => !path.startsWith('dist/'))).toEqual(['LICENSE', 'README.md', 'package.json']);
      const code = files.filter((path) => path.endsWith('.js'));
      expect(code.length).toBeGreaterThan(5);
      expect(files.filter((path) => path.startsWith('dist/') && !/\.(js|d\.ts)$/.test(path))).toEqual(otherDistFiles);
      for (const path of code) expect(files, `${path} has declarations`).toContain(path.replace(/\.js$/, '.d.ts'));

      expect(manifest).toMatchObject({ name, license: 'MIT', sideEffects: false, files: ['dist'], repository: { directory: dir } });
      expect(manifest.private).toBeUndefined();
      expect(Object.keys(manifest.engines)).toEqual(['node']);
      expect(manifest.keywords).toContain('wxbridge');
      for (const path of [...namedPaths(manifest), manifest.miniprogram ?? 'dist']) {
        expect(files.some((file) => file === path || file.startsWith(`${path}/`)), `${path} is shipped`).toBe(true);
      }

      for (const path of files.filter((file) => file.endsWith('.d.ts'))) {
        expect(readFileSync(join(ROOT, dir, path), 'utf8'), path).not.toMatch(/from '\.{1,2}\/[^']*\.ts'/);
      }
      const built = await load(join(ROOT, dir, manifest.main));
      const source = await import(join(ROOT, dir, 'src/index.ts')) as object;
      expect(Object.keys(built).sort()).toEqual(Object.keys(source).sort());
    });
  }
});
