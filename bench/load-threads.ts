// --threads on this machine: req/s of the CLI with 1, 2, … threads against nginx
// (bench/load-nginx.conf), c=50, with wrk -t1, -t2, … as peers in the same rounds, the order
// reversed every other round. Says how many cores the machine has; by default it goes one thread
// past them, so the curve shows where adding threads stops paying. On 2 cores shared with the
// server, more threads cannot help (the default there is 1).
// Usage: node --import tsx bench/load-threads.ts [--seconds 3] [--rounds 3] [--max-threads cores+1]
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundledCliFolder, loadAverage } from './bundle';
import { startNginx } from './nginx';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECONDS = arg('--seconds', 3);
const ROUNDS = arg('--rounds', 3);
const MAX_THREADS = arg('--max-threads', os.cpus().length + 1);

const run = (cmd: string, args: string[]): Promise<string> =>
  new Promise((resolve, reject) =>
    execFile(cmd, args, { maxBuffer: 64 << 20, timeout: (SECONDS + 60) * 1000 }, (err, out, errOut) =>
      err ? reject(new Error(`${cmd}: ${err.message} ${errOut}`)) : resolve(out),
    ),
  );
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const work = await bundledCliFolder('threads');
  mkdirSync(path.join(work, 'tmp'));
  const nginx = await startNginx(work);
  const load = loadAverage;
  try {
    const url = nginx.url;
    const tools: Array<[string, () => Promise<number>]> = [];
    for (let t = 1; t <= MAX_THREADS; t++)
      tools.push([
        `ours --threads ${t}`,
        async () => {
          const out = await run(process.execPath, [
            path.join(work, 'cli.js'),
            'load',
            '--threads',
            String(t),
            '-z',
            `${SECONDS}s`,
            '-c',
            '50',
            '--json',
            url,
          ]);
          return (JSON.parse(out) as { summary: { rps: number } }).summary.rps;
        },
      ]);
    for (let t = 1; t <= MAX_THREADS; t++)
      tools.push([
        `wrk -t${t}`,
        async () =>
          Number(/Requests\/sec:\s+([\d.]+)/.exec(await run('wrk', [`-t${t}`, '-c50', `-d${SECONDS}s`, url]))?.[1]),
      ]);
    const rps = new Map<string, number[]>(tools.map(([n]) => [n, []]));
    const loadBefore = load();
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? [...tools].reverse() : tools;
      for (const [name, fn] of order) rps.get(name)!.push(await fn());
    }
    const base = median(rps.get('ours --threads 1')!);
    const wrk1 = median(rps.get('wrk -t1')!);
    const rows = [...rps].map(
      ([name, xs]) =>
        `| ${name} | ${median(xs).toFixed(0)} req/s | ${(median(xs) / base).toFixed(2)} | ${(median(xs) / wrk1).toFixed(2)} | ${xs.map((x) => x.toFixed(0)).join(', ')} |`,
    );
    process.stdout.write(
      `${new Date().toISOString()} · nginx constant body, c=50 · ${SECONDS} s × ${ROUNDS} alternating rounds (median) · ${os.cpus().length} cores shared with nginx and other engineers · load average before ${loadBefore}, after ${load()}\n\n` +
        `| tool | req/s | ÷ ours 1 thread | ÷ wrk -t1 | rounds |\n|---|---|---|---|---|\n${rows.join('\n')}\n`,
    );
  } finally {
    nginx.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  process.stderr.write(`bench failed: ${e.message}\n`);
  process.exitCode = 1;
});
