import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, applyEdits, parsesCleanly, route } from './analysis-helpers';

test('time.sleep(x) → await asyncio.sleep(x), adding `import asyncio` after the imports', async () => {
  const src = 'import time\nfrom x import y\n\nasync def h(delay):\n    time.sleep(delay * 2)\n';
  const [f] = await analyze({ 'a.py': src });
  assert.ok(f.fix);
  const out = applyEdits(src, f.fix.edits);
  assert.equal(out, 'import time\nfrom x import y\nimport asyncio\n\nasync def h(delay):\n    await asyncio.sleep(delay * 2)\n');
  assert.ok(await parsesCleanly('python', out));
});

test('no import added when asyncio is already imported', async () => {
  const src = 'import asyncio\nimport time\nasync def h():\n    time.sleep(1)\n';
  const [f] = await analyze({ 'a.py': src });
  assert.equal(applyEdits(src, f.fix!.edits), 'import asyncio\nimport time\nasync def h():\n    await asyncio.sleep(1)\n');
});

test('other blocking calls offer asyncio.to_thread as an alternative, and a noqa suppression', async () => {
  const src = 'import asyncio\nimport requests\nasync def h(u):\n    r = requests.get(u, timeout=3)\n    return r\n';
  const [f] = await analyze({ 'a.py': src });
  assert.equal(f.fix, undefined, 'requests.get has no safe one-line rewrite, only the httpx note');
  assert.match(f.replacement!, /httpx\.AsyncClient/);
  const [toThread, noqa] = f.alternativeFixes!;
  const threaded = applyEdits(src, toThread.edits);
  assert.equal(threaded, 'import asyncio\nimport requests\nasync def h(u):\n    r = await asyncio.to_thread(requests.get, u, timeout=3)\n    return r\n');
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
  assert.deepEqual(await analyze({ 'a.py': out }, [route('a.py', 4, 'h', { async: false, execution: 'threadpool' })]), []);
});

test('fs.readFileSync(a) → await fs.promises.readFile(a) only inside an async function', async () => {
  const src = "const fs = require('fs');\napp.get('/a', async (req, res) => {\n  res.send(fs.readFileSync('a.txt', 'utf8'));\n});\napp.get('/b', (req, res) => {\n  res.send(fs.readFileSync('b.txt'));\n});\n";
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
