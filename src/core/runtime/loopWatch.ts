// Runtime confirmation of event-loop blocking in a server the product starts: a sitecustomize.py
// on PYTHONPATH (Python) or a --require hook in NODE_OPTIONS (Node) runs a watchdog in every
// process that runs a loop and writes stalls (with the loop thread's stack) and lag samples to
// JSON lines files, which `collect` turns into the run record's `loopStalls` and `loopLag`.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { LoopLag, LoopStall, Route } from '../model';

export interface LoopWatchOptions {
  /** The workspace: only frames in files below it (and not in a virtualenv) are named. */
  root: string;
  /** A loop that does not run a posted no-op within this many ms counts as stalled (default 50). */
  thresholdMs?: number;
}

export interface LoopWatch {
  /** Environment to add to the server's: PYTHONPATH with the hook first, and the hook's settings. */
  env(base?: NodeJS.ProcessEnv): Record<string, string>;
  /** Stalls and lag between two wall-clock instants (ms since the epoch), mapped to routes when given. */
  collect(window: { startMs: number; endMs: number }, routes?: readonly Route[]): LoopReport;
  dispose(): void;
}

export interface LoopReport {
  loopStalls: LoopStall[];
  loopLag?: LoopLag;
  /** Processes that reported (a server whose loop never started reports nothing). */
  processes: number;
}

interface StallLine {
  kind: 'stall';
  pid: number;
  t: number; // seconds since the epoch, when the stall began
  ms: number;
  site: { file: string; line: number; function: string };
  stack: Array<{ file: string; line: number; function: string }>;
}
interface LagLine {
  kind: 'lag';
  pid: number;
  t: number; // the second (since the epoch) the samples were taken in
  ms: number[];
  at: number[]; // each sample's offset into that second, ms
}

/** A hook's source: next to the bundle in dist/runtime/, next to this file when run from source. */
function hookSource(relative: string): string {
  for (const candidate of [path.join(__dirname, 'runtime', relative), path.join(__dirname, relative)])
    if (existsSync(candidate)) return candidate;
  throw new Error(`the loop-watch hook (${relative}) is missing from this build`);
}

/** NODE_OPTIONS takes double-quoted values; the path is ours (a temp folder), quoted all the same. */
const nodeOptionsQuote = (value: string): string => `"${value.replace(/(["\\])/g, '\\$1')}"`;

