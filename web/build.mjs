#!/usr/bin/env node
// Bundles the web page (web/src/main.ts and its CSS, with cytoscape) into dist/web/, served by kgqa at `/`.
// Usage: node web/build.mjs [--watch] [--force]
// Without --force, nothing is done when no input of the last bundle (esbuild's metafile: web/src and the
// node_modules it imports), index.html or this script changed since: `npm start` then starts at once.
import { build, context } from 'esbuild';
import { copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = dirname(fileURLToPath(import.meta.url));
const rootDir = join(webDir, '..');
const outDir = join(rootDir, 'dist', 'web');
const inputsFile = join(outDir, 'inputs.json');
const watch = process.argv.includes('--watch');
const force = process.argv.includes('--force');

const options = {
  entryPoints: { app: join(webDir, 'src', 'main.ts') },
  outdir: join(outDir, 'assets'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome109', 'firefox115', 'safari16'],
  minify: !watch,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
  absWorkingDir: rootDir,
  metafile: true,
};

/** True when the bundle in dist/web is newer than every file it was built from. */
async function upToDate() {
  try {
    const built = (await stat(inputsFile)).mtimeMs;
    const inputs = JSON.parse(await readFile(inputsFile, 'utf8'));
    for (const input of [...inputs, 'web/index.html', 'web/build.mjs']) {
      if ((await stat(join(rootDir, input))).mtimeMs > built) return false;
    }
    return true;
  } catch {
    return false;
  }
}

if (!watch && !force && (await upToDate())) process.exit(0);

await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });
await copyFile(join(webDir, 'index.html'), join(outDir, 'index.html'));
if (watch) {
  const ctx = await context({ ...options, logLevel: 'info' });
  await ctx.watch();
  console.log(`watching web/src, writing ${outDir} (index.html is copied once)`);
} else {
  const started = performance.now();
  const { metafile } = await build(options);
  await writeFile(inputsFile, JSON.stringify(Object.keys(metafile.inputs)));
  console.log(`web page built into ${outDir} in ${Math.round(performance.now() - started)} ms`);
}
