import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Finding } from '../../src/core/model';
import {
  analyze,
  applyEdits,
  nodeChecks,
  parsesCleanly,
  pythonCompiles,
  route,
  runNodeModule,
} from './analysis-helpers';

test('time.sleep(x) → await asyncio.sleep(x), adding `import asyncio` after the imports', async () => {
  const src = 'import time\nfrom x import y\n\nasync def h(delay):\n    time.sleep(delay * 2)\n';
  const [f] = await analyze({ 'a.py': src });
  assert.ok(f.fix);
  const out = applyEdits(src, f.fix.edits);
  assert.equal(
    out,
    'import time\nfrom x import y\nimport asyncio\n\nasync def h(delay):\n    await asyncio.sleep(delay * 2)\n',
  );
  assert.ok(await parsesCleanly('python', out));
});

test('no import added when asyncio is already imported', async () => {
  const src = 'import asyncio\nimport time\nasync def h():\n    time.sleep(1)\n';
  const [f] = await analyze({ 'a.py': src });
  assert.equal(
    applyEdits(src, f.fix!.edits),
    'import asyncio\nimport time\nasync def h():\n    await asyncio.sleep(1)\n',
  );
});

test('other blocking calls offer asyncio.to_thread as an alternative, and a noqa suppression', async () => {
  const src = 'import asyncio\nimport requests\nasync def h(u):\n    r = requests.get(u, timeout=3)\n    return r\n';
  const [f] = await analyze({ 'a.py': src });
  assert.equal(f.fix, undefined, 'requests.get has no safe one-line rewrite, only the httpx note');
  assert.match(f.replacement!, /httpx\.AsyncClient/);
  const [toThread, noqa] = f.alternativeFixes!;
  const threaded = applyEdits(src, toThread.edits);
  assert.equal(
    threaded,
    'import asyncio\nimport requests\nasync def h(u):\n    r = await asyncio.to_thread(requests.get, u, timeout=3)\n    return r\n',
  );
  assert.ok(await parsesCleanly('python', threaded));
  const suppressed = applyEdits(src, noqa.edits);
  assert.equal(suppressed.split('\n')[3], '    r = requests.get(u, timeout=3)  # noqa: EP101');
  assert.deepEqual(await analyze({ 'a.py': suppressed }), []);
});

test('EP103 fix turns a FastAPI async handler into def, after which nothing is flagged', async () => {
  const src = 'import time\n\n@app.get("/")\nasync def h():\n    time.sleep(1)\n';
  const fs = await analyze({ 'a.py': src }, [route('a.py', 4, 'h')]);
  const ep103 = fs.find((f) => f.rule === 'EP103')!;
  const out = applyEdits(src, ep103.fix!.edits);
  assert.equal(out, 'import time\n\n@app.get("/")\ndef h():\n    time.sleep(1)\n');
  assert.ok(await parsesCleanly('python', out));
  assert.deepEqual(
    await analyze({ 'a.py': out }, [route('a.py', 4, 'h', { async: false, execution: 'threadpool' })]),
    [],
  );
});

test('fs.readFileSync(a) → await fs.promises.readFile(a) only inside an async function', async () => {
  const src =
    "const fs = require('fs');\napp.get('/a', async (req, res) => {\n  res.send(fs.readFileSync('a.txt', 'utf8'));\n});\napp.get('/b', (req, res) => {\n  res.send(fs.readFileSync('b.txt'));\n});\n";
  const fs = await analyze({ 'server.js': src }, [
    route('server.js', 2, '<anonymous>', { framework: 'express' }),
    route('server.js', 5, '<anonymous>', { framework: 'express', async: false }),
  ]);
  assert.equal(fs.length, 2);
  const out = applyEdits(src, fs[0].fix!.edits);
  assert.equal(out.split('\n')[2], "  res.send(await fs.promises.readFile('a.txt', 'utf8'));");
  assert.ok(await parsesCleanly('javascript', out));
  assert.equal(fs[1].fix, undefined);
  const ignored = applyEdits(src, fs[1].alternativeFixes!.at(-1)!.edits);
  assert.equal(ignored.split('\n')[5], "  res.send(fs.readFileSync('b.txt')); // endpoint-profiler-ignore EP101");
});

