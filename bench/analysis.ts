// Analyzer benchmark (not part of `npm test`): a generated FastAPI workspace of 5,000
// Python files / 20,000 handlers (leaf routers included by group routers with prefixes,
// included by the app), full index + routes + findings, then one-line edits in a leaf
// module and in a group module whose prefix every leaf route below it carries.
// Run: node --import tsx bench/analysis.ts [--files N] [--dir REAL_PROJECT] [--jobs N] [--source] [--profile-edits F]
//   [--profile-cold F] [--edits N]
// `--profile-cold F.cpuprofile`: a CPU profile of the cold routes() and findings() only (after refresh()).
// `--profile-edits F.cpuprofile`: a CPU profile of the one-line edits only (the cold build runs outside it),
// for Chrome DevTools or `node bench/profile-summary.mjs F.cpuprofile`.
// As the product indexes: refresh() with `--jobs` extraction workers (default defaultJobs(), as the
// editor and the CLI), in a bundle patched as dist/ is (bench/bundle.ts) that this script builds and
// re-runs itself in; `--source` runs from source instead (no patch, workers load tsx).
import { execFileSync } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { constants as perfConstants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { nodeFileSystem } from '../src/core/fs';
import { defaultJobs } from '../src/core/indexWorker/extractPool';
import { fileResultCounts } from '../src/core/analysis/findings';
import type { Route } from '../src/core/model';
import { Parsers } from '../src/core/parsing/parser';
import { ProjectIndex } from '../src/core/project';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const FILES = Number(arg('--files') ?? 5000);
const JOBS = Number(arg('--jobs') ?? defaultJobs());
const HANDLERS_PER_FILE = 4;
const HELPER_MODULES = 50;
const GROUPS = 50;
const LEAF_EDIT = 'app/routes/m7.py';
const GROUP_EDIT = 'app/groups/g7.py';

function generate(root: string): void {
  mkdirSync(path.join(root, 'app', 'routes'), { recursive: true });
  mkdirSync(path.join(root, 'app', 'helpers'), { recursive: true });
  writeFileSync(path.join(root, 'app', '__init__.py'), '');
  writeFileSync(path.join(root, 'app', 'routes', '__init__.py'), '');
  writeFileSync(path.join(root, 'app', 'helpers', '__init__.py'), '');
  mkdirSync(path.join(root, 'app', 'groups'), { recursive: true });
  writeFileSync(path.join(root, 'app', 'groups', '__init__.py'), '');
  const leaves = FILES - HELPER_MODULES - GROUPS - 1;
  for (let g = 0; g < GROUPS; g++) {
    const members = [];
    for (let f = g; f < leaves; f += GROUPS) members.push(f);
    writeFileSync(
      path.join(root, 'app', 'groups', `g${g}.py`),
      [
        'from fastapi import APIRouter',
        `from app.routes import ${members.map((f) => `m${f}`).join(', ')}`,
        '',
        `router = APIRouter(prefix="/g${g}")`,
        ...members.map((f) => `router.include_router(m${f}.router, prefix="/m${f}")`),
        '',
      ].join('\n'),
    );
  }
  writeFileSync(
    path.join(root, 'app', 'main.py'),
    [
      'from fastapi import FastAPI',
      `from app.groups import ${Array.from({ length: GROUPS }, (_, g) => `g${g}`).join(', ')}`,
      '',
      'app = FastAPI()',
      ...Array.from({ length: GROUPS }, (_, g) => `app.include_router(g${g}.router, prefix="/api")`),
      '',
    ].join('\n'),
  );
  for (let h = 0; h < HELPER_MODULES; h++) {
    writeFileSync(
      path.join(root, 'app', 'helpers', `h${h}.py`),
      [
        'import requests',
        'import json',
        '',
        '',
        'def load_remote(url):',
        '    return requests.get(url, timeout=5).json()',
        '',
        '',
        'def parse(data):',
        '    return json.loads(data)',
        '',
        '',
        'def fetch_and_parse(url):',
        '    return parse(load_remote(url))',
        '',
      ].join('\n'),
    );
  }
  for (let f = 0; f < leaves; f++) {
    const h = f % HELPER_MODULES;
    const lines = [
      'import time',
      'from fastapi import APIRouter, Depends',
      `from app.helpers.h${h} import fetch_and_parse, parse`,
      '',
      'router = APIRouter()',
      '',
    ];
    for (let k = 0; k < HANDLERS_PER_FILE; k++) {
      const body = [
        [
          `@router.get("/r${f}/a${k}")`,
          `async def h${f}_${k}(item_id: int):`,
          '    time.sleep(0.01)',
          '    return {"id": item_id}',
        ],
        [
          `@router.get("/r${f}/b${k}")`,
          `async def h${f}_${k}(item_id: int):`,
          '    return fetch_and_parse(f"https://example.com/{item_id}")',
        ],
        [
          `@router.get("/r${f}/c${k}")`,
          `def h${f}_${k}(item_id: int):`,
          '    time.sleep(0.01)',
          '    return parse("{}")',
        ],
        [
          `@router.post("/r${f}/d${k}")`,
          `async def h${f}_${k}(payload: dict):`,
          '    await something(payload)',
          '    return parse("{}")',
        ],
      ][k % 4];
      lines.push(...body, '', '');
    }
    writeFileSync(path.join(root, 'app', 'routes', `m${f}.py`), lines.join('\n'));
  }
}

async function measure(root: string, label: string, edits?: Edit[]): Promise<string[]> {
  const out: string[] = [];
  const parsers = await Parsers.load();
  const index = new ProjectIndex(root, nodeFileSystem, parsers, { jobs: JOBS });
  global.gc?.();
  // CPU of the whole process (workers included) beside wall time: steadier on a shared machine
  const cpu = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  // This thread's collections by kind (scavenges count what it allocated: load-independent, unlike ms)
  const gcs: PerformanceEntry[] = [];
  const gcObserver = new PerformanceObserver((list) => gcs.push(...list.getEntries()));
  gcObserver.observe({ entryTypes: ['gc'] });
  const [t0, c0] = [performance.now(), cpu()];
  await index.refresh();
  const coldProfile = arg('--profile-cold');
  const coldSession = coldProfile ? await startProfile() : undefined;
  const [t1, c1] = [performance.now(), cpu()];
  const routes = index.routes();
  const [t2, c2] = [performance.now(), cpu()];
  const findings = index.findings();
  const [t3, c3] = [performance.now(), cpu()];
  if (coldSession) await stopProfile(coldSession, path.resolve(coldProfile!));
  const rss = process.memoryUsage().rss / 2 ** 20;
  await new Promise((resolve) => setTimeout(resolve, 20)); // GC entries are delivered on a later turn
  gcs.push(...gcObserver.takeRecords());
  gcObserver.disconnect();
  const gcIn = (from: number, to: number) => {
    const within = gcs.filter((e) => e.startTime >= from && e.startTime < to);
    const kind = (k: number) =>
      within.filter((e) => (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === k).length;
    return `${kind(perfConstants.NODE_PERFORMANCE_GC_MINOR)} / ${kind(perfConstants.NODE_PERFORMANCE_GC_MAJOR)}`;
  };
  out.push(
    `## ${label}`,
    '',
    `files: ${index.files().length}, routes: ${routes.length}, findings: ${findings.length}`,
    '',
    '| step | ms | CPU ms | scavenges / mark-compacts (main thread) |',
    '|---|---:|---:|---:|',
    `| refresh (scan + parse + facts) | ${(t1 - t0).toFixed(0)} | ${(c1 - c0).toFixed(0)} | ${gcIn(t0, t1)} |`,
    `| routes() | ${(t2 - t1).toFixed(0)} | ${(c2 - c1).toFixed(0)} | ${gcIn(t1, t2)} |`,
    `| findings() | ${(t3 - t2).toFixed(0)} | ${(c3 - c2).toFixed(0)} | ${gcIn(t2, t3)} |`,
    `| total | ${(t3 - t0).toFixed(0)} | ${(c3 - c0).toFixed(0)} | ${gcIn(t0, t3)} |`,
    '',
    `peak RSS after full analysis: ${rss.toFixed(0)} MB`,
    '',
  );
  if (edits) {
    const profile = arg('--profile-edits');
    const session = profile ? await startProfile() : undefined;
    for (const edit of edits) out.push(...(await oneLineEdits(index, edit)));
    if (session) await stopProfile(session, path.resolve(profile!));
  }
  return out;
}

/** The inspector's sampling profiler on this thread, started after the cold build (`--profile-edits`). */
async function startProfile(): Promise<Session> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return session;
}

async function stopProfile(session: Session, file: string): Promise<void> {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(file, JSON.stringify(profile));
  session.disconnect();
}

interface Edit {
  label: string;
  file: string;
  from: string;
  to: (i: number) => string;
  expect: (i: number, routes: Route[]) => boolean;
}

const EDITS: Edit[] = [
  {
    label: 'leaf handler module (one route path)',
    file: LEAF_EDIT,
    from: '"/r7/a0"',
    to: (i) => `"/r7/a0v${i}"`,
    expect: (i, routes) => routes.some((r) => r.path === `/api/g7/m7/r7/a0v${i}`),
  },
  {
    label: 'included router module (its prefix)',
    file: GROUP_EDIT,
    from: 'prefix="/g7"',
    to: (i) => `prefix="/g7v${i}"`,
    expect: (i, routes) =>
      routes.filter((r) => r.path.startsWith(`/api/g7v${i}/`)).length ===
      routes.filter((r) => r.path.startsWith('/api/g8/')).length,
  },
];

/** How many one-line edits of each file (`--edits N`, odd so the median is one edit's). */
const EDIT_COUNT = Number(arg('--edits') ?? 5);

/**
 * One-line edits of one file, each timed end to end (update + routes() + findings()): wall time and this thread's
 * CPU time per step (load-independent: what the edit costs, not how long the machine made it wait), and the
 * collector's pauses over all of them (`gc` performance entries).
 */
async function oneLineEdits(index: ProjectIndex, edit: Edit): Promise<string[]> {
  const file = index.files().find((f) => f.path === edit.file)!;
  const original = readFileSync(file.absPath, 'utf8');
  const steps = { update: [] as number[], routes: [] as number[], findings: [] as number[], total: [] as number[] };
  const cpuSteps = { update: [] as number[], routes: [] as number[], findings: [] as number[], total: [] as number[] };
  const cpu = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const gc = { count: 0, ms: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.count++;
      gc.ms += e.duration;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  let propagated = true;
  const counted = fileResultCounts();
  for (let i = 0; i < EDIT_COUNT; i++) {
    const text = original.replace(edit.from, edit.to(i));
    const [s0, c0] = [performance.now(), cpu()];
    await index.update(file, text);
    const [s1, c1] = [performance.now(), cpu()];
    const routes = index.routes();
    const [s2, c2] = [performance.now(), cpu()];
    index.findings();
    const [s3, c3] = [performance.now(), cpu()];
    steps.update.push(s1 - s0);
    steps.routes.push(s2 - s1);
    steps.findings.push(s3 - s2);
    steps.total.push(s3 - s0);
    cpuSteps.update.push(c1 - c0);
    cpuSteps.routes.push(c2 - c1);
    cpuSteps.findings.push(c3 - c2);
    cpuSteps.total.push(c3 - c0);
    propagated &&= edit.expect(i, routes);
  }
  // Entries are delivered on a later turn of the loop (a timer's, not setImmediate's)
  await new Promise((resolve) => setTimeout(resolve, 20));
  observer.disconnect();
  const counts = fileResultCounts();
  await index.update(file, original);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1].toFixed(1);
  const spread = (xs: number[]) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
  return [
    `one-line edit in the ${edit.label}, ${edit.file}: ${EDIT_COUNT} edits, result ${propagated ? 'correct' : 'WRONG (edit not reflected in routes)'}`,
    '',
    '| step | median ms | min–max | median CPU ms | CPU min–max |',
    '|---|---:|---:|---:|---:|',
    ...Object.entries(steps).map(
      ([k, v]) =>
        `| ${k === 'routes' ? 'routes() (discovery link)' : k === 'findings' ? 'findings() (analysis link)' : k} | ${median(v)} | ${spread(v)} | ${median(cpuSteps[k as keyof typeof cpuSteps])} | ${spread(cpuSteps[k as keyof typeof cpuSteps])} |`,
    ),
    '',
    `GC during the edits: ${gc.count} pauses, ${(gc.ms / EDIT_COUNT).toFixed(1)} ms per edit; files' findings entries per edit: ${((counts.asked - counted.asked) / EDIT_COUNT).toFixed(1)} asked, ${((counts.computed - counted.computed) / EDIT_COUNT).toFixed(1)} computed`,
    '',
  ];
}

async function main(): Promise<void> {
  const real = arg('--dir');
  const lines = [
    `# Analyzer benchmark`,
    '',
    `node ${process.version}, ${process.platform}/${process.arch}, ${(await import('node:os')).cpus().length} CPUs, ${new Date().toISOString()}`,
    '',
    `jobs: ${JOBS}, ${__filename.endsWith('.ts') ? 'from source' : 'bundled as dist/ (patched web-tree-sitter)'}, load average before: ${(
      await import('node:os')
    )
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
    '',
  ];
  if (real) {
    lines.push(...(await measure(path.resolve(real), `real project: ${path.basename(real)}`)));
  } else {
    const root = mkdtempSync(path.join(tmpdir(), 'ep-bench-'));
    try {
      generate(root);
      lines.push(
        ...(await measure(
          root,
          `generated: ${FILES} files, ${(FILES - HELPER_MODULES - GROUPS - 1) * HANDLERS_PER_FILE} handlers`,
          EDITS,
        )),
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  process.stdout.write(lines.join('\n') + '\n');
}

/** Bundles this script with the index worker, patched as dist/ is, and runs the bundle with the same arguments. */
async function runBundled(): Promise<void> {
  const { bundlePatched } = await import('./bundle');
  // Under the repository, so the bundle finds the grammars in node_modules
  const out = path.join(__dirname, '..', 'node_modules/.cache/ep-analysis');
  await bundlePatched(
    { analysis: __filename, indexWorker: path.join(__dirname, '../src/core/indexWorker/worker.ts') },
    out,
  );
  execFileSync(process.execPath, ['--expose-gc', path.join(out, 'analysis.js'), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
}

const fromSource = __filename.endsWith('.ts');
(fromSource && !process.argv.includes('--source') ? runBundled() : main()).catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
