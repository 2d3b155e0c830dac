// What the editor shows of concurrency sweeps, as plain data (no 'vscode'): a saved group of
// runs back as a sweep with its verdict, the sweep panel's message (curves, USL fit, the
// sentence at the top), and the measured verdict a handler's CodeLens and hover carry.
import type { Finding, Route, RunRecord } from '../core/model';
import { levelOf, pool, sweepResult, type SweepResult } from '../core/sweep';
import type { MatrixResult } from '../core/sweep/matrix';
import type { SweepKind, SweepVerdict, UslFit } from '../core/sweep/verdict';
import type { SweepMessage, SweepSeriesView } from '../shared/protocol';
import { blockingFindings, routeKey } from './handlerModel';
import { shortCommand } from './runsTreeModel';

/** Runs by their sweep `group` id, each group oldest first (runs without a group left out). */
export function runsByGroup(runs: readonly RunRecord[]): Map<string, RunRecord[]> {
  const out = new Map<string, RunRecord[]>();
  for (const r of runs) if (r.group) out.set(r.group, [...(out.get(r.group) ?? []), r]);
  for (const list of out.values()) list.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return out;
}

/**
 * A saved group's sweep, as `runSweep` gave it: complete runs only (a failed level has no
 * figures to judge), levels of the same concurrency (a comparison's rounds) pooled as the
 * matrix pools them. Undefined when no run of the group completed.
 */
export function sweepOfRuns(runs: readonly RunRecord[]): SweepResult | undefined {
  const complete = runs.filter((r) => r.status === 'complete' && r.group);
  if (complete.length === 0) return undefined;
  const byLevel = new Map<number, ReturnType<typeof levelOf>[]>();
  for (const r of complete) {
    const c = r.config.concurrency;
    byLevel.set(c, [...(byLevel.get(c) ?? []), levelOf(r)]);
  }
  const levels = [...byLevel.values()].map(pool).sort((a, b) => a.level.concurrency - b.level.concurrency);
  const first = complete[0];
  return sweepResult(first.group!, first.target.url, first.target.method, levels, first.server?.workers);
}

/** The verdict said in two or three words: "serialises", "saturates at ≈ 4". */
export function measuredWord(v: Pick<SweepVerdict, 'kind' | 'saturatesAt'>): string {
  const words: Record<SweepKind, string> = {
    serialised: 'serialises',
    scales: 'scales',
    saturates: v.saturatesAt ? `saturates at ≈ ${v.saturatesAt}` : 'saturates',
    degrades: 'degrades',
    inconclusive: 'inconclusive',
  };
  return words[v.kind];
}

/** X(N) = λN / (1 + α(N−1) + βN(N−1)), sampled at `points` log-spaced concurrencies from `lo` to `hi`. */
export function uslCurve(
  usl: Pick<UslFit, 'alpha' | 'beta' | 'lambda'>,
  lo: number,
  hi: number,
  points = 32,
): { concurrency: number[]; rps: number[] } {
  const concurrency: number[] = [];
  const rps: number[] = [];
  if (!(lo > 0) || !(hi >= lo)) return { concurrency, rps };
  const n = hi === lo ? 1 : points;
  for (let i = 0; i < n; i++) {
    const c = n === 1 ? lo : lo * (hi / lo) ** (i / (n - 1));
    const x = (usl.lambda * c) / (1 + usl.alpha * (c - 1) + usl.beta * c * (c - 1));
    concurrency.push(+c.toPrecision(6));
    rps.push(+x.toPrecision(6));
  }
  return { concurrency, rps };
}

/** One configuration of the panel; the USL curve spans its measured levels. */
export function seriesView(
  name: string,
  state: SweepSeriesView['state'],
  sweep: SweepResult | undefined,
  extra: Partial<Pick<SweepSeriesView, 'command' | 'workers' | 'error' | 'current'>> = {},
): SweepSeriesView {
  const cs = sweep?.levels.map((l) => l.concurrency) ?? [];
  const fit = sweep?.usl && cs.length >= 3 ? uslCurve(sweep.usl, Math.min(...cs), Math.max(...cs)) : undefined;
  return { name, state, ...(sweep ? { sweep } : {}), ...(fit ? { fit } : {}), ...extra };
}

