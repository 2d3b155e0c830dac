// What watching the event loop costs the server (not part of `npm test`): uvicorn serving
// bench/load_hello.py, with and without the loop-watch hook, rounds alternated (A B A B …) so
// drift hits both alike; the same for an Express hello app. Throughput from our own load engine.
// Usage: node --import tsx bench/loop-watch.ts [--rounds 4] [--seconds 3]  → Markdown on stdout
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLoad } from '../src/core/load/engine';
import { prepareLoopWatch } from '../src/core/runtime/loopWatch';
import { startServer } from '../src/core/servers';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const rounds = arg('--rounds', 4);
const seconds = arg('--seconds', 3);

async function rps(command: string[], cwd: string, watched: boolean): Promise<number> {
  const watch = watched ? prepareLoopWatch({ root: cwd }) : undefined;
  const server = await startServer({ command, cwd, ...(watch ? { extraEnv: watch.env() } : {}), timeoutMs: 30_000 });
  try {
    await startLoad({ url: `${server.url}/`, concurrency: 20, requests: 200, warmup: 0 }).result; // warm up
    const r = await startLoad({ url: `${server.url}/`, concurrency: 20, durationS: seconds, warmup: 0 }).result;
    return r.summary.ok / r.summary.durationS;
  } finally {
    await server.stop();
    watch?.dispose();
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const express = mkdtempSync(path.join(os.tmpdir(), 'ep-bench-express-'));
  writeFileSync(
    path.join(express, 'app.js'),
    `const app = require(${JSON.stringify(require.resolve('express'))})();
     app.get('/', (req, res) => res.send('hello, world'));
     app.listen(Number(process.env.PORT), '127.0.0.1');`,
  );
  const cases: Array<[string, string[], string]> = [
    [
      'uvicorn hello (asyncio)',
      ['/usr/bin/python3', '-m', 'uvicorn', 'load_hello:app', '--port', '{port}', '--log-level', 'warning'],
      __dirname,
    ],
    ['Express hello', [process.execPath, 'app.js'], express],
  ];
  const rows = [
    '| server | without hook (req/s) | with hook (req/s) | ratio | rounds |',
    '| --- | --- | --- | --- | --- |',
  ];
  try {
    for (const [name, command, cwd] of cases) {
      const off: number[] = [];
      const on: number[] = [];
      for (let i = 0; i < rounds; i++) {
        off.push(await rps(command, cwd, false));
        on.push(await rps(command, cwd, true));
      }
      const ratio = median(on) / median(off);
      rows.push(
        `| ${name} | ${Math.round(median(off))} | ${Math.round(median(on))} | ${ratio.toFixed(3)} | ${rounds} × ${seconds} s, c=20 |`,
      );
    }
  } finally {
    rmSync(express, { recursive: true, force: true });
  }
  process.stdout.write(
    `# Loop-watch overhead\n\n${new Date().toISOString()} · Node ${process.version} · ${os.cpus().length} cores · load average ${os.loadavg()[0].toFixed(1)} (client and server share the cores)\n\n${rows.join('\n')}\n`,
  );
}

void main();
