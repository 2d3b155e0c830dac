// What a sweep costs in wall time (not part of `npm test`): the default 5 levels (1,2,4,8,16) with
// the default requests per level (max(10, 3 × level)) and warm-up, against a node:http endpoint that
// answers in 100 ms (scales) and one that blocks its loop for 100 ms per request (serialises).
// Usage: node --import tsx bench/sweep.ts [--rounds 3]  → Markdown on stdout
import * as os from 'node:os';
import { runSweep } from '../src/core/sweep';
import { startDelayServer } from '../test/fixtures/servers/delay-server';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 3;

async function main(): Promise<void> {
  const server = await startDelayServer();
  const cases: Array<[string, string]> = [
    ['await 100 ms (scales)', new URL('/?ms=100', server.url).href],
    ['block the loop 100 ms (serialises)', new URL('/?stallMs=100', server.url).href],
  ];
  const lines = [
    '| endpoint | verdict | requests sent | wall time (median of rounds) | rounds |',
    '| --- | --- | --- | --- | --- |',
  ];
  try {
    for (const [name, url] of cases) {
      const walls: number[] = [];
      let verdict = '';
      let sent = 0;
      for (let r = 0; r < rounds; r++) {
        const t0 = performance.now();
        const { result, records } = await runSweep({ url });
        walls.push((performance.now() - t0) / 1000);
        verdict = result.verdict.kind;
        sent = records.reduce((n, rec) => n + rec.summary.count + rec.config.warmup, 0);
      }
      walls.sort((a, b) => a - b);
      lines.push(
        `| ${name} | ${verdict} | ${sent} | ${walls[Math.floor(walls.length / 2)].toFixed(1)} s | ${walls.map((w) => w.toFixed(1)).join(', ')} s |`,
      );
    }
  } finally {
    await server.close();
  }
  process.stdout.write(
    `# Sweep wall time\n\n${new Date().toISOString()} · Node ${process.version} · ${os.cpus().length} cores · load average ${os.loadavg()[0].toFixed(1)}\n\n${lines.join('\n')}\n`,
  );
}

void main();
