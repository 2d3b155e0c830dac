// The CLI as the load benchmarks run it: src/cli.ts and the load worker bundled into `outdir`
// with the build's settings, web-tree-sitter left external so the bundle resolves it from the repo
// (outdir must be under the repository, e.g. node_modules/.cache).
import * as path from 'node:path';
import * as esbuild from 'esbuild';

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
