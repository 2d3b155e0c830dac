// Cost of progress snapshots: the same run with and without a progress listener (the extension
// always attaches one), alternating, against nginx (bench/load-nginx.conf) at c=50.
// Usage: node --import tsx bench/load-progress.ts [--seconds 3] [--rounds 4]  → prints one Markdown table row
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLoad } from '../src/core/load/engine';
import { freePort } from '../test/fixtures/servers/ports';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECONDS = arg('--seconds', 3);
const ROUNDS = arg('--rounds', 4);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'ep-progress-'));
  mkdirSync(path.join(work, 'tmp'));
  const port = await freePort();
  writeFileSync(
    path.join(work, 'nginx.conf'),
    readFileSync(path.join(__dirname, 'load-nginx.conf'), 'utf8').replace('__PORT__', String(port)),
  );
  const nginx = spawn('/usr/sbin/nginx', ['-p', work, '-c', path.join(work, 'nginx.conf'), '-g', 'daemon off;'], {
    detached: true,
    stdio: 'ignore',
  });
  try {
    for (let i = 0; i < 100; i++) {
      const up = await new Promise<boolean>((r) => {
        const s = net.connect(port, '127.0.0.1', () => {
          s.destroy();
          r(true);
        });
        s.on('error', () => r(false));
      });
      if (up) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const url = `http://127.0.0.1:${port}/`;
    const rps: Record<'with' | 'without', number[]> = { with: [], without: [] };
    let snapshots = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of round % 2 ? (['with', 'without'] as const) : (['without', 'with'] as const)) {
        const listener = mode === 'with' ? () => snapshots++ : undefined;
        const r = await startLoad({ url, concurrency: 50, durationS: SECONDS }, listener).result;
        rps[mode].push(r.summary.rps);
      }
    }
    const w = median(rps.with);
    const wo = median(rps.without);
    process.stdout.write(
      `| progress listener attached (worker, c=50, nginx, ${SECONDS} s × ${ROUNDS} alternating) | ${w.toFixed(0)} req/s | ${wo.toFixed(0)} req/s (no listener) | ${(w / wo).toFixed(3)} | ≥ 0.95 |\n` +
        `\n${snapshots} snapshots received; all runs: ${JSON.stringify(rps)}; load average ${os
          .loadavg()
          .map((x) => x.toFixed(2))
          .join(' ')}\n`,
    );
  } finally {
    if (nginx.pid) process.kill(-nginx.pid, 'SIGTERM');
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  process.stderr.write(`bench failed: ${e.message}\n`);
  process.exitCode = 1;
});
