import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The package root, whether running from src/ (tests) or dist/src/ (compiled). */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('kgqa: cannot find package.json above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

export const packageRoot = findPackageRoot();
export const schemaPath = join(packageRoot, 'schema', 'schema.graphql');
export const seedPath = join(packageRoot, 'seed');

/**
 * A module to start as a worker thread, named relative to `moduleUrl` by its compiled name: beside the caller when
 * it runs compiled (dist/), and under dist/ when it runs from TypeScript sources (vitest builds dist/ first).
 */
export function workerModuleUrl(moduleUrl: string, relativeJsPath: string): URL {
  const url = new URL(relativeJsPath, moduleUrl);
  if (!moduleUrl.endsWith('.ts')) return url;
  return pathToFileURL(join(packageRoot, 'dist', relative(packageRoot, fileURLToPath(url))));
}
