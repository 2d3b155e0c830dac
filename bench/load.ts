// Load-generator benchmark vs hey, wrk and autocannon (not part of `npm test`).
// Usage: node --import tsx bench/load.ts [--seconds 3] [--rounds 3] [--mem-seconds 10] [--requests 200000]
//          [--only nginx,cpu,p10,uvicorn,latency,start,rss]  → prints Markdown (save to bench/results/load.md)
// `--only` runs the named comparisons alone (each is one issue-16 target; default: all of them).
// Every comparison alternates tools round by round on the same server so drift hits all alike.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bundleCli, loadAverage } from './bundle';
import type { RunRecord } from '../src/core/model';
import { freePort } from '../test/fixtures/servers/ports';
import { waitPort } from './nginx';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECONDS = arg('--seconds', 3);
const ROUNDS = arg('--rounds', 3);
const MEM_SECONDS = arg('--mem-seconds', 10);
const REQUESTS = arg('--requests', 200_000);
const SECTIONS = ['nginx', 'cpu', 'p10', 'uvicorn', 'latency', 'start', 'rss'];
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt > 0 ? process.argv[onlyAt + 1].split(',') : SECTIONS;
for (const name of only)
  if (!SECTIONS.includes(name)) throw new Error(`--only: unknown section ${name} (${SECTIONS.join(', ')})`);
const wants = (name: string): boolean => only.includes(name);
const root = path.join(__dirname, '..');
const work = mkdtempSync(path.join(tmpdir(), 'ep-bench-'));
const children: ChildProcess[] = [];

const run = (cmd: string, args: string[]): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 64 << 20, timeout: (SECONDS + 60) * 1000 }, (err, out, errOut) =>
      err ? reject(new Error(`${cmd}: ${err.message} ${errOut}`)) : resolve(out),
    );
  });

async function serve(cmd: string, args: (port: number) => string[], cwd = root): Promise<string> {
  const port = await freePort();
  const child = spawn(cmd, args(port), { cwd, detached: true, stdio: 'ignore' });
  children.push(child);
  await waitPort(port, 200);
  return `http://127.0.0.1:${port}/`;
}

const parseJson = <T>(text: string): T => JSON.parse(text) as T;

interface Result {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** The 10 ms server's own p50 and p99 over the run (its handling time, no client in it). */
  serverP50Ms?: number;
  serverP99Ms?: number;
  /** User-space CPU of the tool's process per request, µs (ours: less its `load -n 1` start-up). */
  userUsPerRequest?: number;
}

/** Answers after 10 ms; GET /stats returns the p50/p99 of its own handling times since the last /stats. */
const DELAY_SERVER = `const d=[];require('http').createServer((q,s)=>{if(q.url==='/stats'){d.sort((a,b)=>a-b);
const p=(x)=>d.length?d[Math.min(d.length-1,Math.floor(d.length*x))]:NaN;s.end(JSON.stringify({n:d.length,p50:p(0.5),p99:p(0.99)}));d.length=0;return}
const t=process.hrtime.bigint();setTimeout(()=>{s.end('ok');d.push(Number(process.hrtime.bigint()-t)/1e6)},10)}).listen(Number(process.argv[1]),'127.0.0.1')`;

/** Runs a command under /usr/bin/time: its stdout and the user and system CPU seconds it used. */
async function timed(cmd: string, args: string[]): Promise<{ out: string; userS: number; sysS: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      '/usr/bin/time',
      ['-f', 'EP_USER %U %S', cmd, ...args],
      { maxBuffer: 64 << 20, timeout: (SECONDS + 120) * 1000 },
      (err, out, errOut) => {
        const m = /EP_USER ([\d.]+) ([\d.]+)/.exec(errOut);
        if (err) reject(new Error(`${cmd}: ${err.message} ${errOut}`));
        else resolve({ out, userS: Number(m?.[1]), sysS: Number(m?.[2]) });
      },
    );
  });
}
/** User and system CPU of `load -n 1` (start-up and exit), measured before the runs and subtracted from ours. */
let startSysS = 0;
/** User CPU seconds of `load -n 1` (start-up and exit), measured before the runs and subtracted from ours. */
let startUserS = 0;
/** A tool run on one URL with c connections and p requests pipelined on each. */
type Fn = (url: string, c: number, p: number) => Promise<Result>;

