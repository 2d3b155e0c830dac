// `npm test`: every *.test.ts under test/{unit,integration,webview,e2e}, one file at a
// time (load tests measure timing-sensitive behaviour; these machines have 2 cores).
// Usage: node scripts/test.mjs [unit|integration|webview|e2e ...]
import { readdirSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const suites = process.argv.slice(2).length ? process.argv.slice(2) : ['unit', 'integration', 'webview', 'e2e'];
const files = suites.flatMap((s) => {
  const dir = path.join('test', s);
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.test.ts'))
        .sort()
        .map((f) => path.join(dir, f))
    : [];
});
if (files.length === 0) {
  console.error(`no test files in ${suites.join(', ')}`);
  process.exit(1);
}
// The CLI caches per-file facts (src/core/factsCache.ts): tests keep theirs in a folder of their own, not the user's.
const cacheDir = process.env.ENDPOINT_PROFILER_CACHE_DIR ?? mkdtempSync(path.join(tmpdir(), 'ep-test-cache-'));
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {
  stdio: 'inherit',
  env: { ...process.env, ENDPOINT_PROFILER_CACHE_DIR: cacheDir },
});
if (!process.env.ENDPOINT_PROFILER_CACHE_DIR) rmSync(cacheDir, { recursive: true, force: true });
process.exit(r.status ?? 1);
