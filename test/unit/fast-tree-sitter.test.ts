// The build's web-tree-sitter patches (scripts/fast-tree-sitter.mjs) all apply to the installed
// version, and the patched runtime reads trees exactly as the original: the plain-tree test
// (lang-python-syntax.test.ts) runs again inside a bundle built with the patches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { fastTreeSitter } from '../../scripts/fast-tree-sitter.mjs';

const root = path.join(__dirname, '../..');

test('every patch applies, and the patched runtime gives the same plain trees', async () => {
  // Under the repository, so the bundle finds the grammars in node_modules
  const outfile = path.join(root, 'node_modules/.cache/ep-fast-tree-sitter-test/syntax.test.js');
  const result = await esbuild.build({
    entryPoints: [path.join(__dirname, 'lang-python-syntax.test.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'silent',
    define: { 'import.meta.url': '__bundleFileUrl', __dirname: JSON.stringify(__dirname) },
    inject: [path.join(root, 'scripts/bundle-file-url.mjs')],
    plugins: [fastTreeSitter],
  });
  assert.deepEqual(
    result.warnings.map((w) => w.text),
    [],
  );
  assert.match(readFileSync(outfile, 'utf8'), /LITTLE_ENDIAN_HOST/);
  // a test run of its own, not a subtest of this one
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const out = execFileSync(process.execPath, ['--test', '--test-reporter=tap', outfile], {
    encoding: 'utf8',
    timeout: 120_000,
    env,
  });
  assert.match(out, /# pass 4\n# fail 0/);
});