const oursWith =
  (extra: string[]): Fn =>
  async (url, c, p) => {
    const args = [path.join(work, 'cli.js'), 'load', '-z', `${SECONDS}s`, '-c', String(c), '-p', String(p), '--json'];
    const t = await timed(process.execPath, [...args, ...extra, url]);
    const r = parseJson<RunRecord>(t.out);
    return {
      rps: r.summary.rps,
      p50Ms: r.summary.latencyMs.p50,
      p99Ms: r.summary.latencyMs.p99,
      userUsPerRequest: ((t.userS - startUserS) / r.summary.count) * 1e6,
    };
  };
const ours = oursWith([]); // the lean client, the default for http:

/** CPU per request (µs, user and system): ours runs a fixed count, less its start-up; wrk runs SECONDS. */
interface CpuResult {
  userUs: number;
  sysUs: number;
  rps: number;
}
const oursCpu = async (url: string): Promise<CpuResult> => {
  const args = [path.join(work, 'cli.js'), 'load', '-n', String(REQUESTS), '-c', '50', '--json', url];
  const t = await timed(process.execPath, args);
  const r = parseJson<RunRecord>(t.out);
  const n = r.summary.count;
  return { userUs: ((t.userS - startUserS) / n) * 1e6, sysUs: ((t.sysS - startSysS) / n) * 1e6, rps: r.summary.rps };
};
const wrkCpu = async (url: string): Promise<CpuResult> => {
  const t = await timed('wrk', ['-t1', '-c50', `-d${SECONDS}s`, url]);
  const n = Number(/(\d+) requests in/.exec(t.out)?.[1]);
  return {
    userUs: (t.userS / n) * 1e6,
    sysUs: (t.sysS / n) * 1e6,
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(t.out)?.[1]),
  };
};
const oursUndici = oursWith(['--client', 'undici']);

const hey: Fn = async (url, c) => {
  const out = await run('hey', ['-z', `${SECONDS}s`, '-c', String(c), url]);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
    p50Ms: Number(/50% in ([\d.]+) secs/.exec(out)?.[1]) * 1000,
    p99Ms: Number(/99% in ([\d.]+) secs/.exec(out)?.[1]) * 1000,
  };
};
const wrkUnit = (v: string, u: string): number =>
  Number(v) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[u];
