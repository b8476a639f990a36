/**
 * The packages src/ loads at run time: every bare specifier of a static or dynamic import or re-export
 * in a non-test source file, type-only imports left out (they are erased and need no package).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, relative } from 'node:path';

export interface BareImport { readonly file: string; readonly specifier: string; readonly pkg: string }

const STATIC = /(?:^|[\n;])\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\bfrom\s*)?['"]([^'"]+)['"]/g;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

export function bareImports(srcDir: string): BareImport[] {
  const files = readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('.d.ts'));
  return files.flatMap((file) => {
    const text = readFileSync(join(srcDir, file), 'utf8');
    const specifiers = [...text.matchAll(STATIC), ...text.matchAll(DYNAMIC)].map((match) => match[1] ?? '');
    return specifiers
      .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('/') && !isBuiltin(specifier))
      .map((specifier) => ({ file: relative(srcDir, join(srcDir, file)), specifier, pkg: packageOf(specifier) }));
  });
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}