export function prepareLoopWatch(options: LoopWatchOptions): LoopWatch {
  const dir = mkdtempSync(path.join(tmpdir(), 'ep-loop-watch-'));
  const hookDir = path.join(dir, 'hook');
  const outDir = path.join(dir, 'out');
  mkdirSync(hookDir);
  mkdirSync(outDir);
  copyFileSync(hookSource('python/sitecustomize.py'), path.join(hookDir, 'sitecustomize.py'));
  const nodeHook = path.join(dir, 'loop-watch.cjs');
  copyFileSync(hookSource('node/loop-watch.cjs'), nodeHook);
  const root = path.resolve(options.root);
  return {
    env(base = process.env) {
      return {
        PYTHONPATH: [hookDir, base.PYTHONPATH].filter(Boolean).join(path.delimiter),
        NODE_OPTIONS: [base.NODE_OPTIONS, `--require ${nodeOptionsQuote(nodeHook)}`].filter(Boolean).join(' '),
        EP_LOOP_WATCH_DIR: outDir,
        EP_LOOP_WATCH_ROOT: root,
        EP_LOOP_WATCH_THRESHOLD_MS: String(options.thresholdMs ?? 50),
      };
    },
    collect(window, routes = []) {
      return summarise(readLines(outDir), root, window, routes);
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readLines(outDir: string): Array<StallLine | LagLine> {
  const out: Array<StallLine | LagLine> = [];
  for (const name of readdirSync(outDir)) {
    if (!name.endsWith('.jsonl')) continue;
    for (const line of readFileSync(path.join(outDir, name), 'utf8').split('\n')) {
      if (!line) continue;
      try {
        const parsed = JSON.parse(line) as StallLine | LagLine;
        if (parsed.kind === 'stall' || parsed.kind === 'lag') out.push(parsed);
      } catch {
        // a line cut short when the server was stopped mid-write
      }
    }
  }
  return out;
}

const quantile = (sorted: number[], q: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : 0;

export function summarise(
  lines: Array<StallLine | LagLine>,
  root: string,
  window: { startMs: number; endMs: number },
  routes: readonly Route[],
): LoopReport {
  const relative = (file: string): string | undefined => {
    const rel = path.relative(root, file);
    return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : undefined;
  };
  const routeOf = (stack: StallLine['stack']): string | undefined => {
    for (const frame of stack) {
      const file = relative(frame.file);
      const route = routes.find(
        (r) =>
          r.file === file &&
          (r.range
            ? frame.line >= r.range.line && frame.line <= r.range.endLine
            : r.handler.split('.').pop() === frame.function),
      );
      if (route) return `${route.methods.join(',')} ${route.path}`;
    }
    return undefined;
  };

  const sites = new Map<string, LoopStall & { lines: Map<number, number> }>();
  const pids = new Set<number>();
  const lagBySecond = new Map<number, number>();
  const lags: number[] = [];
  for (const l of lines) {
    pids.add(l.pid);
    if (l.kind === 'lag') {
      l.ms.forEach((ms, i) => {
        const at = l.t * 1000 + (l.at[i] ?? 0);
        if (at < window.startMs || at >= window.endMs) return;
        lags.push(ms);
        const t = Math.floor((at - window.startMs) / 1000);
        lagBySecond.set(t, Math.max(lagBySecond.get(t) ?? 0, ms));
      });
      continue;
    }
    // A stall belongs to the run its middle falls in: one that straddles two back-to-back runs (its
    // end written after the next run began) is not counted in both.
    const middle = l.t * 1000 + l.ms / 2;
    if (middle < window.startMs || middle >= window.endMs) continue;
    const file = relative(l.site.file);
    if (!file) continue; // nothing of the workspace on the stack: server start-up or shutdown
    const key = `${file}\0${l.site.function}`;
    let site = sites.get(key);
    if (!site) {
      site = { file, line: l.site.line, function: l.site.function, count: 0, totalMs: 0, maxMs: 0, lines: new Map() };
      const route = routeOf(l.stack);
      if (route) site.route = route;
      sites.set(key, site);
    }
    site.count++;
    site.totalMs += l.ms;
    site.maxMs = Math.max(site.maxMs, l.ms);
    site.lines.set(l.site.line, (site.lines.get(l.site.line) ?? 0) + l.ms);
  }
  const loopStalls = [...sites.values()]
    .map(({ lines: byLine, ...s }) => ({
      ...s,
      line: [...byLine.entries()].sort((a, b) => b[1] - a[1])[0][0],
      totalMs: Math.round(s.totalMs * 10) / 10,
      maxMs: Math.round(s.maxMs * 10) / 10,
    }))
    .sort((a, b) => b.totalMs - a.totalMs);
  lags.sort((a, b) => a - b);
  const loopLag: LoopLag | undefined = lags.length
    ? {
        p50Ms: quantile(lags, 0.5),
        p99Ms: quantile(lags, 0.99),
        maxMs: lags[lags.length - 1],
        timeline: [...lagBySecond.entries()].sort((a, b) => a[0] - b[0]).map(([t, maxMs]) => ({ t, maxMs })),
      }
    : undefined;
  return { loopStalls, ...(loopLag ? { loopLag } : {}), processes: pids.size };
}

/** Stall sites of several runs as one list: counts and totals added, maxima kept, largest total first. */
export function mergeStalls(a: readonly LoopStall[], b: readonly LoopStall[]): LoopStall[] {
  const sites = new Map<string, LoopStall>();
  for (const s of [...a, ...b]) {
    const key = `${s.file}\0${s.function}\0${s.line}`;
    const seen = sites.get(key);
    if (!seen) sites.set(key, { ...s });
    else {
      seen.count += s.count;
      seen.totalMs = Math.round((seen.totalMs + s.totalMs) * 10) / 10;
      seen.maxMs = Math.max(seen.maxMs, s.maxMs);
      seen.route ??= s.route;
    }
  }
  return [...sites.values()].sort((x, y) => y.totalMs - x.totalMs);
}
