// Module names and imports, read once (src/core/lang/python/modules.ts) for discovery and analysis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { absoluteModule, pythonModuleName, readImport } from '../../src/core/lang/python/modules';
import { syntaxOf } from '../../src/core/lang/syntax';
import { Parsers } from '../../src/core/parsing/parser';
import { factsOf } from './analysis-helpers';

test('module names: files, packages, a file at the root', () => {
  assert.deepEqual(pythonModuleName('app/routes/items.py'), { module: 'app.routes.items', isPackage: false });
  assert.deepEqual(pythonModuleName('app/routes/__init__.py'), { module: 'app.routes', isPackage: true });
  assert.deepEqual(pythonModuleName('main.py'), { module: 'main', isPackage: false });
});

test('relative imports climb from the module (or the package itself) by their dots', () => {
  assert.equal(absoluteModule('app.routes.items', false, 'x', 1), 'app.routes.x');
  assert.equal(absoluteModule('app.routes.items', false, 'x', 2), 'app.x');
  assert.equal(absoluteModule('app.routes', true, '', 1), 'app.routes');
  assert.equal(absoluteModule('main', false, '', 1), '');
  assert.equal(absoluteModule('main', false, 'fastapi', 0), 'fastapi');
});

test('readImport: what each import statement binds', async () => {
  const parsers = await Parsers.load(undefined, ['python']);
  const source = [
    'import os, a.b, c.d as e',
    'from ..pkg.mod import x, y as z',
    'from . import sibling',
    'from . helpers import load',
    'from m import *',
  ].join('\n');
  const tree = parsers.parse('python', source);
  try {
    const statements = syntaxOf(tree.rootNode).namedChildren;
    assert.deepEqual(statements.map(readImport), [
      [
        { local: 'os', module: 'os', level: 0 },
        { local: 'a', module: 'a', level: 0 },
        { local: 'a.b', module: 'a.b', level: 0 },
        { local: 'e', module: 'c.d', level: 0 },
      ],
      [
        { local: 'x', module: 'pkg.mod', name: 'x', level: 2 },
        { local: 'z', module: 'pkg.mod', name: 'y', level: 2 },
      ],
      [{ local: 'sibling', module: '', name: 'sibling', level: 1 }],
      [{ local: 'load', module: 'helpers', name: 'load', level: 1 }],
      [],
    ]);
  } finally {
    tree.delete();
  }
});

test('analysis binds a relative import written with a space after the dot as Python does', async () => {
  // `from . helpers import load` is valid Python (app.helpers.load); analysis once bound it to 'app. helpers.load'
  const facts = await factsOf({ 'app/views.py': 'from . helpers import load\n\ndef view():\n    load()\n' });
  const calls = facts.get('app/views.py')!.facts.functions[0].calls;
  assert.deepEqual(
    calls.map((c) => c.callee),
    ['app.helpers.load'],
  );
});
