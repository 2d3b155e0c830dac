// Only code that runs per request is a finding, and types drive resolution. Small multi-file FastAPI
// projects (test/fixtures/analysis/per-request/, types/) with their expectations on the lines, as in the rule fixtures:
// `# EP101` where a finding must be, `# OK` where none may be. Indexed like a workspace (real discovery,
// real analysis): lifespans (one composed by the project's own combinator), what they await, a task they
// spawn (it runs beside the server: still flagged), click/typer/cyclopts/Django commands, import-time and
// `__main__` calls, a tests/ folder and a script are one-time; dependencies declared in a signature,
// through an `Annotated` alias or on a router, a background task and a task a handler spawns are per
// request even when a command calls them too (also through a PEP 695 `type X = Annotated[…]` alias).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { nodeFileSystem } from '../../src/core/fs';
import type { Finding } from '../../src/core/model';
import { Parsers } from '../../src/core/parsing/parser';
import { ProjectIndex } from '../../src/core/project';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'analysis');
const MARKER = /#\s*((?:EP\d{3}\s*)+|OK)\s*$/;

function files(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel)).flatMap((name) => {
    const r = rel ? `${rel}/${name}` : name;
    return statSync(path.join(dir, r)).isDirectory() ? files(dir, r) : r.endsWith('.py') ? [r] : [];
  });
}

/** Indexes the fixture folder as a workspace; its findings must sit exactly on the marked lines. */
async function checkMarkers(name: string, min: { oks: number; findings: number }): Promise<Finding[]> {
  const DIR = path.join(FIXTURES, name);
  const expected: string[] = [];
  let oks = 0;
  for (const file of files(DIR))
    readFileSync(path.join(DIR, file), 'utf8')
      .split('\n')
      .forEach((text, i) => {
        const m = MARKER.exec(text);
        if (m?.[1] === 'OK') oks++;
        else if (m) for (const rule of m[1].trim().split(/\s+/)) expected.push(`${file}:${i + 1}:${rule}`);
      });
  assert.ok(oks >= min.oks && expected.length >= min.findings, 'the fixture holds its markers');
  const index = new ProjectIndex(DIR, nodeFileSystem, await Parsers.load());
  await index.refresh();
  assert.deepEqual(index.problems(), []);
  const findings = index.findings();
  const flagged = [...new Set(findings.map((f) => `${f.file}:${f.line}:${f.rule}`))];
  assert.deepEqual(flagged.sort(), expected.sort());
  return findings;
}

test('per-request reachability: one-time code is not flagged, dependencies and spawned tasks are', async () => {
  await checkMarkers('per-request', { oks: 10, findings: 6 });
});

test('types drive resolution: returns, annotations, Annotated aliases, __enter__, abstract methods, protocols, library bases, awaited results', async () => {
  const findings = await checkMarkers('types', { oks: 1, findings: 8 });
  const dispatched = findings.find((f) => f.line === 40 && f.file === 'app/main.py')!;
  // The chain names the implementation that blocks; the message says it is one of several
  assert.deepEqual(dispatched.chain, ['store_route()', 'HttpStore.fetch()', 'requests.get (app/stores.py:20)']);
  assert.match(dispatched.message, /when Store\.fetch\(\) lands in this implementation, one of 2 in the workspace/);
  // A Protocol's method lands in the classes implementing it by shape (no subclassing); HalfNotifier lacks close()
  const notify = findings.find((f) => f.line === 54 && f.file === 'app/main.py')!;
  assert.deepEqual(notify.chain, [
    'notify_route()',
    'SmtpNotifier.send()',
    'smtplib.SMTP.sendmail (app/protocols.py:30)',
  ]);
  assert.match(notify.message, /when Notifier\.send\(\) lands in this implementation, one of 2 in the workspace/);
  const cached = findings.find((f) => f.line === 55 && f.file === 'app/main.py')!;
  assert.deepEqual(cached.chain, ['notify_route()', 'FileCache.get()', 'open (app/protocols.py:43)']);
});

test('with routes, async code no per-request root reaches is not flagged; a call by name on an unresolved receiver says "possibly"', async () => {
  const findings = await checkMarkers('reachability/with-routes', { oks: 7, findings: 6 });
  // The route → helper chain across files is a plain finding
  const chain = findings.find((f) => f.file === 'app/main.py' && f.rule === 'EP102')!;
  assert.doesNotMatch(chain.message, /possibly/);
  assert.doesNotMatch(findings.find((f) => f.file === 'app/services.py')!.message, /possibly/);
  // Reached only through `client.fetch_remote()` (client has no type): kept, and said to be a guess by name
  const byName = findings.find((f) => f.file === 'app/sdk.py')!;
  assert.match(
    byName.message,
    /possibly reached from GET \/remote via `client\.fetch_remote\(\)` \(receiver unresolved\)$/,
  );
  // `job.run()` could be any of four async `run` methods (app/workers.py): none is guessed, so none is flagged
  assert.ok(!findings.some((f) => f.file === 'app/workers.py'));
});

test('without routes, every async function stays loop code (nothing tells what runs per request)', async () => {
  await checkMarkers('reachability/without-routes', { oks: 0, findings: 2 });
});

test('an async method implementing a Protocol by shape is per request when a route awaits the protocol', async () => {
  const findings = await checkMarkers('cross-file/protocol-shape', { oks: 2, findings: 1 });
  const load = findings.find((f) => f.file === 'app/repos.py')!;
  assert.equal(load.handler, 'FileRepo.load');
  assert.doesNotMatch(load.message, /possibly/);
});

test('a dispatch whose BaseHTTPMiddleware base is in another file is per request', async () => {
  await checkMarkers('cross-file/middleware-base', { oks: 1, findings: 2 });
});

test('a plain def registered as Sanic middleware from another file runs on the loop', async () => {
  await checkMarkers('cross-file/sanic-middleware', { oks: 1, findings: 4 });
});

test('an Annotated alias, PEP 695 or assigned, here or imported, declares T and the dependency f', async () => {
  await checkMarkers('cross-file/type-alias-statement', { oks: 1, findings: 7 });
});

test("names a package's __init__.py re-exports are followed: functions, classes, bases, instances, aliases, *", async () => {
  // mealie's `from mealie.schema.recipe import Recipe` (schema/__init__.py: `from .recipe import (Recipe, …)`)
  const findings = await checkMarkers('cross-file/package-reexports', { oks: 1, findings: 11 });
  const save = findings.find((f) => f.line === 27 && f.file === 'app/main.py')!;
  assert.deepEqual(save.chain, ['users()', 'Model.save()', 'time.sleep (app/models/base.py:6)']);
});
