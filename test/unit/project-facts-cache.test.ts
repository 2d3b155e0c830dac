// The persistent facts cache: a second index (another CLI process) over unchanged files parses
// nothing and answers exactly as an index without a cache; a changed file, another tool version
// or a damaged entry is indexed again, never served stale or wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { AnalysisConfig, CodeFacts } from '../../src/core/analysis';
import { RouteLinker, type RouteFacts } from '../../src/core/discovery';
import { FactsCache, packFacts, unpackFacts } from '../../src/core/factsCache';
import { nodeFileSystem } from '../../src/core/fs';
import type { Language } from '../../src/core/model';
import { nodeWasmLoader, Parsers } from '../../src/core/parsing/parser';
import { ProjectIndex } from '../../src/core/project';

const FIXTURE = path.join(__dirname, '../fixtures/python/fastapi_app');
const CLI = path.join(__dirname, '../../src/cli.ts');

let parsersPromise: Promise<Parsers> | undefined;
/** The real parsers, counting which files they were asked to parse. */
async function countingParsers(parsed: string[]): Promise<Parsers> {
  const real = await (parsersPromise ??= Parsers.load());
  return {
    prepare: (language: Language) => real.prepare(language),
    parse: (language: Language, source: string) => {
      parsed.push(source.slice(0, 40));
      return real.parse(language, source);
    },
  } as unknown as Parsers;
}

function workspace(): { root: string; cacheDir: string; done: () => void } {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ep-facts-cache-'));
  const root = path.join(tmp, 'ws');
  cpSync(FIXTURE, root, { recursive: true });
  return { root, cacheDir: path.join(tmp, 'cache'), done: () => rmSync(tmp, { recursive: true, force: true }) };
}

/** One "process": open the cache, refresh (which saves it), return results and how many files were parsed. */
async function run(root: string, cacheDir: string | undefined, version = 'v1') {
  const parsed: string[] = [];
  const cache = cacheDir ? await FactsCache.open(cacheDir, root, version) : undefined;
  const index = new ProjectIndex(root, nodeFileSystem, await countingParsers(parsed), {}, cache);
  await index.refresh();
  return { routes: index.routes(), findings: index.findings(), problems: index.problems(), parsed: parsed.length };
}

const pyFiles = (root: string) => readdirSync(root, { recursive: true }).filter((f) => String(f).endsWith('.py'));

test('a second process over unchanged files parses nothing and answers as without a cache', async () => {
  const ws = workspace();
  try {
    const fresh = await run(ws.root, undefined);
    const first = await run(ws.root, ws.cacheDir);
    assert.equal(first.parsed, pyFiles(ws.root).length);
    const second = await run(ws.root, ws.cacheDir);
    assert.equal(second.parsed, 0);
    assert.ok(fresh.routes.length > 0);
    assert.deepEqual(second.routes, fresh.routes);
    assert.deepEqual(second.findings, fresh.findings);
    assert.deepEqual(second.problems, fresh.problems);
  } finally {
    ws.done();
  }
});

test('a changed file is indexed again, the others come from the cache', async () => {
  const ws = workspace();
  try {
    await run(ws.root, ws.cacheDir);
    const main = path.join(ws.root, 'app/main.py');
    writeFileSync(
      main,
      `${readFileSync(main, 'utf8')}\n@app.get("/added-after-caching")\nasync def added():\n    return 1\n`,
    );
    const after = await run(ws.root, ws.cacheDir);
    assert.equal(after.parsed, 1);
    assert.ok(after.routes.some((r) => r.path === '/added-after-caching'));
    const fresh = await run(ws.root, undefined);
    assert.deepEqual(after.routes, fresh.routes);
    assert.deepEqual(after.findings, fresh.findings);
  } finally {
    ws.done();
  }
});

test('another tool version reads the cache as empty', async () => {
  const ws = workspace();
  try {
    await run(ws.root, ws.cacheDir, 'v1');
    const other = await run(ws.root, ws.cacheDir, 'v2');
    assert.equal(other.parsed, pyFiles(ws.root).length);
    // and v2's run replaced the file: v1 is the stranger now
    assert.equal((await run(ws.root, ws.cacheDir, 'v1')).parsed, pyFiles(ws.root).length);
  } finally {
    ws.done();
  }
});