const levelsDone = (s: SweepSeriesView): number => s.sweep?.levels.length ?? 0;

/**
 * The panel's message. One configuration: its verdict sentence on top (while it runs, what is
 * measured now, then the verdict so far once two levels are in). Several: the best one once
 * all are done, with each configuration's verdict below.
 */
export function sweepMessage(
  title: string,
  live: boolean,
  series: SweepSeriesView[],
  o: { totalLevels?: number; matrix?: MatrixResult; failure?: string } = {},
): SweepMessage {
  const notes: string[] = [];
  let headline: string;
  if (series.length === 1) {
    const s = series[0];
    const running = live && s.current;
    const now = running
      ? `Measuring ${s.current!.concurrency} concurrent requests${o.totalLevels ? ` (level ${levelsDone(s) + 1} of ${o.totalLevels})` : ''}…`
      : undefined;
    if (s.sweep && levelsDone(s) >= 2) {
      headline = s.sweep.verdict.text;
      if (now) notes.push(`${now} The verdict above is from the ${levelsDone(s)} levels finished so far.`);
    } else headline = now ?? (s.error ? `The sweep failed: ${s.error.split('\n')[0]}` : 'No level finished.');
    if (s.sweep?.cancelled || s.state === 'cancelled') notes.push('Cancelled before the last level.');
  } else {
    const done = series.filter((s) => s.state === 'done' || s.state === 'failed').length;
    if (o.matrix && !live) {
      const [head, ...rest] = o.matrix.text.split('\n');
      headline = head;
      notes.push(...rest);
    } else {
      const current = series.find((s) => s.state === 'starting' || s.state === 'running');
      headline = `Comparing ${series.length} server configurations (${done} done)${current ? `: ${current.state === 'starting' ? 'starting' : 'sweeping'} ${current.name}…` : '.'}`;
    }
  }
  if (o.failure) notes.push(o.failure);
  return { type: 'sweep', title, live, headline, notes, series };
}

/** A sweep's verdict for a handler: which group measured it and when. */
export interface MeasuredSweep {
  group: string;
  createdAt: string;
  result: SweepResult;
  /** The server command the sweep measured, when the runs know it. */
  server?: string;
}

/** A cache of group → sweep, so re-rendering views does not refit the USL each time. */
export class SweepCache {
  private readonly cache = new Map<string, { key: string; sweep: SweepResult | undefined }>();

  of(group: string, runs: readonly RunRecord[]): SweepResult | undefined {
    const key = runs.map((r) => `${r.id}:${r.status}`).join(',');
    const hit = this.cache.get(group);
    if (hit?.key === key) return hit.sweep;
    const sweep = sweepOfRuns(runs);
    this.cache.set(group, { key, sweep });
    return sweep;
  }
}

/** The latest sweep of each route (by `routeKey`) among `runs`, with a verdict from two levels up. */
export function latestSweepByRoute(
  runs: readonly RunRecord[],
  cache: SweepCache = new SweepCache(),
): Map<string, MeasuredSweep> {
  const out = new Map<string, MeasuredSweep>();
  for (const [group, list] of runsByGroup(runs)) {
    const route = list.find((r) => r.route)?.route;
    if (!route) continue;
    const createdAt = list[list.length - 1].createdAt;
    const key = routeKey(route);
    const seen = out.get(key);
    if (seen && seen.createdAt >= createdAt) continue;
    const result = cache.of(group, list);
    if (!result || result.levels.length < 2) continue;
    const server = list.find((r) => r.server?.command)?.server?.command;
    out.set(key, { group, createdAt, result, ...(server ? { server } : {}) });
  }
  return out;
}

/** "measured: serialises" (with the server when a comparison measured several). */
export function sweepLensTitle(m: MeasuredSweep): string {
  return `measured: ${measuredWord(m.result.verdict)}${m.server ? ` (${shortCommand(m.server)})` : ''}`;
}

