// Bundles as the build makes them, for benchmarks that must measure what ships: the CLI as the load
// benchmarks run it (web-tree-sitter left external so the bundle resolves it from the repo), and a
// script with web-tree-sitter bundled and patched as in dist/ (the reading benchmarks). `outdir` must
// be under the repository, e.g. node_modules/.cache, so the bundles find the grammars.
import { mkdirSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { fastTreeSitter } from '../scripts/fast-tree-sitter.mjs';

const root = path.join(__dirname, '..');

/** Writes `outdir/cli.js` and `outdir/loadWorker.js`; `minify` as `npm run package` ships it. */
export async function bundleCli(outdir: string, { minify }: { minify: boolean }): Promise<void> {
  await esbuild.build({
    entryPoints: { cli: path.join(root, 'src/cli.ts'), loadWorker: path.join(root, 'src/core/load/worker.ts') },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'error',
    minify,
    external: ['web-tree-sitter', '@vscode/tree-sitter-wasm'],
  });
}

/**
 * A fresh folder under node_modules/.cache (so the bundle resolves its externals from the repo) holding the CLI
 * minified as `npm run package` ships it (an unminified bundle's source string alone is 4.5 MB of RSS).
 */
export async function bundledCliFolder(name: string): Promise<string> {
  mkdirSync(path.join(root, 'node_modules/.cache'), { recursive: true });
  const work = mkdtempSync(path.join(root, `node_modules/.cache/ep-${name}-`));
  await bundleCli(work, { minify: true });
  return work;
}

/** The 1, 5 and 15 min load averages, as every benchmark prints them beside its figures. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}

/** Writes `outdir/<name>.js` per entry, bundled with web-tree-sitter patched by scripts/fast-tree-sitter.mjs. */
export async function bundlePatched(entryPoints: Record<string, string>, outdir: string): Promise<void> {
  await esbuild.build({
    entryPoints,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'error',
    // as scripts/build.mjs: web-tree-sitter's createRequire(import.meta.url) needs the bundle's own URL
    define: { 'import.meta.url': '__bundleFileUrl' },
    inject: [path.join(root, 'scripts/bundle-file-url.mjs')],
    plugins: [fastTreeSitter],
    external: ['esbuild'],
  });
}
