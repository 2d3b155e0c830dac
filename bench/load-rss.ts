// Memory of a long full-speed run: peak RSS of the CLI (`load -z S -c 50`, one thread, its
// defaults) against nginx (bench/load-nginx.conf), and of autocannon (a Node peer) on the same
// server in the same rounds, alternating which goes first. RSS is read from /proc every 200 ms.
// Usage: node --import tsx bench/load-rss.ts [--seconds 60] [--rounds 1] [--node-flags "--x --y"]
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundledCliFolder, loadAverage } from './bundle';
import { startNginx } from './nginx';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const SECONDS = Number(arg('--seconds', '60'));
const ROUNDS = Number(arg('--rounds', '1'));
const NODE_FLAGS = arg('--node-flags', '').split(' ').filter(Boolean);
const root = path.join(__dirname, '..');

interface Sampled {
  peakMb: number;
  lastMb: number;
  out: string;
}

/** Runs a command to its end, sampling its RSS; stdout is kept. */
function sampled(cmd: string, args: string[]): Promise<Sampled> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    let peak = 0;
    let last = 0;
    const timer = setInterval(() => {
      try {
        const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]);
        if (kb > 0) {
          last = kb / 1024;
          peak = Math.max(peak, last);
        }
      } catch {
        /* exited */
      }
    }, 200);
    child.on('error', reject);
    child.on('exit', () => {
      clearInterval(timer);
      resolve({ peakMb: peak, lastMb: last, out });
    });
  });
}

async function main(): Promise<void> {
  const work = await bundledCliFolder('rss');
  mkdirSync(path.join(work, 'tmp'));
  const nginx = await startNginx(work);
  const load = loadAverage;
  try {
    const url = nginx.url;
    const loadBefore = load();
    const rows: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const tools = [
        async (): Promise<string> => {
          const r = await sampled(process.execPath, [
            ...NODE_FLAGS,
            path.join(work, 'cli.js'),
            'load',
            '-z',
            `${SECONDS}s`,
            '-c',
            '50',
            '--json',
            url,
          ]);
          const rec = JSON.parse(r.out) as { summary: { rps: number }; config: { threads: number } };
          return `| ours (${rec.config.threads} thread${NODE_FLAGS.length ? `, ${NODE_FLAGS.join(' ')}` : ''}) | ${r.peakMb.toFixed(1)} MB | ${r.lastMb.toFixed(1)} MB | ${rec.summary.rps.toFixed(0)} req/s |`;
        },
        async (): Promise<string> => {
          const r = await sampled(process.execPath, [
            path.join(root, 'node_modules/autocannon/autocannon.js'),
            '-c',
            '50',
            '-d',
            String(SECONDS),
            '--json',
            url,
          ]);
          const rec = JSON.parse(r.out) as { requests: { average: number } };
          return `| autocannon | ${r.peakMb.toFixed(1)} MB | ${r.lastMb.toFixed(1)} MB | ${rec.requests.average.toFixed(0)} req/s |`;
        },
      ];
      if (round % 2) tools.reverse();
      for (const t of tools) rows.push(await t());
    }
    process.stdout.write(
      `${new Date().toISOString()} · ${SECONDS} s full speed vs nginx, c=50 · ${ROUNDS} round(s), alternating · ${os.cpus().length} cores shared with other engineers · load average before ${loadBefore}, after ${load()}\n\n` +
        `| tool | peak RSS | RSS at the end | req/s |\n|---|---|---|---|\n${rows.join('\n')}\n`,
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