/** Static findings a sweep can contradict: a blocking call (EP101) or a chain to one (EP102). */
const LOOP_RULES = new Set(['EP101', 'EP102']);

/**
 * Hover lines for a handler's latest sweep: the measured verdict next to the static finding,
 * and, when the code was flagged as blocking the loop but the sweep says it scales, that the
 * finding is worth a look (it is never hidden: the sweep tried a few levels on one machine).
 */
export function sweepHoverLines(route: Route, findings: readonly Finding[], m: MeasuredSweep | undefined): string[] {
  if (!m) return [];
  const v = m.result.verdict;
  const levels = m.result.levels.map((l) => l.concurrency);
  const when = new Date(m.createdAt).toLocaleString();
  const lines = [
    '',
    `**Measured: ${measuredWord(v)}** (sweep of ${levels.join(', ')} concurrent${m.server ? ` on \`${m.server.replace(/`/g, "'")}\`` : ''}, ${when}): ${v.text}`,
  ];
  const flagged = blockingFindings(route, findings).filter((f) => LOOP_RULES.has(f.rule));
  if (v.kind === 'scales' && flagged.length)
    lines.push(
      '',
      `⚠ The sweep says this handler scales, yet ${flagged.map((f) => `line ${f.line} (${f.rule})`).join(', ')} ${flagged.length === 1 ? 'was' : 'were'} flagged as blocking the event loop: worth a look. The call may be fast or cached in what was measured, or the path swept may not reach it; the finding stays.`,
    );
  return lines;
}

/** A series' name: the server command when the sweep knows it and `byServer`, else "GET /path". */
function nameOfGroup(runs: readonly RunRecord[], byServer: boolean): string {
  const first = runs[0];
  const command = runs.find((r) => r.server?.command)?.server?.command;
  if (byServer && command) return shortCommand(command);
  return `${first.target.method} ${first.route?.path ?? safePath(first.target.url)}`;
}

const safePath = (url: string): string => {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
};

/**
 * The panel of saved sweeps (a Runs view group, a CodeLens, a restored panel): one series per
 * group. Several groups are named by their server and the headline says which served most at
 * its top level.
 */
export function sweepMessageOfRuns(runs: readonly RunRecord[], cache: SweepCache = new SweepCache()): SweepMessage {
  // In the order they ran (a comparison's first configuration first).
  const groups = [...runsByGroup(runs)].sort((a, b) => a[1][0].createdAt.localeCompare(b[1][0].createdAt));
  const byServer = groups.length > 1;
  const series = groups.map(([group, list]) => {
    const sweep = cache.of(group, list);
    const command = list.find((r) => r.server?.command)?.server;
    return seriesView(nameOfGroup(list, byServer), sweep ? 'done' : 'failed', sweep, {
      ...(command?.command ? { command: command.command } : {}),
      ...(command?.workers ? { workers: command.workers } : {}),
      ...(sweep ? {} : { error: 'no level of this sweep completed' }),
    });
  });
  const title = groups.length
    ? `Sweep: ${nameOfGroup(groups[0][1], false)}${byServer ? ` on ${groups.length} servers` : ''}`
    : 'Sweep';
  if (series.length <= 1) return sweepMessage(title, false, series);
  const top = (s: SweepSeriesView): number => s.sweep?.levels.at(-1)?.rps ?? -1;
  const ranked = series.filter((s) => s.sweep).sort((a, b) => top(b) - top(a));
  const msg = sweepMessage(title, false, series);
  msg.headline = ranked.length
    ? `Most throughput at the top level: ${ranked[0].name} (${top(ranked[0])} req/s at ${ranked[0].sweep!.levels.at(-1)!.concurrency} concurrent).`
    : 'No configuration could be swept.';
  msg.notes = series.map((s) => `${s.name}: ${s.sweep ? measuredWord(s.sweep.verdict) : (s.error ?? 'not swept')}.`);
  return msg;
}
