// Speed on real repositories, the way a user runs the CLI: `routes` then `check` as two
// processes of dist/cli.js on a large FastAPI server, beside the official FastAPI extension's
// discovery (fastapi/fastapi-vscode's src/core, run under Node as a whole process on the same
// folder), alternating in the same run; and `routes` + `check` on a TypeScript server.
//
//   node --import tsx bench/real-speed.ts --python DIR --peer GITDIR [--ts DIR] [--rounds N] [--cli dist/cli.js]
//
// --peer is a git directory of fastapi/fastapi-vscode (e.g. a `fetch` mirror); its src/ and wasm/
// at --peer-commit (default HEAD) are extracted into a temporary folder with its two runtime
// dependencies (web-tree-sitter at the version its package.json asks for, toml) and bundled with
// bench/peer/fastapi-vscode-discover.ts. Each of our modes runs with its own empty cache folder:
//   cold  — the facts cache empty before `routes` (what a first run costs; `check` then reads it)
//   warm  — both processes again with the cache the cold pair left
//   none  — both with --no-cache
// Wall time and peak RSS per process come from /usr/bin/time; the load average is noted per round
// (other engineers share the machine). Each round also runs bench/parser-floor.ts on each folder: the tree-sitter
// parse alone, then parse + a bare cursor walk, on one thread (CPU s): the part of our CPU that is the parser's.
// Prints Markdown: per-round rows, then medians.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { bundlePatched } from './bundle';

const { values } = parseArgs({
  options: {
    python: { type: 'string' },
    ts: { type: 'string' },
    peer: { type: 'string' },
    'peer-commit': { type: 'string', default: 'HEAD' },
    rounds: { type: 'string', default: '3' },
    cli: { type: 'string', default: 'dist/cli.js' },
  },
});
if (!values.python || !values.peer) {
  process.stderr.write('usage: real-speed.ts --python DIR --peer GITDIR [--ts DIR] [--rounds N] [--cli dist/cli.js]\n');
  process.exit(2);
}
const CLI = path.resolve(values.cli);
const ROUNDS = Number(values.rounds);
const work = mkdtempSync(path.join(os.tmpdir(), 'ep-real-speed-'));

interface Sample {
  wall: number;
  rssMB: number;
  cpu: number;
  out: string;
}

