// Module names and the names imports bind, read once (src/core/lang/node/modules.ts) for discovery and analysis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  nodeModule,
  readImportStatement,
  readReExports,
  readRequire,
  specifierModule,
} from '../../src/core/lang/node/modules';
import { syntaxOf } from '../../src/core/lang/syntax';
import { Parsers } from '../../src/core/parsing/parser';
import { discoverNode, summary } from './discovery-node-helpers';
import { factsOf } from './analysis-helpers';

test('module names: a file without its extension; a specifier relative to its file, or a package dotted', () => {
  assert.equal(nodeModule('src/users/routes.ts'), 'src/users/routes');
  assert.equal(nodeModule('src/a.mjs'), 'src/a');
  assert.equal(specifierModule('./helpers', 'src/app.ts'), 'src/helpers');
  assert.equal(specifierModule('../lib/x.js', 'src/api/app.ts'), 'src/lib/x');
  assert.equal(specifierModule('node:fs', 'src/app.ts'), 'fs');
  assert.equal(specifierModule('fs/promises', 'src/app.ts'), 'fs.promises');
  assert.equal(specifierModule('@server/util', 'src/app.ts'), '@server.util');
});

test('what each import, require and re-export binds', async () => {
  const parsers = await Parsers.load(undefined, ['typescript']);
  const source = [
    "import express, * as all from 'express';",
    "import { Router as R, default as e2, json } from 'express';",
    "import './polyfill';",
    "import type { Request } from 'express';",
    "const fs = require('fs');",
    "const { join, resolve: res } = require('path');",
    'const lib = require(`./lib/${name}`);',
    "const viaComment = require(/* sync */ 'zlib');",
    "export { a as b, c } from './m';",
    'export { local };',
  ].join('\n');
  const tree = parsers.parse('typescript', source);
  try {
    const statements = syntaxOf(tree.rootNode).namedChildren;
    const imports = statements.filter((s) => s.type === 'import_statement').map(readImportStatement);
    assert.deepEqual(imports, [
      {
        spec: 'express',
        bindings: [
          { local: 'express', spec: 'express', imported: 'default' },
          { local: 'all', spec: 'express', imported: '*' },
        ],
      },
      {
        spec: 'express',
        bindings: [
          { local: 'R', spec: 'express', imported: 'Router' },
          { local: 'e2', spec: 'express', imported: 'default' },
          { local: 'json', spec: 'express', imported: 'json' },
        ],
      },
      undefined,
      { spec: 'express', bindings: [{ local: 'Request', spec: 'express', imported: 'Request' }] },
    ]);
    const declarators = statements
      .filter((s) => s.type === 'lexical_declaration')
      .map((s) => s.namedChildren[0])
      .map((d) => readRequire(d.childForFieldName('name')!, d.childForFieldName('value')));
    assert.deepEqual(declarators, [
      { spec: 'fs', bindings: [{ local: 'fs', spec: 'fs', imported: 'default' }] },
      {
        spec: 'path',
        bindings: [
          { local: 'join', spec: 'path', imported: 'join' },
          { local: 'res', spec: 'path', imported: 'resolve' },
        ],
      },
      undefined,
      { spec: 'zlib', bindings: [{ local: 'viaComment', spec: 'zlib', imported: 'default' }] },
    ]);
    const exports = statements.filter((s) => s.type === 'export_statement').map(readReExports);
    assert.deepEqual(exports, [
      [
        { exported: 'b', spec: './m', imported: 'a' },
        { exported: 'c', spec: './m', imported: 'c' },
      ],
      [],
    ]);
  } finally {
    tree.delete();
  }
});

test('discovery and analysis bind the same require: a router and a blocking call through one commented specifier', async () => {
  const files = {
    'src/app.js': [
      "const web = require(/* the framework */ 'express');",
      "const nodeFs = require(/* sync on purpose */ 'fs');",
      'const app = web();',
      "app.get('/file', (req, res) => res.send(nodeFs.readFileSync('a')));",
      '',
    ].join('\n'),
  };
  assert.deepEqual(summary(await discoverNode(files)), ['express GET /file GET /file src/app.js:4']);
  const facts = (await factsOf(files)).get('src/app.js')!.facts;
  const callees = facts.functions.flatMap((f) => f.calls.map((c) => c.callee));
  assert.ok(callees.includes('fs.readFileSync'), callees.join(', '));
});
