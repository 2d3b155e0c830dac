// Load-generator benchmark vs hey, wrk and autocannon (not part of `npm test`).
// Usage: node --import tsx bench/load.ts [--seconds 5] [--rounds 2]  → prints Markdown (save to bench/results/load.md)
// Every comparison alternates tools round by round on the same server so drift hits all alike.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { RunRecord } from '../src/core/model';
import { freePort } from '../test/fixtures/servers/ports';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECONDS = arg('--seconds', 5);
const ROUNDS = arg('--rounds', 2);
const MEM_SECONDS = arg('--mem-seconds', 20);
const root = path.join(__dirname, '..');
const work = mkdtempSync(path.join(tmpdir(), 'ep-bench-'));
const children: ChildProcess[] = [];

const run = (cmd: string, args: string[]): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 64 << 20, timeout: (SECONDS + 60) * 1000 }, (err, out, errOut) =>
      err ? reject(new Error(`${cmd}: ${err.message} ${errOut}`)) : resolve(out),
    );
  });

async function waitPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const up = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        r(true);
      });
      s.on('error', () => r(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} never opened`);
}

async function serve(cmd: string, args: (port: number) => string[], cwd = root): Promise<string> {
  const port = await freePort();
  const child = spawn(cmd, args(port), { cwd, detached: true, stdio: 'ignore' });
  children.push(child);
  await waitPort(port);
  return `http://127.0.0.1:${port}/`;
}

const parseJson = <T>(text: string): T => JSON.parse(text) as T;

interface Result {
  rps: number;
  p50Ms: number;
}

const ours = async (url: string, c: number): Promise<Result> => {
  const r = parseJson<RunRecord>(
    await run(process.execPath, [
      path.join(work, 'cli.js'),
      'load',
      '-z',
      `${SECONDS}s`,
      '-c',
      String(c),
      '--json',
      url,
    ]),
  );
  return { rps: r.summary.rps, p50Ms: r.summary.latencyMs.p50 };
};
const hey = async (url: string, c: number): Promise<Result> => {
  const out = await run('hey', ['-z', `${SECONDS}s`, '-c', String(c), url]);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
    p50Ms: Number(/50% in ([\d.]+) secs/.exec(out)?.[1]) * 1000,
  };
};
const wrkUnit = (v: string, u: string): number =>
  Number(v) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[u];
const wrk = async (url: string, c: number): Promise<Result> => {
  const out = await run('wrk', ['-t1', `-c${c}`, `-d${SECONDS}s`, '--latency', url]);
  const p50 = /50%\s+([\d.]+)(us|ms|s)/.exec(out);
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]), p50Ms: p50 ? wrkUnit(p50[1], p50[2]) : NaN };
};
const autocannon = async (url: string, c: number): Promise<Result> => {
  const r = parseJson<{ requests: { average: number }; latency: { p50: number } }>(
    await run(path.join(root, 'node_modules/.bin/autocannon'), ['-c', String(c), '-d', String(SECONDS), '--json', url]),
  );
  return { rps: r.requests.average, p50Ms: r.latency.p50 };
};
type Tool = [string, (url: string, c: number) => Promise<Result>];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function compare(url: string, c: number, tools: Tool[]): Promise<Map<string, Result>> {
  const all = new Map<string, Result[]>(tools.map(([n]) => [n, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? [...tools].reverse() : tools;
    for (const [name, fn] of order) all.get(name)!.push(await fn(url, c));
  }
  return new Map(
    [...all].map(([n, rs]) => [n, { rps: median(rs.map((r) => r.rps)), p50Ms: median(rs.map((r) => r.p50Ms)) }]),
  );
}

async function peakRss(url: string): Promise<number> {
  const child = spawn(
    process.execPath,
    [path.join(work, 'cli.js'), 'load', '-z', `${MEM_SECONDS}s`, '-c', '50', '--json', url],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]);
      peak = Math.max(peak, kb / 1024);
    } catch {
      /* exited */
    }
  }, 200);
  await new Promise((r) => child.on('exit', r));
  clearInterval(timer);
  return peak;
}

