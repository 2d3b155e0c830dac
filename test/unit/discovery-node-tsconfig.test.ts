// tsconfig/jsconfig `paths` aliases: JSON with comments, baseUrl, extends, the nearest config per file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aliasCandidates, extendedConfig, parseJsonc, pathAliases } from '../../src/core/nodeImports/tsconfig';

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