/** One process under /usr/bin/time: wall seconds, peak RSS, user+sys CPU seconds, stdout. */
function timed(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<Sample> {
  const report = path.join(work, 'time.txt');
  return new Promise((resolve, reject) => {
    execFile(
      '/usr/bin/time',
      ['-f', '%e %M %U %S', '-o', report, ...argv],
      { env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024, timeout: 600_000 },
      (err, stdout) => {
        // `check` exits 1 when it has findings; anything else is a failure
        if (err && (err as { code?: number }).code !== 1) return reject(new Error(`${argv.join(' ')}: ${err.message}`));
        const [wall, rss, user, sys] = readFileSync(report, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
        resolve({ wall, rssMB: rss / 1024, cpu: user + sys, out: stdout });
      },
    );
  });
}

async function preparePeer(): Promise<{ script: string; wasm: string; commit: string }> {
  const gitDir = values.peer!;
  const commit = execFileSync('git', ['--git-dir', gitDir, 'rev-parse', values['peer-commit']], {
    encoding: 'utf8',
  }).trim();
  const dir = path.join(os.tmpdir(), `ep-peer-fastapi-vscode-${commit.slice(0, 12)}`);
  const script = path.join(dir, 'discover.mjs');
  if (!existsSync(script)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('sh', [
      '-c',
      `git --git-dir "$0" archive "$1" src wasm package.json | tar -x -C "$2"`,
      gitDir,
      commit,
      dir,
    ]);
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const deps = path.join(dir, 'deps');
    mkdirSync(deps, { recursive: true });
    writeFileSync(path.join(deps, 'package.json'), '{"private":true}\n');
    execFileSync(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--no-package-lock',
        `web-tree-sitter@${pkg.dependencies['web-tree-sitter']}`,
        `toml@${pkg.dependencies.toml}`,
      ],
      { cwd: deps, stdio: 'ignore' },
    );
    mkdirSync(path.join(dir, 'dist-wasm'), { recursive: true });
    copyFileSync(
      path.join(deps, 'node_modules/web-tree-sitter/web-tree-sitter.wasm'),
      path.join(dir, 'dist-wasm/web-tree-sitter.wasm'),
    );
    copyFileSync(path.join(dir, 'wasm/tree-sitter-python.wasm'), path.join(dir, 'dist-wasm/tree-sitter-python.wasm'));
    await esbuild.build({
      entryPoints: [path.join(__dirname, 'peer/fastapi-vscode-discover.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: script,
      nodePaths: [path.join(deps, 'node_modules')],
      alias: { PEER_SRC: path.join(dir, 'src'), vscode: path.join(__dirname, 'peer/vscode-stub.ts') },
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
      logLevel: 'error',
    });
  }
  return { script, wasm: path.join(dir, 'dist-wasm'), commit };
}

interface Pair {
  routes: Sample;
  check: Sample;
}

async function ours(dir: string, cacheDir: string, extra: string[] = []): Promise<Pair> {
  const env = { ENDPOINT_PROFILER_CACHE_DIR: cacheDir };
  const routes = await timed([process.execPath, CLI, 'routes', '--json', ...extra, dir], env);
  const check = await timed([process.execPath, CLI, 'check', '--json', ...extra, dir], env);
  return { routes, check };
}

interface Floor {
  files: number;
  chars: number;
  parse: { cpuMs: number; wallMs: number };
  walk: { cpuMs: number; wallMs: number; nodes: number };
}

/** bench/parser-floor.ts on `dir`, as a process of its own. */
async function parserFloor(script: string, dir: string): Promise<Floor> {
  return JSON.parse((await timed([process.execPath, script, dir])).out) as Floor;
}

const count = (s: Sample) => (JSON.parse(s.out) as unknown[]).length;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);
const load = () => os.loadavg()[0].toFixed(1);

async function main(): Promise<void> {
  const peer = await preparePeer();
  // Under the repository, so the bundle finds the grammars in node_modules
  const floorDir = mkdtempSync(path.join(__dirname, '..', 'node_modules/.cache/ep-parser-floor-'));
  await bundlePatched({ floor: path.join(__dirname, 'parser-floor.ts') }, floorDir);
  const floorScript = path.join(floorDir, 'floor.js');
  const floorRows = (round: number, server: string, f: Floor, loadBefore: string) => {
    add(`${server}.floor.parse`, f.parse.cpuMs / 1000);
    add(`${server}.floor.walk`, f.walk.cpuMs / 1000);
    rows.push(
      `| ${round} | ${server} | parser alone, 1 thread: parse | | | ${f2(f.parse.wallMs / 1000)} | ${f2(f.parse.cpuMs / 1000)} | | ${loadBefore} → ${load()} |`,
      `| ${round} | ${server} | parser alone, 1 thread: parse + cursor walk | | | ${f2(f.walk.wallMs / 1000)} | ${f2(f.walk.cpuMs / 1000)} | | ${loadBefore} → ${load()} |`,
    );
    return `${f.files} files, ${(f.chars / 1e6).toFixed(1)} M characters, ${(f.walk.nodes / 1e6).toFixed(2)} M nodes`;
  };
  let floorInfo = '';
  const py = path.resolve(values.python!);
  const ts = values.ts ? path.resolve(values.ts) : undefined;
  const rows: string[] = [];
  const acc: Record<string, number[]> = {};
  const add = (k: string, v: number) => (acc[k] ??= []).push(v);
  let info = '';
  for (let round = 1; round <= ROUNDS; round++) {
    const loadBefore = load();
    const runPeer = () => timed([process.execPath, peer.script, py, peer.wasm]);
    const cache = path.join(work, `cache-${round}`);
    const runOurs = async () => {
      rmSync(cache, { recursive: true, force: true });
      const cold = await ours(py, cache);
      const warm = await ours(py, cache);
      const none = await ours(py, path.join(work, 'unused'), ['--no-cache']);
      return { cold, warm, none };
    };
    // Alternate which goes first, so drift in the machine's load hits both alike
    let peerRun: Sample;
    let o: Awaited<ReturnType<typeof runOurs>>;
    if (round % 2) {
      peerRun = await runPeer();
      o = await runOurs();
    } else {
      o = await runOurs();
      peerRun = await runPeer();
    }
    const peerOut = JSON.parse(peerRun.out) as { apps: number; routes: number };
    info = `ours: ${count(o.cold.routes)} routes, ${count(o.cold.check)} findings; peer: ${peerOut.apps} apps, ${peerOut.routes} routes`;
    for (const [mode, pair] of Object.entries(o)) {
      const total = pair.routes.wall + pair.check.wall;
      add(`${mode}.routes`, pair.routes.wall);
      add(`${mode}.check`, pair.check.wall);
      add(`${mode}.total`, total);
      add(`${mode}.rss`, Math.max(pair.routes.rssMB, pair.check.rssMB));
      add(`${mode}.cpu`, pair.routes.cpu + pair.check.cpu);
      rows.push(
        `| ${round} | python | ours ${mode} | ${f2(pair.routes.wall)} | ${f2(pair.check.wall)} | ${f2(total)} | ${f2(pair.routes.cpu + pair.check.cpu)} | ${Math.round(Math.max(pair.routes.rssMB, pair.check.rssMB))} | ${loadBefore} → ${load()} |`,
      );
    }
    add('peer.wall', peerRun.wall);
    add('peer.rss', peerRun.rssMB);
    add('peer.cpu', peerRun.cpu);
    rows.push(
      `| ${round} | python | peer discovery | | | ${f2(peerRun.wall)} | ${f2(peerRun.cpu)} | ${Math.round(peerRun.rssMB)} | ${loadBefore} → ${load()} |`,
    );
    floorInfo = `python: ${floorRows(round, 'python', await parserFloor(floorScript, py), load())}`;
    if (ts) {
      const tsLoad = load();
      const tcache = path.join(work, `tcache-${round}`);
      const cold = await ours(ts, tcache);
      const warm = await ours(ts, tcache);
      const none = await ours(ts, path.join(work, 'unused'), ['--no-cache']);
      for (const [mode, pair] of Object.entries({ cold, warm, none })) {
        const total = pair.routes.wall + pair.check.wall;
        add(`ts.${mode}.check`, pair.check.wall);
        add(`ts.${mode}.total`, total);
        add(`ts.${mode}.rss`, Math.max(pair.routes.rssMB, pair.check.rssMB));
        add(`ts.${mode}.cpu`, pair.routes.cpu + pair.check.cpu);
        rows.push(
          `| ${round} | ts | ours ${mode} | ${f2(pair.routes.wall)} | ${f2(pair.check.wall)} | ${f2(total)} | ${f2(pair.routes.cpu + pair.check.cpu)} | ${Math.round(Math.max(pair.routes.rssMB, pair.check.rssMB))} | ${tsLoad} → ${load()} |`,
        );
      }
      floorInfo += `; ts: ${floorRows(round, 'ts', await parserFloor(floorScript, ts), load())}`;
    }
  }
  const m = (k: string) => median(acc[k] ?? [NaN]);
  const out: string[] = [];
  out.push(`## Real repositories (${new Date().toISOString().slice(0, 16)} UTC, ${os.cpus().length} cores)`);
  out.push('');
  out.push(`Peer: fastapi/fastapi-vscode @${peer.commit.slice(0, 12)}. ${info}.`);
  out.push('');
  out.push(`Parser alone (bench/parser-floor.ts): ${floorInfo}.`);
  out.push('');
  out.push('| round | server | run | routes s | check s | total s | CPU s | peak RSS MB | load avg (1 min) |');
  out.push('| ----: | ------ | --- | -------: | ------: | ------: | ----: | ----------: | ---------------- |');
  out.push(...rows);
  out.push('');
  out.push(`Medians over ${ROUNDS} rounds:`);
  out.push('');
  out.push('| run | routes + check s | CPU s | peak RSS MB | ÷ peer wall |');
  out.push('| --- | ---------------: | ----: | ----------: | ----------: |');
  for (const mode of ['cold', 'warm', 'none'])
    out.push(
      `| python, ours ${mode} | ${f2(m(`${mode}.total`))} | ${f2(m(`${mode}.cpu`))} | ${Math.round(m(`${mode}.rss`))} | ${f1(m(`${mode}.total`) / m('peer.wall'))} |`,
    );
  out.push(
    `| python, peer discovery | ${f2(m('peer.wall'))} | ${f2(m('peer.cpu'))} | ${Math.round(m('peer.rss'))} | 1.0 |`,
  );
  out.push(`| python, parser alone: parse (1 thread) | | ${f2(m('python.floor.parse'))} | | |`);
  out.push(`| python, parser alone: parse + cursor walk (1 thread) | | ${f2(m('python.floor.walk'))} | | |`);
  if (ts) {
    for (const mode of ['cold', 'warm', 'none'])
      out.push(
        `| ts, ours ${mode} (check alone ${f2(m(`ts.${mode}.check`))} s) | ${f2(m(`ts.${mode}.total`))} | ${f2(m(`ts.${mode}.cpu`))} | ${Math.round(m(`ts.${mode}.rss`))} | |`,
      );
    out.push(`| ts, parser alone: parse (1 thread) | | ${f2(m('ts.floor.parse'))} | | |`);
    out.push(`| ts, parser alone: parse + cursor walk (1 thread) | | ${f2(m('ts.floor.walk'))} | | |`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  rmSync(work, { recursive: true, force: true });
  rmSync(floorDir, { recursive: true, force: true });
}

main().catch((err) => {
  process.stderr.write(`real-speed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
