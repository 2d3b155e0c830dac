// Cost of progress snapshots: the same run with and without a progress listener (the extension
// always attaches one), alternating, against nginx (bench/load-nginx.conf) at c=50. Reports
// req/s and, steadier on a shared machine, this process's CPU time (every thread) per request.
// Usage: node --import tsx bench/load-progress.ts [--seconds 3] [--rounds 4]  → prints one Markdown table row
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type * as Engine from '../src/core/load/engine';
import { loadAverage } from './bundle';
import { startNginx } from './nginx';

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
  // Bundled as the extension ships it (engine and dist/loadWorker.js side by side): no tsx in the workers.
  await esbuild.build({
    entryPoints: {
      engine: path.join(__dirname, '../src/core/load/engine.ts'),
      loadWorker: path.join(__dirname, '../src/core/load/worker.ts'),
    },
    outdir: work,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'error',
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startLoad } = require(path.join(work, 'engine.js')) as typeof Engine;
  const nginx = await startNginx(work);
  try {
    const url = nginx.url;
    const rps: Record<'with' | 'without', number[]> = { with: [], without: [] };
    const cpuUs: Record<'with' | 'without', number[]> = { with: [], without: [] };
    let snapshots = 0;
    const load = loadAverage;
    const loadBefore = load();
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of round % 2 ? (['with', 'without'] as const) : (['without', 'with'] as const)) {
        const listener = mode === 'with' ? () => snapshots++ : undefined;
        const cpu0 = process.cpuUsage();
        const r = await startLoad({ url, concurrency: 50, durationS: SECONDS, threads: 1 }, listener).result;
        const cpu = process.cpuUsage(cpu0);
        rps[mode].push(r.summary.rps);
        cpuUs[mode].push((cpu.user + cpu.system) / (r.summary.count + (r.summary.cancelledInFlight ?? 0)));
      }
    }
    const w = median(rps.with);
    const wo = median(rps.without);
    const cw = median(cpuUs.with);
    const cwo = median(cpuUs.without);
    const round1 = (xs: number[]): number[] => xs.map((x) => Math.round(x * 10) / 10);
    process.stdout.write(
      `| progress listener attached (worker, c=50, nginx, ${SECONDS} s × ${ROUNDS} alternating) | ${w.toFixed(0)} req/s | ${wo.toFixed(0)} req/s (no listener) | ${(w / wo).toFixed(3)} | ≥ 0.95 |\n` +
        `| CPU per request, whole process (listener ÷ none) | ${cw.toFixed(1)} µs | ${cwo.toFixed(1)} µs (no listener) | ${(cw / cwo).toFixed(3)} | ≤ 1.05 |\n` +
        `\n${snapshots} snapshots received; req/s of all runs: ${JSON.stringify(rps)}; CPU µs/request: ${JSON.stringify({ with: round1(cpuUs.with), without: round1(cpuUs.without) })}; load average before ${loadBefore}, after ${load()}\n`,
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
