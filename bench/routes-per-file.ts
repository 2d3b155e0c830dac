// Cost per route in ONE file (not part of `npm test`): a FastAPI module and an Express module
// with N and 2N routes, each handler calling a blocking helper, timed through ProjectIndex.
// Twice the routes must cost about twice the time; a lookup per route over every function of the
// file once made 20k routes cost 5× 10k.
// Run: node --import tsx bench/routes-per-file.ts [--routes N]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { nodeFileSystem } from '../src/core/fs';
import { Parsers } from '../src/core/parsing/parser';
import { ProjectIndex } from '../src/core/project';
import { ROUTES_PER_FILE as SOURCES } from '../test/fixtures/generated/routesPerFile';

const i = process.argv.indexOf('--routes');
const N = i > 0 ? Number(process.argv[i + 1]) : 10_000;

async function measure(file: keyof typeof SOURCES, n: number, parsers: Parsers): Promise<number[]> {
  const root = mkdtempSync(path.join(tmpdir(), 'ep-bench-routes-'));
  try {
    writeFileSync(path.join(root, file), SOURCES[file](n));
    const index = new ProjectIndex(root, nodeFileSystem, parsers);
    const t0 = performance.now();
    await index.refresh();
    const t1 = performance.now();
    const routes = index.routes().length;
    const t2 = performance.now();
    const findings = index.findings().length;
    const t3 = performance.now();
    if (routes !== n || findings < n) throw new Error(`${file}: ${routes} routes, ${findings} findings for ${n}`);
    return [t1 - t0, t2 - t1, t3 - t2, t3 - t0];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

void (async () => {
  const parsers = await Parsers.load();
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log('| file | routes | refresh | routes() | findings() | total | total ÷ previous |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const file of Object.keys(SOURCES) as Array<keyof typeof SOURCES>) {
    let previous: number | undefined;
    for (const n of [N, 2 * N]) {
      const [refresh, routes, findings, total] = await measure(file, n, parsers);
      const ratio = previous ? (total / previous).toFixed(2) : '';
      console.log(`| ${file} | ${n} | ${s(refresh)} | ${s(routes)} | ${s(findings)} | ${s(total)} | ${ratio} |`);
      previous = total;
    }
  }
})();
