// A factory's returns are each evaluated once. A factory whose first return is a helper's result (no router)
// and whose last is its router: the helper, itself returning another helper's result, and so on, was evaluated
// twice per level, 2^depth steps, so a chain 20 deep ran the statement out of its step budget and the router
// the factory returns, and its route, were lost. On real code (polar's services returning repositories'
// results) the same doubling was most of the link.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { nodeFileSystem } from '../../src/core/fs';
import { nodeWasmLoader, Parsers } from '../../src/core/parsing/parser';
import { ProjectIndex } from '../../src/core/project';

const DEPTH = 20;

function chainModule(depth: number): string {
  const lines = ['from fastapi import APIRouter, FastAPI', 'from somewhere import compute', ''];
  lines.push('def helper0():', '    x = compute()', '    return x', '');
  for (let k = 1; k <= depth; k++) lines.push(`def helper${k}():`, `    x = helper${k - 1}()`, '    return x', '');
  lines.push(
    'def make_router(cached):',
    `    x = helper${depth}()`,
    '    if cached:',
    '        return x',
    '    router = APIRouter(prefix="/api")',
    '',
    '    @router.get("/items")',
    '    async def items():',
    '        return []',
    '',
    '    return router',
    '',
    'app = FastAPI()',
    'app.include_router(make_router(False))',
  );
  return lines.join('\n') + '\n';
}

test(`a factory's router is found behind a ${DEPTH}-deep chain of helpers it may return instead`, async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ep-factory-chain-'));
  try {
    writeFileSync(path.join(root, 'main.py'), chainModule(DEPTH));
    const index = new ProjectIndex(root, nodeFileSystem, await Parsers.load(nodeWasmLoader, ['python']));
    await index.refresh();
    assert.deepEqual(
      index.routes().map((r) => `${r.methods.join(',')} ${r.path} ${r.handler}`),
      ['GET /api/items items'],
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
