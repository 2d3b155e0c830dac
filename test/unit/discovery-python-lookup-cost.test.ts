// Name lookups in proportion to a module's size: one module with N then 2N routers, each defined, decorated and
// included by name, costs routes() about twice as much, not four times. Each lookup of a name searched the module's
// assignments, functions, classes and imports from one end (`rK` among N assignments), so such a module's link was
// quadratic in its size. CPU time, with the generous bound of project-linear-cost.test.ts (3× plus 200 ms against
// the 2× of linear cost and the 4× of quadratic).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { nodeFileSystem } from '../../src/core/fs';
import { nodeWasmLoader, Parsers } from '../../src/core/parsing/parser';
import { ProjectIndex } from '../../src/core/project';

const N = 8_000;

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** n routers in one module, each with one route, all included by the app. */
function routersModule(n: number): string {
  const lines = ['from fastapi import APIRouter, FastAPI', 'app = FastAPI()'];
  for (let k = 0; k < n; k++)
    lines.push(`r${k} = APIRouter(prefix="/p${k}")`, `@r${k}.get("/x")`, `def h${k}():`, '    return 1', '');
  for (let k = 0; k < n; k++) lines.push(`app.include_router(r${k})`);
  return lines.join('\n') + '\n';
}

/** CPU ms of routes() for the module with n routers. */
async function linkCost(n: number, parsers: Parsers): Promise<number> {
  const root = mkdtempSync(path.join(tmpdir(), 'ep-lookup-'));
  try {
    writeFileSync(path.join(root, 'main.py'), routersModule(n));
    const index = new ProjectIndex(root, nodeFileSystem, parsers);
    await index.refresh();
    const t0 = cpuMs();
    const routes = index.routes();
    const t1 = cpuMs();
    assert.equal(routes.length, n);
    assert.equal(routes[n - 1].path, `/p${n - 1}/x`);
    return t1 - t0;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('twice the names in one module cost routes() about twice as much', async () => {
  const parsers = await Parsers.load(nodeWasmLoader);
  await linkCost(200, parsers); // compiles and warms up the code, so neither size pays for it
  const once = await linkCost(N, parsers);
  const twice = await linkCost(2 * N, parsers);
  assert.ok(
    twice < 3 * once + 200,
    `${Math.round(once)} ms CPU for ${N} routers, ${Math.round(twice)} ms for ${2 * N}`,
  );
});