test('a damaged entry is indexed again; a damaged cache file opens empty', async () => {
  const ws = workspace();
  try {
    const fresh = await run(ws.root, undefined);
    await run(ws.root, ws.cacheDir);
    const [file] = readdirSync(ws.cacheDir).filter((f) => f.endsWith('.bin'));
    const cachePath = path.join(ws.cacheDir, file);
    const stored = deserialize(readFileSync(cachePath)) as { entries: Map<string, [string, string, Uint8Array]> };
    const slots = [...stored.entries.values()];
    assert.ok(slots.length >= 2);
    // one entry's bytes flipped (its checksum no longer matches) …
    slots[0][2] = Uint8Array.from(slots[0][2], (b, i) => (i === 5 ? b ^ 0xff : b));
    // … and one with a valid checksum over something that is not facts
    const junk = serialize(42);
    slots[1][1] = createHash('sha1').update(junk).digest('hex');
    slots[1][2] = junk;
    writeFileSync(cachePath, serialize(stored));
    const repaired = await run(ws.root, ws.cacheDir);
    assert.equal(repaired.parsed, 2);
    assert.deepEqual(repaired.routes, fresh.routes);
    assert.deepEqual(repaired.findings, fresh.findings);
    // the run wrote good entries back
    assert.equal((await run(ws.root, ws.cacheDir)).parsed, 0);

    writeFileSync(cachePath, 'not a cache at all');
    const fromGarbage = await run(ws.root, ws.cacheDir);
    assert.equal(fromGarbage.parsed, pyFiles(ws.root).length);
    assert.deepEqual(fromGarbage.routes, fresh.routes);
  } finally {
    ws.done();
  }
});

function cli(args: string[], cacheDir: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CLI, ...args],
      { timeout: 60_000, env: { ...process.env, ENDPOINT_PROFILER_CACHE_DIR: cacheDir } },
      (err, stdout) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout }),
    );
  });
}

test('the CLI writes the cache by default and not with --no-cache, with the same output', async () => {
  const ws = workspace();
  try {
    const none = await cli(['routes', '--json', '--no-cache', ws.root], ws.cacheDir);
    assert.equal(none.code, 0);
    assert.throws(() => readdirSync(ws.cacheDir));
    const cold = await cli(['routes', '--json', ws.root], ws.cacheDir);
    assert.equal(readdirSync(ws.cacheDir).filter((f) => f.endsWith('.bin')).length, 1);
    const warm = await cli(['routes', '--json', ws.root], ws.cacheDir);
    assert.equal(cold.stdout, none.stdout);
    assert.equal(warm.stdout, none.stdout);
  } finally {
    ws.done();
  }
});

test('lazy parsers: a run served by the cache loads no grammar, a cold one only its languages', async () => {
  const ws = workspace();
  try {
    const loaded: string[] = [];
    const counting = (name: string) => (loaded.push(name), nodeWasmLoader(name));
    const cold = new ProjectIndex(
      ws.root,
      nodeFileSystem,
      Parsers.lazy(counting),
      {},
      await FactsCache.open(ws.cacheDir, ws.root, 'v1'),
    );
    await cold.refresh();
    assert.deepEqual(
      loaded.filter((n) => n !== 'tree-sitter.wasm'),
      ['tree-sitter-python.wasm'],
      'a Python workspace',
    );
    loaded.length = 0;
    const warm = new ProjectIndex(
      ws.root,
      nodeFileSystem,
      Parsers.lazy(counting),
      {},
      await FactsCache.open(ws.cacheDir, ws.root, 'v1'),
    );
    await warm.refresh();
    assert.deepEqual(loaded, []);
    assert.deepEqual(warm.routes(), cold.routes());
  } finally {
    ws.done();
  }
});

test('a grammar that cannot load fails the refresh with its one message, not every file', async () => {
  const ws = workspace();
  try {
    const broken = (name: string) =>
      name === 'tree-sitter-python.wasm' ? Promise.reject(new Error('grammar file missing')) : nodeWasmLoader(name);
    const index = new ProjectIndex(ws.root, nodeFileSystem, Parsers.lazy(broken), {});
    await assert.rejects(index.refresh(), /grammar file missing/);
  } finally {
    ws.done();
  }
});

