// Endpoint Profiler's event-loop watchdog for Node servers, loaded with NODE_OPTIONS=--require
// when the product starts a server with --watch-loop. The main thread beats a shared clock every
// 10 ms; a worker thread reads it, and when the beat is late past the threshold it pauses the main
// thread through the inspector (connectToMainThread) to read its stack, resumes it at once, and
// repeats until the beat comes back. Stalls and lag samples go to JSON lines, as the Python hook's.
'use strict';
const { isMainThread, Worker } = require('node:worker_threads');

const WATCHER = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const inspector = require('node:inspector');
const { sab, file, root, thresholdMs, pid } = workerData;
const beat = new Float64Array(sab);
const now = () => performance.timeOrigin + performance.now();
const write = (o) => fs.appendFileSync(file, JSON.stringify(o) + '\\n');
const scripts = new Map();
const session = new inspector.Session();
session.connectToMainThread();
session.on('Debugger.scriptParsed', (m) => scripts.set(m.params.scriptId, m.params.url));
const inWorkspace = (url) => {
  if (!url || !url.startsWith('file://')) return undefined;
  let file;
  try { file = require('node:url').fileURLToPath(url); } catch { return undefined; }
  if (!file.startsWith(root + path.sep) || file.includes(path.sep + 'node_modules' + path.sep)) return undefined;
  return file;
};
let stall; // { start, site, lines, stack } while the beat is late
const onPaused = (m) => {
  session.post('Debugger.resume');
  if (!stall) return;
  const frames = m.params.callFrames
    .map((c) => ({ file: inWorkspace(c.url || scripts.get(c.location.scriptId)), line: c.location.lineNumber + 1, function: c.functionName || '(anonymous)' }))
    .filter((f) => f.file);
  if (!frames.length) return;
  const site = frames[0].file + '\\0' + frames[0].function;
  if (stall.site && stall.site !== site) flush(now());
  if (!stall.site) { stall.site = site; stall.stack = frames.slice(0, 8); stall.lines = new Map(); }
  stall.lines.set(frames[0].line, (stall.lines.get(frames[0].line) || 0) + 1);
};
session.on('Debugger.paused', onPaused);
function flush(end) {
  if (stall && stall.site) {
    const line = [...stall.lines.entries()].sort((a, b) => b[1] - a[1])[0][0];
    const top = stall.stack[0];
    write({ kind: 'stall', pid, t: stall.start / 1000, ms: Math.round((end - stall.start) * 1000) / 1000,
      site: { file: top.file, line, function: top.function }, stack: stall.stack, samples: [...stall.lines.values()].reduce((a, b) => a + b, 0) });
    stall = { start: end };
  }
}
let lagSecond = Math.floor(now() / 1000), lags = [], offsets = [];
// The debugger is on only while the loop is stalled (and for a second after): enabled for the
// whole run it cost Express ~11 % of its throughput. Debugger.enable and Debugger.pause reach
// a busy main thread through V8's interrupt, so the first sample still comes mid-stall.
let enabled = false;
let quietSince = 0;
const enable = () => {
  if (enabled) return;
  enabled = true;
  session.post('Debugger.enable');
};
const disable = () => {
  if (!enabled) return;
  enabled = false;
  scripts.clear();
  session.post('Debugger.disable');
};
// The interval also keeps this thread alive while the inspector's answers are on their way.
setInterval(() => {
    // No beat yet: the main script is still being evaluated (start-up, not a request), and a pause
    // there can crash V8's inspector (Node 20: SIGTRAP in DebugScopeIterator under Debugger.paused).
    if (beat[0] === 0) return;
    const t = now();
    const lag = Math.max(0, t - beat[0] - 10);
    if (lag > thresholdMs) {
      if (!stall) stall = { start: beat[0] + 10 };
      enable();
      session.post('Debugger.pause');
      quietSince = 0;
    } else {
      if (stall) {
        flush(beat[0]);
        stall = undefined;
      }
      if (enabled && !quietSince) quietSince = t;
      if (enabled && t - quietSince > 1000) disable();
    }
    const second = Math.floor(t / 1000);
    if (lags.length && (second !== lagSecond || lags.length >= 20)) {
      write({ kind: 'lag', pid, t: lagSecond, ms: lags, at: offsets });
      lags = []; offsets = [];
    }
    lagSecond = second;
    lags.push(Math.round(lag * 100) / 100);
    offsets.push(Math.floor(t - second * 1000));
}, 5);
`;

if (isMainThread && process.env.EP_LOOP_WATCH_DIR) {
  try {
    const path = require('node:path');
    const sab = new SharedArrayBuffer(8);
    const beat = new Float64Array(sab);
    const tick = () => {
      beat[0] = performance.timeOrigin + performance.now();
    };
    // The first beat comes from the running loop, after the main script: start-up is not watched.
    setInterval(tick, 10).unref();
    const worker = new Worker(WATCHER, {
      eval: true,
      workerData: {
        sab,
        pid: process.pid,
        file: path.join(process.env.EP_LOOP_WATCH_DIR, `loop-${process.pid}.jsonl`),
        root: path.resolve(process.env.EP_LOOP_WATCH_ROOT || process.cwd()),
        thresholdMs: Number(process.env.EP_LOOP_WATCH_THRESHOLD_MS) || 50,
      },
    });
    worker.unref(); // never keeps the server alive
    worker.on('error', (e) => process.stderr.write(`endpoint-profiler loop watch stopped: ${e.message}\n`));
  } catch (e) {
    process.stderr.write(`endpoint-profiler loop watch disabled: ${e.message}\n`);
  }
}