async function main(): Promise<void> {
  await esbuild.build({
    entryPoints: { cli: path.join(root, 'src/cli.ts'), loadWorker: path.join(root, 'src/core/load/worker.ts') },
    outdir: work,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'error',
    external: ['web-tree-sitter', '@vscode/tree-sitter-wasm'],
  });
  const lines: string[] = [
    `# Load generator benchmark`,
    '',
    `${new Date().toISOString()} · ${SECONDS} s per run · ${ROUNDS} alternating rounds (median) · machine: ${os.cpus().length} cores shared with other work`,
    '',
  ];
  const row = (name: string, ours_: number, peer: number, peerName: string, unit: string, target: string): string =>
    `| ${name} | ${ours_.toFixed(2)} ${unit} | ${peer.toFixed(2)} ${unit} (${peerName}) | ${(ours_ / peer).toFixed(3)} | ${target} |`;
  lines.push('| scenario | ours | peer | ratio | target |', '|---|---|---|---|---|');

  const uvicorn = await serve(
    '/usr/bin/python3',
    (p) => ['-m', 'uvicorn', '--host', '127.0.0.1', '--port', String(p), '--log-level', 'warning', 'load_hello:app'],
    path.join(root, 'bench'),
  );
  const u = await compare(uvicorn, 50, [
    ['ours', ours],
    ['hey', hey],
    ['wrk', wrk],
  ]);
  lines.push(row('uvicorn hello, c=50, req/s vs hey', u.get('ours')!.rps, u.get('hey')!.rps, 'hey', 'req/s', '≥ 1.0'));
  lines.push(
    row('uvicorn hello, c=50, req/s vs wrk -t1', u.get('ours')!.rps, u.get('wrk')!.rps, 'wrk', 'req/s', '≥ 0.95'),
  );

  const prefix = path.join(work, 'nginx');
  mkdirSync(path.join(prefix, 'tmp'), { recursive: true });
  const nginxPort = await freePort();
  writeFileSync(
    path.join(prefix, 'nginx.conf'),
    readFileSync(path.join(root, 'bench/load-nginx.conf'), 'utf8').replace('__PORT__', String(nginxPort)),
  );
  children.push(
    spawn('/usr/sbin/nginx', ['-p', prefix, '-c', path.join(prefix, 'nginx.conf'), '-g', 'daemon off;'], {
      detached: true,
      stdio: 'ignore',
    }),
  );
  await waitPort(nginxPort);
  const nginxUrl = `http://127.0.0.1:${nginxPort}/`;
  const n = await compare(nginxUrl, 50, [
    ['ours', ours],
    ['autocannon', autocannon],
  ]);
  lines.push(
    row(
      'nginx constant body, c=50, req/s (1 thread each)',
      n.get('ours')!.rps,
      n.get('autocannon')!.rps,
      'autocannon',
      'req/s',
      '≥ 1.0',
    ),
  );

  const delayUrl = await serve(process.execPath, (p) => [
    '-e',
    `require('http').createServer((q,s)=>setTimeout(()=>s.end('ok'),10)).listen(${p},'127.0.0.1')`,
  ]);
  const d = await compare(delayUrl, 1, [
    ['ours', ours],
    ['wrk', wrk],
  ]);
  const dOurs = d.get('ours')!.p50Ms;
  const dWrk = d.get('wrk')!.p50Ms;
  lines.push(
    `| 10 ms delay server, c=1, p50 | ${dOurs.toFixed(3)} ms | ${dWrk.toFixed(3)} ms (wrk) | Δ ${(dOurs - dWrk).toFixed(3)} ms | within 0.3 ms |`,
  );

  const rss = await peakRss(nginxUrl);
  lines.push(`| ${MEM_SECONDS} s full speed vs nginx, c=50, peak RSS | ${rss.toFixed(1)} MB | — | — | < 150 MB |`);
  lines.push(
    '',
    'Per-tool medians:',
    '',
    '```',
    JSON.stringify(
      { uvicorn: Object.fromEntries(u), nginx: Object.fromEntries(n), delay10ms: Object.fromEntries(d) },
      null,
      1,
    ),
    '```',
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

main()
  .catch((e: Error) => {
    process.stderr.write(`bench failed: ${e.message}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const c of children)
      if (c.pid) {
        try {
          process.kill(-c.pid, 'SIGTERM');
        } catch {
          /* gone */
        }
      }
    rmSync(work, { recursive: true, force: true });
  });
