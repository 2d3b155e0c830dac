// `npm run package` builds a .vsix of runtime files only: the esbuild bundles, the tree-sitter
// grammars they load as bytes, the loop-watch hooks Start Server puts in a server's environment,
// media, the manifest, readme and licence. No node_modules (the
// bundles are self-contained), no source maps, no TypeScript sources.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packageVsix, zipEntryNames } from './vsix';

test('the .vsix holds only runtime files: bundles, grammars, media, manifest, readme, licence', () => {
  const names = zipEntryNames(packageVsix()).filter((n) => n.startsWith('extension/'));
  const unexpected = names.filter(
    (n) =>
      !/^extension\/(dist\/(extension|loadWorker|indexWorker|webview)\.js|dist\/wasm\/[^/]+\.wasm|dist\/runtime\/(python\/sitecustomize\.py|node\/loop-watch\.cjs)|media\/.+|package\.json|readme\.md|LICENSE\.txt)$/.test(
        n,
      ),
  );
  assert.deepEqual(unexpected, [], 'files outside the runtime set');
  for (const n of [
    'dist/extension.js',
    'dist/loadWorker.js',
    'dist/indexWorker.js',
    'dist/webview.js',
    'dist/runtime/python/sitecustomize.py',
    'dist/runtime/node/loop-watch.cjs',
    'package.json',
    'readme.md',
    'LICENSE.txt',
  ])
    assert.ok(names.includes(`extension/${n}`), `missing ${n}`);
  for (const g of [
    'tree-sitter',
    'tree-sitter-python',
    'tree-sitter-javascript',
    'tree-sitter-typescript',
    'tree-sitter-tsx',
  ]) {
    assert.ok(names.includes(`extension/dist/wasm/${g}.wasm`), `missing grammar ${g}.wasm`);
  }
  assert.ok(
    !names.some((n) => n.includes('node_modules') || n.endsWith('.map') || n.endsWith('.ts')),
    'no dependencies, maps or sources',
  );
});
