// A server matrix: for each server command, start it on a free loopback port (its own process
// group), sweep one path, stop the whole group, move on. With `repeat`, the configurations are
// alternated (A B A B …, as benchmark harnesses do so drift hits all alike) and each level's
// figures are pooled over the rounds; the spread of the top level's throughput is reported.
import type { LoopStall, Route, RunRecord } from '../model';
import { afterStallsWritten, attachLevelReports } from '../runtime/levelWindows';
import { mergeStalls, prepareLoopWatch, type LoopWatch } from '../runtime/loopWatch';
import { serverConfig, ServerStartError, startServer } from '../servers';
import {
  levelOf,
  newGroupId,
  runSweep,
  sweepResult,
  type SweepLevel,
  type SweepOptions,
  type SweepProgress,
  type SweepResult,
} from './run';
import { formatRps, type LevelMeasure } from './verdict';

export interface MatrixOptions extends Omit<SweepOptions, 'url' | 'server' | 'group' | 'allowRemote'> {
  /** Server commands, each with `{port}` (and optionally `{host}`) where the port goes. */
  servers: readonly string[];
  /** The path swept on each server, e.g. /items. */
  path: string;
  /** Folder the commands run in. */
  cwd: string;
  /** Rounds over all configurations (default 1). */
  repeat?: number;
  /** How long a server may take to serve `path` (default 60 s). */
  startTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Watch each server's event loop (runtime/loopWatch.ts); stalls are named under `cwd`. */
  watchLoop?: boolean;
  /** Routes to name the handler a stall ran under. */
  routes?: readonly Route[];
}

export interface MatrixConfig {
  command: string;
  workers?: number;
  /** Why the server could not be started or swept, with its last output lines. */
  error?: string;
  sweep?: SweepResult;
  /** With repeat > 1: the top level's throughput in each round. */
  topRps?: number[];
  /** With watchLoop: where the server's loop was blocked during its sweeps, largest total first. */
  loopStalls?: LoopStall[];
  /** With watchLoop: why the watch could not be read (the runs are kept, without loop fields). */
  loopWatchError?: string;
}

export interface MatrixResult {
  kind: 'matrix';
  path: string;
  configs: MatrixConfig[];
  /** Commands by throughput at the top level, best first (failed ones left out). */
  ranking: string[];
  text: string;
  cancelled?: boolean;
}