/** Every fix and alternative fix of every finding, each applied on its own to `src`. */
const everyFix = (fs: Finding[], src: string) =>
  fs.flatMap((f) =>
    [f.fix, ...(f.alternativeFixes ?? [])]
      .filter((x) => x !== undefined)
      .map((fix) => ({ title: fix.title, out: applyEdits(src, fix.edits) })),
  );

test('a fixed call that is the object of a member access, call or subscript is parenthesised (await binds looser)', async () => {
  const src = [
    "const fs = require('fs');",
    'module.exports = async function h(p) {',
    "  const lines = fs.readFileSync(p, 'utf8').split('\\n');",
    "  const first = fs.readFileSync(p, 'utf8')[0];",
    '  const size = fs.statSync(p).size;',
    "  return [lines.length, first, size, fs.readFileSync(p, 'utf8').length ** 1];",
    '};',
    '',
  ].join('\n');
  const fs = await analyze({ 'h.js': src }, [route('h.js', 2, 'h', { framework: 'express' })]);
  assert.equal(fs.length, 4);
  assert.ok(
    fs.every((f) => f.fix),
    'each call has the fs.promises rewrite',
  );
  const fixed = applyEdits(
    src,
    fs.flatMap((f) => f.fix!.edits),
  );
  assert.equal(fixed.split('\n')[2], "  const lines = (await fs.promises.readFile(p, 'utf8')).split('\\n');");
  assert.equal(fixed.split('\n')[4], '  const size = (await fs.promises.stat(p)).size;');
  const check = await nodeChecks(fixed);
  assert.ok(check.ok, check.error);
  // Same result before and after, on a real file.
  const dir = mkdtempSync(`${tmpdir()}/ep-fix-`);
  try {
    writeFileSync(`${dir}/in.txt`, 'one\ntwo\nthree\n');
    assert.deepEqual(await runNodeModule(fixed, `${dir}/in.txt`), await runNodeModule(src, `${dir}/in.txt`));
    assert.deepEqual(await runNodeModule(fixed, `${dir}/in.txt`), [4, 'o', 14, 14]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Python: `requests.get(url).json()` offloads as `(await asyncio.to_thread(requests.get, url)).json()`; every fix compiles', async () => {
  const src =
    'import asyncio\nimport requests\nimport time\n\nasync def h(url):\n    data = requests.get(url).json()\n    time.sleep(1).real\n    return requests.get(url)["k"], requests.get(url).text\n';
  const fs = await analyze({ 'a.py': src });
  assert.equal(fs.length, 4);
  const lines = (f: Finding, i: number) =>
    applyEdits(src, [f.fix, ...f.alternativeFixes!].filter((x) => x !== undefined)[i].edits).split('\n');
  assert.equal(lines(fs[0], 0)[5], '    data = (await asyncio.to_thread(requests.get, url)).json()');
  assert.equal(lines(fs[1], 0)[6], '    (await asyncio.sleep(1)).real');
  assert.equal(
    lines(fs[2], 0)[7],
    '    return (await asyncio.to_thread(requests.get, url))["k"], requests.get(url).text',
  );
  for (const { title, out } of everyFix(fs, src)) {
    const r = await pythonCompiles(out);
    assert.ok(r.ok, `${title}: ${r.error}`);
  }
});

test('no await rewrite where await is not allowed: generator expressions, class bodies, parameter defaults', async () => {
  const py =
    'import asyncio, os, time\n\nasync def h(paths):\n    ok = all(os.path.exists(p) for p in paths)\n    class C:\n        x = time.sleep(1)\n    return ok\n';
  const pf = await analyze({ 'a.py': py });
  assert.equal(pf.length, 2);
  for (const f of pf)
    assert.deepEqual(
      [f.fix, ...f.alternativeFixes!].filter((x) => x).map((x) => x!.title),
      [`Suppress EP101 on this line`],
    );
  const js =
    "const fs = require('fs');\nmodule.exports = async function h(p = fs.readFileSync('d')) {\n  return p;\n};\n";
  const [jf] = await analyze({ 'h.js': js }, [route('h.js', 2, 'h', { framework: 'express' })]);
  assert.equal(jf.fix, undefined, 'await in a parameter default is a SyntaxError');
});

test('`import asyncio` goes after the last top-level import, never into a block (IndentationError)', async () => {
  const src = 'import time\nif True:\n    import os\n    X = 1\n\nasync def h():\n    time.sleep(1)\n';
  const [f] = await analyze({ 'a.py': src });
  const out = applyEdits(src, f.fix!.edits);
  assert.equal(
    out,
    'import time\nimport asyncio\nif True:\n    import os\n    X = 1\n\nasync def h():\n    await asyncio.sleep(1)\n',
  );
  const r = await pythonCompiles(out);
  assert.ok(r.ok, r.error);
  assert.ok(r.moduleNames.includes('asyncio'));
});

test('`import asyncio` after a shebang, coding line, docstring and `from __future__` imports when no other top-level import exists', async () => {
  const src =
    '#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n"""Doc."""\nfrom __future__ import annotations\ntry:\n    import time\nexcept ImportError:\n    time = None\n\nasync def h():\n    time.sleep(1)\n';
  const fs = await analyze({ 'a.py': src });
  for (const { title, out } of everyFix(fs, src)) {
    const r = await pythonCompiles(out);
    assert.ok(r.ok, `${title}: ${r.error}`);
  }
  const out = applyEdits(src, fs[0].fix!.edits);
  assert.equal(
    out.split('\n').slice(0, 6).join('\n'),
    '#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n"""Doc."""\nfrom __future__ import annotations\nimport asyncio\ntry:',
  );
  assert.ok((await pythonCompiles(out)).moduleNames.includes('asyncio'));
});

test('`import asyncio` not placed after `if __name__ == "__main__":` or past the end of a file without a final newline', async () => {
  const main =
    'import time\n\nasync def h():\n    time.sleep(1)\n\nif __name__ == "__main__":\n    serve()\nimport late\n';
  const [f] = await analyze({ 'a.py': main });
  assert.equal(applyEdits(main, f.fix!.edits).split('\n')[1], 'import asyncio');
  const eof = 'async def h():\n    time.sleep(1)\nimport time';
  const [g] = await analyze({ 'b.py': eof });
  const out = applyEdits(eof, g.fix!.edits);
  assert.equal(out, 'async def h():\n    await asyncio.sleep(1)\nimport time\nimport asyncio');
  assert.ok((await pythonCompiles(out)).ok);
});

test('asyncio imported only inside another function still gets a module-level import (no NameError)', async () => {
  const src =
    'import time\n\ndef setup():\n    import asyncio\n    return asyncio\n\nasync def h():\n    time.sleep(1)\n';
  const fs = await analyze({ 'a.py': src });
  const out = applyEdits(src, fs[0].fix!.edits);
  assert.equal(out.split('\n')[1], 'import asyncio');
  const r = await pythonCompiles(out);
  assert.ok(r.ok && r.moduleNames.includes('asyncio'), r.error);
});

test('`import asyncio as aio` is used as aio.sleep / aio.to_thread; `from asyncio import sleep` still adds `import asyncio`', async () => {
  const aliased =
    'import asyncio as aio\nimport time, requests\n\nasync def h(u):\n    time.sleep(1)\n    requests.get(u)\n';
  const [sleep, get] = await analyze({ 'a.py': aliased });
  assert.equal(
    applyEdits(aliased, sleep.fix!.edits),
    'import asyncio as aio\nimport time, requests\n\nasync def h(u):\n    await aio.sleep(1)\n    requests.get(u)\n',
  );
  assert.equal(
    applyEdits(aliased, get.alternativeFixes![0].edits).split('\n')[5],
    '    await aio.to_thread(requests.get, u)',
  );
  const from = 'from asyncio import sleep\nimport time\n\nasync def h():\n    time.sleep(1)\n';
  const [f] = await analyze({ 'b.py': from });
  const out = applyEdits(from, f.fix!.edits);
  assert.equal(
    out,
    'from asyncio import sleep\nimport time\nimport asyncio\n\nasync def h():\n    await asyncio.sleep(1)\n',
  );
  const r = await pythonCompiles(out);
  assert.ok(r.ok && r.moduleNames.includes('asyncio'));
});

test('fs.statSync with throwIfNoEntry is not rewritten (fs.promises.stat rejects instead of returning undefined)', async () => {
  const src =
    "const fs = require('fs');\nmodule.exports = async function h(p) {\n  return fs.statSync(p, { throwIfNoEntry: false });\n};\n";
  const [f] = await analyze({ 'h.js': src }, [route('h.js', 2, 'h', { framework: 'express' })]);
  assert.equal(f.fix, undefined);
});

test('a CRLF file gets its `import asyncio` with CRLF', async () => {
  const src = 'import time\r\n\r\nasync def h():\r\n    time.sleep(1)\r\n';
  const [f] = await analyze({ 'a.py': src });
  assert.equal(
    applyEdits(src, f.fix!.edits),
    'import time\r\nimport asyncio\r\n\r\nasync def h():\r\n    await asyncio.sleep(1)\r\n',
  );
});

test('every fix and alternative on a file with many call shapes leaves valid Python / JavaScript', async () => {
  const py = [
    '"""Views."""',
    'import os, time, requests',
    'from app.helpers import slow',
    '',
    'async def h(u, paths, loop):',
    '    time.sleep(1)',
    '    x = requests.get(u).json()',
    '    y = [requests.get(p) for p in paths]',
    '    z = any(os.path.exists(p) for p in paths)',
    '    loop.call_soon(lambda: time.sleep(1))',
    '    w = slow(u)["k"]',
    '    if x: return -requests.get(u).status_code',
    '    return x, y, z, w',
    '',
    'async def never_awaits():',
    '    time.sleep(1)',
    '',
  ].join('\n');
  const pf = await analyze(
    { 'app/views.py': py, 'app/helpers.py': 'import time\ndef slow(u):\n    time.sleep(1)\n    return {}\n' },
    // Both are handlers: with routes, an async function no route reaches is not checked
    [route('app/views.py', 5, 'h'), route('app/views.py', 15, 'never_awaits', { path: '/n' })],
  );
  const mine = pf.filter((f) => f.file === 'app/views.py');
  assert.ok(mine.length >= 8, `${mine.length} findings`);
  for (const { title, out } of everyFix(mine, py)) {
    const r = await pythonCompiles(out);
    assert.ok(r.ok, `${title}: ${r.error}\n${out}`);
    if (/asyncio/.test(title)) assert.ok(r.moduleNames.includes('asyncio'), title);
  }
  const js = [
    "const fs = require('fs');",
    "app.get('/a', async (req, res, next = fs.existsSync('x')) => {",
    "  const a = fs.readFileSync('a', 'utf8').trim();",
    "  const b = fs.readdirSync('.').map((f) => fs.statSync(f).size);",
    "  const c = `${fs.readFileSync('c')}`;",
    "  for (const f of fs.readdirSync('d')) res.write(f);",
    "  res.send(String(fs.statSync('e').size ** 2) + a + b + c);",
    '});',
    '',
  ].join('\n');
  const jf = await analyze({ 'server.js': js }, [route('server.js', 2, '<anonymous>', { framework: 'express' })]);
  assert.ok(jf.length >= 7, `${jf.length} findings`);
  for (const { title, out } of everyFix(jf, js)) {
    const r = await nodeChecks(out);
    assert.ok(r.ok, `${title}: ${r.error}\n${out}`);
  }
});
