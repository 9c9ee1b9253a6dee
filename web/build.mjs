#!/usr/bin/env node
// Bundles the web page (web/src/main.ts and its CSS, with cytoscape) into dist/web/, served by kgqa at `/`.
// Usage: node web/build.mjs [--watch]
import { build, context } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = dirname(fileURLToPath(import.meta.url));
const outDir = join(webDir, '..', 'dist', 'web');
const watch = process.argv.includes('--watch');

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
};

await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });
await copyFile(join(webDir, 'index.html'), join(outDir, 'index.html'));
if (watch) {
  const ctx = await context({ ...options, logLevel: 'info' });
  await ctx.watch();
  console.log(`watching web/src, writing ${outDir} (index.html is copied once)`);
} else {
  const started = performance.now();
  await build(options);
  console.log(`web page built into ${outDir} in ${Math.round(performance.now() - started)} ms`);
}