const wrk: Fn = async (url, c) => {
  const t = await timed('wrk', ['-t1', `-c${c}`, `-d${SECONDS}s`, '--latency', url]);
  const out = t.out;
  const p = (q: string): number => {
    const m = new RegExp(`${q}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    return m ? wrkUnit(m[1], m[2]) : NaN;
  };
  const count = Number(/(\d+) requests in/.exec(out)?.[1]);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
    p50Ms: p('50'),
    p99Ms: p('99'),
    userUsPerRequest: (t.userS / count) * 1e6,
  };
};
const autocannon: Fn = async (url, c, p) => {
  const r = parseJson<{ requests: { average: number }; latency: { p50: number; p99: number } }>(
    await run(path.join(root, 'node_modules/.bin/autocannon'), [
      '-c',
      String(c),
      '-p',
      String(p),
      '-d',
      String(SECONDS),
      '--json',
      url,
    ]),
  );
  return { rps: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99 };
};
type Tool = [string, Fn];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Every tool once per round, the order reversed every other round; medians per tool. */
async function compare(url: string, c: number, tools: Tool[], p = 1): Promise<Map<string, Result>> {
  const all = new Map<string, Result[]>(tools.map(([n]) => [n, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? [...tools].reverse() : tools;
    for (const [name, fn] of order) all.get(name)!.push(await fn(url, c, p));
  }
  return new Map(
    [...all].map(([n, rs]) => [
      n,
      {
        rps: median(rs.map((r) => r.rps)),
        p50Ms: median(rs.map((r) => r.p50Ms)),
        p99Ms: median(rs.map((r) => r.p99Ms)),
        ...(rs[0].serverP99Ms !== undefined
          ? {
              serverP50Ms: median(rs.map((r) => r.serverP50Ms!)),
              serverP99Ms: median(rs.map((r) => r.serverP99Ms!)),
            }
          : {}),
        ...(rs[0].userUsPerRequest !== undefined
          ? { userUsPerRequest: median(rs.map((r) => r.userUsPerRequest!)) }
          : {}),
      },
    ]),
  );
}

/** Wall time of a command, ms. */
async function wallMs(cmd: string, args: string[]): Promise<number> {
  const t = performance.now();
  await run(cmd, args);
  return performance.now() - t;
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
  await bundleCli(work, { minify: true }); // as `npm run package` ships it (start-up, RSS)
  const load = loadAverage;
  const loadBefore = load();
  const lines: string[] = [
    `# Load generator benchmark`,
    '',
    `${new Date().toISOString()} · ${SECONDS} s per run · ${ROUNDS} alternating rounds (median) · ${os.cpus().length} cores shared with other work · load average before ${loadBefore}`,
    '',
  ];
  const row = (name: string, ours_: number, peer: number, peerName: string, unit: string, target: string): string =>
    `| ${name} | ${ours_.toFixed(2)} ${unit} | ${peer.toFixed(2)} ${unit} (${peerName}) | ${(ours_ / peer).toFixed(3)} | ${target} |`;
  lines.push('| scenario | ours | peer | ratio | target |', '|---|---|---|---|---|');

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
  await waitPort(nginxPort, 200);
  const nginxUrl = `http://127.0.0.1:${nginxPort}/`;
  const starts: Array<{ userS: number; sysS: number }> = [];
  for (let i = 0; i < 5; i++)
    starts.push(await timed(process.execPath, [path.join(work, 'cli.js'), 'load', '-n', '1', nginxUrl]));
  startUserS = median(starts.map((x) => x.userS));
  startSysS = median(starts.map((x) => x.sysS));
  const results: Record<string, unknown> = {};

  if (wants('nginx')) {
    const n = await compare(nginxUrl, 50, [
      ['ours', ours],
      ['ours --client undici', oursUndici],
      ['wrk', wrk],
      ['autocannon', autocannon],
      ['hey', hey],
    ]);
    const nOurs = n.get('ours')!.rps;
    for (const [peer, target] of [
      ['wrk', '≥ 0.85'],
      ['autocannon', '≥ 1.5'],
      ['hey', '—'],
      ['ours --client undici', '—'],
    ])
      lines.push(row(`nginx constant body, c=50, req/s vs ${peer}`, nOurs, n.get(peer)!.rps, peer, 'req/s', target));
    const cpuRow = (peer: string): string => {
      const a = n.get('ours')!.userUsPerRequest!;
      const b = n.get(peer)!.userUsPerRequest!;
      return `| nginx c=50, user CPU per request (ours less its ${(startUserS * 1000).toFixed(0)} ms start-up) | ${a.toFixed(2)} µs | ${b.toFixed(2)} µs (${peer}) | ${(a / b).toFixed(2)} | — |`;
    };
    lines.push(cpuRow('wrk'), cpuRow('ours --client undici'));
    results.nginx = Object.fromEntries(n);
  }

  if (wants('cpu')) {
    // CPU per request, the figure a shared machine leaves readable: a fixed request count for ours
    // (less its start-up), wrk for SECONDS, alternating; user and system time from /usr/bin/time.
    const all: Record<string, CpuResult[]> = { ours: [], wrk: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order: Array<['ours' | 'wrk', (u: string) => Promise<CpuResult>]> = [
        ['ours', oursCpu],
        ['wrk', wrkCpu],
      ];
      for (const [name, fn] of round % 2 ? order.reverse() : order) all[name].push(await fn(nginxUrl));
    }
    const med = (name: string, k: keyof CpuResult): number => median(all[name].map((r) => r[k]));
    const cell = (name: string): string =>
      `${(med(name, 'userUs') + med(name, 'sysUs')).toFixed(2)} µs (user ${med(name, 'userUs').toFixed(2)}, sys ${med(name, 'sysUs').toFixed(2)})`;
    const total = (name: string): number => med(name, 'userUs') + med(name, 'sysUs');
    lines.push(
      `| nginx c=50, CPU per request (ours: -n ${REQUESTS}, less its start-up) | ${cell('ours')} | ${cell('wrk')} (wrk -t1) | ${(total('ours') / total('wrk')).toFixed(2)} | — (≤ 1.18 lets a CPU-bound client reach 0.85× wrk) |`,
    );
    results.cpuPerRequest = all;
  }

  if (wants('p10')) {
    const np = await compare(
      nginxUrl,
      50,
      [
        ['ours', ours],
        ['autocannon', autocannon],
      ],
      10,
    );
    lines.push(
      row(
        'nginx, c=50 -p 10, req/s',
        np.get('ours')!.rps,
        np.get('autocannon')!.rps,
        'autocannon -p 10',
        'req/s',
        '≥ 1.0',
      ),
    );

    results.nginxP10 = Object.fromEntries(np);
  }

  if (wants('uvicorn')) {
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
    lines.push(
      row('uvicorn hello, c=50, req/s vs wrk -t1', u.get('ours')!.rps, u.get('wrk')!.rps, 'wrk', 'req/s', '≥ 0.95'),
    );
    lines.push(
      row('uvicorn hello, c=50, req/s vs hey', u.get('ours')!.rps, u.get('hey')!.rps, 'hey', 'req/s', '≥ 1.2'),
    );
    results.uvicorn = Object.fromEntries(u);
  }

  if (wants('latency')) {
    // The server times each request itself (from its 'request' event to res.end) and hands out,
    // at GET /stats, the p50/p99 of what it handled since the previous /stats: the "server's own
    // p99" a client's p99 is judged against.
    const delayUrl = await serve(process.execPath, (p) => ['-e', DELAY_SERVER, String(p)]);
    const serverStats = async (): Promise<{ n: number; p50: number; p99: number }> =>
      (await fetch(`${delayUrl}stats`)).json() as Promise<{ n: number; p50: number; p99: number }>;
    const withServerP99 =
      (fn: Fn): Fn =>
      async (url, c, p) => {
        await serverStats(); // resets
        const r = await fn(url, c, p);
        const own = await serverStats();
        return { ...r, serverP50Ms: own.p50, serverP99Ms: own.p99 };
      };
    const tools: Tool[] = [
      ['ours', withServerP99(ours)],
      ['wrk', withServerP99(wrk)],
    ];
    const d1 = await compare(delayUrl, 1, tools);
    const d10 = await compare(delayUrl, 10, tools);
    const delta = (m: Map<string, Result>, k: 'p50Ms' | 'p99Ms'): string =>
      (m.get('ours')![k] - m.get('wrk')![k]).toFixed(3);
    // What each client adds over the server's own p50 in its runs: steadier than p50 alone on a busy machine.
    const overOwnP50 = (tool: string): string => (d1.get(tool)!.p50Ms - d1.get(tool)!.serverP50Ms!).toFixed(3);
    const oursOverServer = (d10.get('ours')!.p99Ms - d10.get('ours')!.serverP99Ms!).toFixed(3);
    const wrkOverServer = (d10.get('wrk')!.p99Ms - d10.get('wrk')!.serverP99Ms!).toFixed(3);
    lines.push(
      `| 10 ms delay server, c=1, p50 | ${d1.get('ours')!.p50Ms.toFixed(3)} ms | ${d1.get('wrk')!.p50Ms.toFixed(3)} ms (wrk) | Δ ${delta(d1, 'p50Ms')} ms (over the server's own p50: ours ${overOwnP50('ours')}, wrk ${overOwnP50('wrk')} ms) | ≤ wrk + 0.25 ms |`,
      `| 10 ms delay server, c=10, p99 | ${d10.get('ours')!.p99Ms.toFixed(3)} ms | server's own ${d10.get('ours')!.serverP99Ms!.toFixed(3)} ms (in our runs) | Δ ${oursOverServer} ms (wrk: ${d10.get('wrk')!.p99Ms.toFixed(3)} ms, Δ ${wrkOverServer} ms over the server's ${d10.get('wrk')!.serverP99Ms!.toFixed(3)} ms) | ≤ server's p99 + 1 ms |`,
    );
    results.delay10msC1 = Object.fromEntries(d1);
    results.delay10msC10 = Object.fromEntries(d10);
  }

  if (wants('start')) {
    const start: number[] = [];
    const bare: number[] = [];
    const startUndici: number[] = [];
    const oneRequest = (client: 'lean' | 'undici') =>
      wallMs(process.execPath, [path.join(work, 'cli.js'), 'load', '-n', '1', '-c', '1', '--client', client, nginxUrl]);
    for (let i = 0; i < 7; i++) {
      start.push(await oneRequest('lean'));
      startUndici.push(await oneRequest('undici'));
      bare.push(await wallMs(process.execPath, ['-e', '0']));
    }
    lines.push(
      row('`load -n 1` wall time (7 alternating runs)', median(start), median(bare), 'node -e 0', 'ms', '≤ 2.5'),
      row('`load -n 1 --client undici` wall time', median(startUndici), median(bare), 'node -e 0', 'ms', '≤ 2.5'),
    );
  }

  if (wants('rss')) {
    const rss = await peakRss(nginxUrl);
    lines.push(`| ${MEM_SECONDS} s full speed vs nginx, c=50, peak RSS | ${rss.toFixed(1)} MB | — | — | ≤ 90 MB |`);
  }
  lines.push(
    '',
    `Load average after: ${load()}.`,
    '',
    'Per-tool medians:',
    '',
    '```',
    JSON.stringify(results, null, 1),
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
