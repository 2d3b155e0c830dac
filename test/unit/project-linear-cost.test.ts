// Cost in proportion to a file's size (issue 17 item 7): one generated file with N then 2N routes, each handler
// calling a blocking helper, costs about twice as much, not four times, in each phase (reading, routes(),
// findings()). CPU time, not wall time, so a busy machine does not decide; the bound is generous (3× plus 200 ms
// against the 2× of linear cost and the 4× of quadratic). Figures: bench/routes-per-file.ts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { nodeFileSystem } from '../../src/core/fs';
import { nodeWasmLoader, Parsers } from '../../src/core/parsing/parser';
import { ProjectIndex } from '../../src/core/project';
import { ROUTES_PER_FILE as SOURCES } from '../fixtures/generated/routesPerFile';

const N = 10_000;

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** CPU ms of each phase for `file` with n routes. */
async function phases(file: string, n: number, parsers: Parsers): Promise<Record<string, number>> {
  const root = mkdtempSync(path.join(tmpdir(), 'ep-linear-'));
  try {
    writeFileSync(path.join(root, file), SOURCES[file as keyof typeof SOURCES](n));
    const index = new ProjectIndex(root, nodeFileSystem, parsers);
    const t0 = cpuMs();
    await index.refresh();
    const t1 = cpuMs();
    const routes = index.routes().length;
    const t2 = cpuMs();
    const findings = index.findings().length;
    const t3 = cpuMs();
    assert.equal(routes, n, file);
    assert.ok(findings >= n, `${file}: ${findings} findings for ${n} routes`);
    return { refresh: t1 - t0, 'routes()': t2 - t1, 'findings()': t3 - t2 };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

for (const file of Object.keys(SOURCES))
  test(`${file}: twice the routes in one file cost about twice as much in every phase`, async () => {
    const parsers = await Parsers.load(nodeWasmLoader);
    await phases(file, 200, parsers); // compiles and warms up the code, so neither size pays for it
    const once = await phases(file, N, parsers);
    const twice = await phases(file, 2 * N, parsers);
    for (const phase of Object.keys(once))
      assert.ok(
        twice[phase] < 3 * once[phase] + 200,
        `${phase}: ${Math.round(once[phase])} ms CPU for ${N} routes, ${Math.round(twice[phase])} ms for ${2 * N}`,
      );
  });
