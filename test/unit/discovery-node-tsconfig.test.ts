// tsconfig/jsconfig `paths` aliases: JSON with comments, baseUrl, extends, the nearest config per file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aliasCandidates, extendedConfig, parseJsonc, pathAliases } from '../../src/core/nodeImports/tsconfig';
import { Parsers } from '../../src/core/parsing/parser';
import { ProjectIndex } from '../../src/core/project';
import { MemoryFs } from './memoryFs';

test('tsconfig is read as TypeScript reads it: comments, trailing commas, "//" inside strings kept', () => {
  assert.deepEqual(parseJsonc('{ // c\n "a": "http://x", /* b */ "b": [1, 2,], }'), { a: 'http://x', b: [1, 2] });
  assert.equal(parseJsonc('{ not json'), undefined);
  assert.equal(extendedConfig('web/tsconfig.json', '{ "extends": "../tsconfig.base" }'), 'tsconfig.base.json');
  assert.equal(extendedConfig('tsconfig.json', '{ "extends": "@tsconfig/node20/tsconfig.json" }'), undefined);
});

test('paths: baseUrl and paths from the extends chain, targets relative to the config that sets them; nearest config wins', () => {
  const texts = new Map([
    ['tsconfig.base.json', '{ "compilerOptions": { "baseUrl": "./src", "paths": { "@lib/*": ["lib/*"] } } }'],
    ['tsconfig.json', '{ "extends": "./tsconfig.base.json" }'],
    [
      'web/jsconfig.json',
      '{ "compilerOptions": { "paths": { "~/*": ["./app/*", "./legacy/*"], "@db": ["db/index.js"] } } }',
    ],
  ]);
  const aliases = pathAliases(['tsconfig.json', 'web/jsconfig.json'], texts);
  assert.deepEqual(aliasCandidates('server/main.ts', '@lib/users', aliases), ['src/lib/users']);
  assert.deepEqual(aliasCandidates('web/app/page.js', '~/users', aliases), ['web/app/users', 'web/legacy/users']);
  assert.deepEqual(aliasCandidates('web/app/page.js', '@db', aliases), ['web/db/index.js']);
  assert.deepEqual(aliasCandidates('web/app/page.js', '@lib/users', aliases), []); // web/ has its own config
  assert.deepEqual(aliasCandidates('server/main.ts', 'express', aliases), []);
});

test('a workspace opened inside a monorepo (Nx `apps/api`) reads the `paths` of the root config it extends', async () => {
  const files = new Map([
    // TypeScript: without baseUrl, targets are relative to the config that holds `paths` (the monorepo root)
    [
      'tsconfig.base.json',
      '{ "extends": "@tsconfig/node18/tsconfig.json", "compilerOptions": { "paths": { "@acme/api/*": ["./apps/api/src/*"], "@acme/common/*": ["./libs/common/src/*"] } } }',
    ],
    ['apps/api/tsconfig.json', '{ "extends": "../../tsconfig.base.json" }'],
    [
      'apps/api/src/main.ts',
      [
        "import express from 'express';",
        "import { users } from '@acme/api/users/routes';",
        'const app = express();',
        "app.use('/users', users);",
      ].join('\n'),
    ],
    [
      'apps/api/src/users/routes.ts',
      "import { Router } from 'express';\nexport const users = Router();\nusers.get('/:id', (req, res) => res.end());",
    ],
    ['libs/common/src/config.ts', "export const PREFIX = '/v1';"],
  ]);
  const index = new ProjectIndex('/repo/apps/api', new MemoryFs(files, '/repo'), await Parsers.load());
  await index.refresh();
  assert.deepEqual(
    index
      .routes()
      .map((r) => `${r.methods.join(',')} ${r.path}`)
      .sort(),
    ['GET /users/:id'],
  );
  // the targets are workspace paths; one outside the workspace names no workspace file
  const aliases = pathAliases(
    ['tsconfig.json'],
    new Map([
      ['tsconfig.json', '{ "extends": "../../tsconfig.base.json" }'],
      ['../../tsconfig.base.json', files.get('tsconfig.base.json')!],
    ]),
    '/repo/apps/api',
  );
  assert.deepEqual(aliasCandidates('src/main.ts', '@acme/api/users', aliases), ['src/users']);
  assert.deepEqual(aliasCandidates('src/main.ts', '@acme/common/config', aliases), ['../../libs/common/src/config']);
});
