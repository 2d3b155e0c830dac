// Bundles the five entry points with esbuild and copies the tree-sitter grammars.
// Usage: node scripts/build.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fastTreeSitter } from './fast-tree-sitter.mjs';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none' };

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist/wasm', { recursive: true });
const grammars = path.dirname(require.resolve('@vscode/tree-sitter-wasm'));
for (const g of ['python', 'javascript', 'typescript', 'tsx'])
  cpSync(path.join(grammars, `tree-sitter-${g}.wasm`), `dist/wasm/tree-sitter-${g}.wasm`);
cpSync(path.join(path.dirname(require.resolve('web-tree-sitter')), 'tree-sitter.wasm'), 'dist/wasm/tree-sitter.wasm');
// The loop-watch hooks run inside a started server (src/core/runtime/loopWatch.ts), so they ship as source.
for (const hook of ['python/sitecustomize.py', 'node/loop-watch.cjs']) {
  mkdirSync(path.dirname(`dist/runtime/${hook}`), { recursive: true });
  cpSync(`src/core/runtime/${hook}`, `dist/runtime/${hook}`);
}

// web-tree-sitter's ESM-shaped code calls createRequire(import.meta.url), which is empty in
// a CommonJS bundle: give it the bundle's own file URL.
const node = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  define: { 'import.meta.url': '__bundleFileUrl' },
  inject: ['scripts/bundle-file-url.mjs'],
  plugins: [fastTreeSitter],
};
const builds = [
  { ...node, entryPoints: { cli: 'src/cli.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: { loadWorker: 'src/core/load/worker.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { indexWorker: 'src/core/indexWorker/worker.ts' }, outdir: 'dist' },
];
if (existsSync('src/extension.ts'))
  builds.push({ ...node, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist', external: ['vscode'] });
if (existsSync('webview/main.ts'))
  builds.push({
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: { webview: 'webview/main.ts' },
    outdir: 'dist',
    loader: { '.css': 'text' },
  });

const existing = builds.filter((b) => Object.values(b.entryPoints).every((f) => existsSync(f)));
if (watch) {
  for (const b of existing) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(existing.map((b) => esbuild.build(b)));
}