/** One "process" as the CLI runs it: refresh, then routes and findings, then the linked results written back. */
async function linkedRun(root: string, cacheDir: string, analysis?: AnalysisConfig) {
  const cache = await FactsCache.open(cacheDir, root, 'v1');
  const index = new ProjectIndex(root, nodeFileSystem, await (parsersPromise ??= Parsers.load()), { analysis }, cache);
  await index.refresh();
  const linked = countLinks();
  try {
    const result = { routes: index.routes(), findings: index.findings(), problems: index.problems() };
    await index.saveLinked();
    return { ...result, linked: linked.count };
  } finally {
    linked.restore();
  }
}

/** Counts RouteLinker.link calls (the real linker still runs) until restore(). */
function countLinks(): { count: number; restore(): void } {
  const original = RouteLinker.prototype.link;
  const counter = {
    count: 0,
    restore: () => void (RouteLinker.prototype.link = original),
  };
  RouteLinker.prototype.link = function (this: RouteLinker, ...args: Parameters<RouteLinker['link']>) {
    counter.count++;
    return original.apply(this, args);
  };
  return counter;
}

test('a second process over the same files takes the routes and findings the first linked', async () => {
  const ws = workspace();
  try {
    const main = path.join(ws.root, 'app/main.py');
    writeFileSync(
      main,
      `${readFileSync(main, 'utf8')}\nimport time\n\n@app.get("/slow")\nasync def slow():\n    time.sleep(1)\n`,
    );
    const fresh = await run(ws.root, undefined);
    assert.ok(fresh.routes.length > 0 && fresh.findings.length > 0);
    const first = await linkedRun(ws.root, ws.cacheDir);
    assert.equal(first.linked, 1);
    const second = await linkedRun(ws.root, ws.cacheDir);
    assert.equal(second.linked, 0, 'routes taken from the cache, not linked again');
    assert.deepEqual(second.routes, fresh.routes);
    assert.deepEqual(second.findings, fresh.findings);
    // other analysis settings: the routes still fit, the findings are made again for them
    const allowAll = await linkedRun(ws.root, ws.cacheDir, { allowedCalls: ['*'] });
    assert.equal(allowAll.linked, 0);
    assert.deepEqual(allowAll.findings, []);
  } finally {
    ws.done();
  }
});

test('routes taken from the cache keep their notes: a registration cut by a limit still says so', async () => {
  const ws = workspace();
  try {
    // one helper called more often than discovery reads (500 call sites): problems() names the cut
    const calls = Array.from({ length: 510 }, (_, i) => `register("/r${i}")`);
    writeFileSync(
      path.join(ws.root, 'app/many.py'),
      [
        'from fastapi import FastAPI',
        'app = FastAPI()',
        'def handler(): pass',
        'def register(path):',
        '    app.add_api_route(path, handler)',
        ...calls,
      ].join('\n'),
    );
    const note = (problems: Array<{ path: string; problem: string }>) =>
      problems.filter((p) => p.path === 'app/many.py' && /only its first 500 calls/.test(p.problem));
    const first = await linkedRun(ws.root, ws.cacheDir);
    assert.equal(first.linked, 1);
    assert.equal(note(first.problems).length, 1);
    const second = await linkedRun(ws.root, ws.cacheDir);
    assert.equal(second.linked, 0, 'routes taken from the cache');
    assert.deepEqual(note(second.problems), note(first.problems));
  } finally {
    ws.done();
  }
});

test('a changed file or a damaged linked result is linked again, as without a cache', async () => {
  const ws = workspace();
  try {
    await linkedRun(ws.root, ws.cacheDir);
    const main = path.join(ws.root, 'app/main.py');
    writeFileSync(
      main,
      `${readFileSync(main, 'utf8')}\n@app.get("/added-after-linking")\nasync def added():\n    return 1\n`,
    );
    const changed = await linkedRun(ws.root, ws.cacheDir);
    assert.equal(changed.linked, 1);
    const fresh = await run(ws.root, undefined);
    assert.ok(fresh.routes.some((r) => r.path === '/added-after-linking'));
    assert.deepEqual(changed.routes, fresh.routes);
    assert.deepEqual(changed.findings, fresh.findings);

    const [file] = readdirSync(ws.cacheDir).filter((f) => f.endsWith('.links'));
    const linksPath = path.join(ws.cacheDir, file);
    const stored = deserialize(readFileSync(linksPath)) as { links: Map<string, [string, string, Uint8Array]> };
    const routes = stored.links.get('routes')!;
    routes[2] = Uint8Array.from(routes[2], (b, i) => (i === 5 ? b ^ 0xff : b)); // fails its checksum
    writeFileSync(linksPath, serialize(stored));
    const repaired = await linkedRun(ws.root, ws.cacheDir);
    assert.equal(repaired.linked, 1);
    assert.deepEqual(repaired.routes, fresh.routes);

    writeFileSync(linksPath, 'not linked results at all');
    const fromGarbage = await linkedRun(ws.root, ws.cacheDir);
    assert.equal(fromGarbage.linked, 1);
    assert.deepEqual(fromGarbage.routes, fresh.routes);
    assert.deepEqual(fromGarbage.findings, fresh.findings);
  } finally {
    ws.done();
  }
});

