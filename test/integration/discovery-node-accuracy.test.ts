// Express discovery checked against Express itself: the real router stack of each fixture
// app (required, never listening) must hold exactly the method+path pairs we discover.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { nodeFileSystem } from '../../src/core/fs';
import { Parsers } from '../../src/core/parsing/parser';
import { ProjectIndex } from '../../src/core/project';

interface Layer { route?: { path: string; methods: Record<string, boolean> }; name: string; handle: { stack?: Layer[] }; regexp: RegExp }

/** Express 4 keeps mount paths only inside each layer's regexp: '^\/api\/users\/?(?=\/|$)'. */
function mountPath(layer: Layer): string {
  return layer.regexp.source.replace('^', '').replace('\\/?(?=\\/|$)', '').replace(/\\\//g, '/');
}

function expressRoutes(stack: Layer[], prefix = ''): string[] {
  const out: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      for (const m of Object.keys(layer.route.methods)) out.push(`${m.toUpperCase()} ${(prefix + layer.route.path).replace(/(.)\/$/, '$1') || '/'}`);
    } else if (layer.name === 'router' && layer.handle.stack) {
      out.push(...expressRoutes(layer.handle.stack, prefix + mountPath(layer)));
    }
  }
  return out;
}

for (const fixture of ['node/express-nested', 'demo']) {
  test(`Express discovery matches the real router stack: ${fixture}`, async () => {
    const dir = path.join(__dirname, '..', 'fixtures', fixture);
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const app = require(path.join(dir, 'app.js')) as { _router: { stack: Layer[] } };
    const real = expressRoutes(app._router.stack).sort();
    const index = new ProjectIndex(dir, nodeFileSystem, await Parsers.load());
    await index.refresh();
    const ours = index.routes().flatMap((r) => r.methods.map((m) => `${m} ${r.path}`)).sort();
    assert.ok(real.length >= 2, 'fixture has routes');
    assert.deepEqual(ours, real);
  });
}

test('handlers point at their function: named, inline, async flag', async () => {
  const dir = path.join(__dirname, '..', 'fixtures', 'node', 'express-nested');
  const index = new ProjectIndex(dir, nodeFileSystem, await Parsers.load());
  await index.refresh();
  const list = index.routes().find((r) => r.path === '/api/users' && r.methods[0] === 'GET');
  assert.deepEqual([list?.handler, list?.file, list?.line, list?.async], ['listUsers', 'routes/users.js', 4, true]);
  const year = index.routes().find((r) => r.path === '/admin/reports/:year');
  assert.deepEqual([year?.file, year?.line, year?.async, year?.execution], ['routes/admin/reports.js', 3, true, 'event-loop']);
});