export interface MatrixProgress {
  config: number;
  round: number;
  command: string;
  phase: 'starting' | 'sweeping' | 'stopping' | 'failed' | 'done';
  sweep?: SweepProgress;
  error?: string;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** One level pooled over rounds: ok-only throughput and mean latency averaged, samples joined (the editor pools a saved group's runs the same way). */
export function pool(levels: Array<{ level: SweepLevel; measure: LevelMeasure }>): {
  level: SweepLevel;
  measure: LevelMeasure;
} {
  if (levels.length === 1) return levels[0];
  const avg = (f: (l: { level: SweepLevel; measure: LevelMeasure }) => number): number =>
    levels.reduce((t, l) => t + f(l), 0) / levels.length;
  const sum = (f: (l: { level: SweepLevel }) => number): number => levels.reduce((t, l) => t + f(l), 0);
  const rps = Math.round(avg((l) => l.level.rps) * 100) / 100;
  const latencyMs = {
    p50: median(levels.map((l) => l.level.latencyMs.p50)),
    p99: Math.max(...levels.map((l) => l.level.latencyMs.p99)),
    mean: avg((l) => l.level.latencyMs.mean),
  };
  const first = levels[0];
  const errorKinds: Record<string, number> = {};
  for (const l of levels)
    for (const [k, n] of Object.entries(l.measure.errorKinds ?? {})) errorKinds[k] = (errorKinds[k] ?? 0) + (n ?? 0);
  const samples = levels.flatMap((l) => Array.from(l.measure.latencySample ?? []));
  return {
    level: {
      ...first.level,
      rps,
      latencyMs,
      errors: sum((l) => l.level.errors),
      count: sum((l) => l.level.count),
      ok: sum((l) => l.level.ok),
      durationS: sum((l) => l.level.durationS),
      runIds: levels.map((l) => l.level.runId),
    },
    measure: {
      ...first.measure,
      rps,
      latencyMs,
      count: sum((l) => l.level.count),
      ok: sum((l) => l.level.ok),
      errors: sum((l) => l.level.errors),
      errorKinds,
      secondRates: levels.flatMap((l) => l.measure.secondRates ?? []),
      latencySample: samples,
    },
  };
}

function matrixText(path: string, configs: MatrixConfig[], ranking: string[]): string {
  const lines: string[] = [];
  const top = (c: MatrixConfig): SweepLevel | undefined => c.sweep?.levels[c.sweep.levels.length - 1];
  ranking.forEach((command, i) => {
    const c = configs.find((x) => x.command === command)!;
    const t = top(c)!;
    const v = c.sweep!.verdict;
    const what =
      v.kind === 'saturates' ? `saturates at ≈ ${v.saturatesAt}` : v.kind === 'serialised' ? 'serialises' : v.kind;
    const spread = c.topRps && c.topRps.length > 1 ? ` (rounds: ${c.topRps.map(formatRps).join(', ')})` : '';
    const stall = c.loopStalls?.[0];
    const blocked = stall
      ? `; loop blocked at ${stall.file}:${stall.line} in ${stall.function}() ${stall.count}× (~${Math.round(stall.totalMs / stall.count)} ms each)`
      : c.loopStalls
        ? '; no loop stall in workspace code'
        : '';
    lines.push(
      `${i + 1}. ${command}: ${formatRps(t.rps)} req/s at ${t.concurrency} concurrent${spread}; ${what}${c.workers ? `, ${c.workers} worker${c.workers > 1 ? 's' : ''}` : ''}${blocked}.`,
    );
  });
  for (const c of configs) {
    if (!c.error) continue;
    // The message, then the server's last line (usually the reason: "Attribute "app" not found").
    const [first, ...rest] = c.error.split('\n');
    const last = rest.filter((l) => l.trim() !== '').pop();
    lines.push(`✗ ${c.command}: ${first.replace(/:$/, '')}${last ? ` — ${last.trim()}` : ''}`);
  }
  const head = ranking.length ? `Best for ${path}: ${ranking[0]}.` : `No configuration could be swept on ${path}.`;
  return [head, ...lines].join('\n');
}

type Measured = Array<Array<Array<{ level: SweepLevel; measure: LevelMeasure }>>>;

/** Each configuration's sweep from its rounds, pooled level by level. */
function poolRounds(
  configs: MatrixConfig[],
  rounds: Measured,
  groups: string[],
  urls: string[],
  methods: string[],
): void {
  for (let i = 0; i < configs.length; i++) {
    const cfg = configs[i];
    if (cfg.error || rounds[i].length === 0) continue;
    const byLevel = new Map<number, Array<{ level: SweepLevel; measure: LevelMeasure }>>();
    for (const r of rounds[i])
      for (const l of r) byLevel.set(l.level.concurrency, [...(byLevel.get(l.level.concurrency) ?? []), l]);
    const pooled = [...byLevel.values()].map(pool).sort((a, b) => a.level.concurrency - b.level.concurrency);
    cfg.sweep = sweepResult(groups[i], urls[i], methods[i], pooled, cfg.workers);
    if (cfg.topRps && cfg.topRps.length < 2) delete cfg.topRps;
  }
}

/** Each swept level's window of the loop watch on its record, all of them merged on the configuration. Reading the watch never loses the sweep: a failure is said on the configuration. */
async function addLoopReports(
  cfg: MatrixConfig,
  watch: LoopWatch,
  sweep: { records: readonly RunRecord[]; starts: readonly number[]; startMs: number },
  routes: readonly Route[],
): Promise<void> {
  const { records: swept, starts, startMs: sweepStartMs } = sweep;
  try {
    await afterStallsWritten();
    const seen = swept.length
      ? attachLevelReports(swept, starts, Date.now(), watch, routes).loopStalls
      : watch.collect({ startMs: sweepStartMs, endMs: Date.now() }, routes).loopStalls;
    cfg.loopStalls = mergeStalls(cfg.loopStalls ?? [], seen);
  } catch (e) {
    cfg.loopWatchError = `could not read the loop watch: ${(e as Error).message}`;
  }
}

/**
 * Runs the matrix. A configuration that fails to start (or whose sweep fails) gets `error`;
 * the others still run. Every server started is stopped (process group) before the next starts.
 */
export async function runMatrix(
  o: MatrixOptions,
  onProgress?: (p: MatrixProgress) => void,
): Promise<{ result: MatrixResult; records: RunRecord[] }> {
  const {
    servers,
    path,
    cwd,
    repeat = 1,
    startTimeoutMs = 60_000,
    env,
    signal,
    watchLoop = false,
    routes = [],
    ...sweepOptions
  } = o;
  if (!path.startsWith('/')) throw new Error(`--path must start with '/', got '${path}'`);
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`repeat must be a positive whole number, got ${repeat}`);
  const configs: MatrixConfig[] = servers.map((command) => {
    const { workers } = serverConfig(command);
    return { command, ...(workers !== undefined ? { workers } : {}) };
  });
  const rounds: Measured = configs.map(() => []);
  const groups = configs.map(() => newGroupId());
  const methods = configs.map(() => (sweepOptions.method ?? 'GET').toUpperCase());
  const urls: string[] = configs.map(() => '');
  const records: RunRecord[] = [];
  let cancelled = false;

  for (let round = 0; round < repeat && !cancelled; round++) {
    for (let i = 0; i < configs.length && !cancelled; i++) {
      const cfg = configs[i];
      if (cfg.error) continue; // failed once: not retried
      if (signal?.aborted) {
        cancelled = true;
        break;
      }
      const report = (phase: MatrixProgress['phase'], extra: Partial<MatrixProgress> = {}): void =>
        onProgress?.({ config: i, round, command: cfg.command, phase, ...extra });
      report('starting');
      let server;
      let watch: LoopWatch | undefined;
      try {
        watch = watchLoop ? prepareLoopWatch({ root: cwd }) : undefined;
        server = await startServer({
          command: cfg.command,
          cwd,
          env,
          ...(watch ? { extraEnv: watch.env(env) } : {}),
          readinessPath: path,
          timeoutMs: startTimeoutMs,
        });
      } catch (e) {
        watch?.dispose();
        cfg.error = e instanceof ServerStartError ? e.message : `cannot start: ${(e as Error).message}`;
        report('failed', { error: cfg.error });
        continue;
      }
      const sweepStartMs = Date.now();
      let finished: SweepProgress | undefined;
      // Each level's start, so its record gets the loop report of its own window.
      const starts: number[] = [];
      let swept: RunRecord[] = [];
      try {
        report('sweeping');
        const url = `${server.url}${path}`;
        urls[i] = url;
        const { result, records: recs } = await runSweep(
          { ...sweepOptions, url, signal, group: groups[i], server: serverConfig(cfg.command) },
          (sweep) => {
            starts[sweep.index] ??= Date.now();
            report('sweeping', { sweep });
          },
        );
        swept = recs;
        records.push(...recs);
        if (result.cancelled) cancelled = true;
        rounds[i].push(recs.map((r) => levelOf(r)));
        const top = result.levels[result.levels.length - 1];
        if (top)
          finished = { index: result.levels.length, concurrency: top.concurrency, partial: result, records: recs };
        const last = result.levels[result.levels.length - 1];
        if (last) (cfg.topRps ??= []).push(last.rps);
      } catch (e) {
        const out = server
          .output()
          .filter((l) => l.trim() !== '')
          .slice(-10);
        cfg.error = `sweep failed: ${(e as Error).message}${out.length ? `\n${out.join('\n')}` : ''}`;
        report('failed', { error: cfg.error });
      } finally {
        if (watch) await addLoopReports(cfg, watch, { records: swept, starts, startMs: sweepStartMs }, routes);
        report('stopping');
        await server.stop();
        watch?.dispose();
      }
      // With this round's whole sweep: progress reports stop at the last level's start.
      report('done', finished ? { sweep: finished } : {});
    }
  }

  poolRounds(configs, rounds, groups, urls, methods);
  const topRps = (c: MatrixConfig): number => c.sweep?.levels[c.sweep.levels.length - 1]?.rps ?? -1;
  const ranking = configs
    .filter((c) => c.sweep && !c.error)
    .sort((a, b) => topRps(b) - topRps(a))
    .map((c) => c.command);
  const result: MatrixResult = { kind: 'matrix', path, configs, ranking, text: matrixText(path, configs, ranking) };
  if (cancelled) result.cancelled = true;
  return { result, records };
}