test('a cached run decodes only the facts it links: code facts not until findings are asked', async () => {
  const ws = workspace();
  try {
    const fresh = await run(ws.root, undefined);
    await run(ws.root, ws.cacheDir);
    // the cached code facts of app/main.py replaced by bytes that are no code facts, checksum made to match
    const [file] = readdirSync(ws.cacheDir).filter((f) => f.endsWith('.bin'));
    const cachePath = path.join(ws.cacheDir, file);
    const stored = deserialize(readFileSync(cachePath)) as { entries: Map<string, [string, string, Uint8Array]> };
    const slot = stored.entries.get('python\0app/main.py')!;
    const packed = unpackFacts(slot[2])!;
    assert.ok(packed.route instanceof Uint8Array && packed.code instanceof Uint8Array);
    slot[2] = packFacts({
      routeFacts: deserialize(packed.route) as RouteFacts,
      codeFacts: 'not code facts' as unknown as CodeFacts,
    });
    slot[1] = createHash('sha1').update(slot[2]).digest('hex');
    writeFileSync(cachePath, serialize(stored));

    const index = new ProjectIndex(
      ws.root,
      nodeFileSystem,
      await (parsersPromise ??= Parsers.load()),
      {},
      await FactsCache.open(ws.cacheDir, ws.root, 'v1'),
    );
    await index.refresh();
    assert.equal(index.lastRefresh!.extracted, 0);
    assert.deepEqual(index.routes(), fresh.routes);
    assert.deepEqual(index.problems(), fresh.problems, 'routes() read no code facts');
    index.findings();
    assert.deepEqual(
      index.problems().filter((p) => p.path === 'app/main.py'),
      [{ path: 'app/main.py', problem: 'blocking-call analysis left out: its cached facts could not be read' }],
    );
  } finally {
    ws.done();
  }
});

test('packed facts unpack to their parts and problem as packed; anything else is no packed facts', () => {
  const routeFacts = { kind: 'python', facts: { imports: [] } } as unknown as RouteFacts;
  const codeFacts = { language: 'python', module: 'm', functions: [], suppressions: {} } as CodeFacts;
  const cases = [
    { routeFacts, codeFacts },
    { routeFacts, codeFacts, problem: 'x.py: damaged — ünïcode kept' },
    { problem: 'could not parse' },
    { codeFacts },
    { problem: '' },
    {},
  ];
  for (const facts of cases) {
    const bytes = packFacts(facts);
    // its own buffer, whole: an extraction worker transfers it
    assert.equal(bytes.byteOffset, 0);
    assert.equal(bytes.byteLength, bytes.buffer.byteLength);
    const packed = unpackFacts(bytes)!;
    assert.deepEqual(
      Object.keys(packed).sort(),
      Object.keys(facts)
        .map((k) => k.replace('Facts', ''))
        .sort(),
    );
    assert.equal(packed.problem, facts.problem);
    assert.deepEqual(packed.route && deserialize(packed.route), facts.routeFacts);
    assert.deepEqual(packed.code && deserialize(packed.code), facts.codeFacts);
    // a copy at another offset reads the same
    const shifted = new Uint8Array(bytes.byteLength + 3);
    shifted.set(bytes, 3);
    assert.deepEqual(unpackFacts(shifted.subarray(3)), packed);
  }
  const whole = packFacts({ routeFacts, codeFacts, problem: 'p' });
  for (const bad of [
    new Uint8Array(0),
    serialize({ route: serialize(routeFacts) }), // the layout before facts/3
    whole.subarray(0, whole.byteLength - 2 - serialize(codeFacts).byteLength), // cut inside the code part
    Uint8Array.from([0x70, 8, 0, 0, 0, 0, 0, 0, 0, 0]), // an unknown part
    Uint8Array.from([0x70, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0xff]), // a problem that is no UTF-8
  ])
    assert.equal(unpackFacts(bad), undefined);
});
