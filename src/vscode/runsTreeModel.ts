// What the Runs view shows and which runs a command acts on, as plain data: labels, key
// figures, tooltips, status icons, and the compare order (baseline first). No 'vscode' here.
import type { RunRecord } from '../core/model';
import { runOutcome } from './outcomeModel';

/** One entry of RunStore.list(): a readable record, or a broken file with its error. */
export interface RunEntry {
  id: string;
  file: string;
  record?: RunRecord;
  error?: string;
}

export interface RunNode {
  id: string;
  file: string;
  record?: RunRecord;
  error?: string;
  label: string;
  description: string;
  tooltip: string; // Markdown
  icon: string;
  /** Theme colour id for the icon, when the status deserves one. */
  color?: string;
  /** 'run' | 'run.baseline' (menus in package.json), 'run.corrupt' for unreadable files. */
  contextValue: string;
}

function pathOfUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

/** "GET /items/{item_id}" for a profiled route, "GET /path?query" for a URL. */
export function routeText(run: RunRecord): string {
  return `${run.target.method} ${run.route?.path ?? pathOfUrl(run.target.url)}`;
}

export function runLabel(run: RunRecord): string {
  return run.label?.trim() || `${run.target.method} ${pathOfUrl(run.target.url)}`;
}

/** Flags whose value is the next word, so it is not taken for the app. */
const VALUE_FLAGS = new Set([
  '-w',
  '--workers',
  '-k',
  '--worker-class',
  '--port',
  '-p',
  '--host',
  '-b',
  '--bind',
  '--app-dir',
  '--env-file',
  '--log-level',
  '-c',
  '--config',
  '--chdir',
  '--root-path',
  '--threads',
  '-m',
]);

/**
 * A server command cut to what tells setups apart: the program (python -m X → X) and its app,
 * e.g. "uvicorn main:app", "gunicorn app:app", "node server.js", "npm run dev"; at most 32 characters.
 */
export function shortCommand(command: string): string {
  const words = command
    .trim()
    .split(/\s+/)
    .filter((w) => !/^[A-Z_][A-Z0-9_]*=/.test(w));
  let i = 0;
  const base = (w: string): string => w.replace(/^.*[\\/]/, '');
  let program = base(words[i++] ?? '');
  if (/^python[\d.]*$/.test(program) && words[i] === '-m') {
    program = words[i + 1] ?? program;
    i += 2;
  }
  let app: string | undefined;
  if (/^(npm|pnpm|yarn|bun)$/.test(program)) app = words.slice(i, i + 2).join(' ');
  else
    for (; i < words.length; i++) {
      const w = words[i];
      if (VALUE_FLAGS.has(w)) i++;
      else if (!w.startsWith('-')) {
        app = w;
        break;
      }
    }
  const text = app ? `${program} ${app}` : program;
  return text.length > 32 ? `${text.slice(0, 31)}…` : text;
}

/** The load, as short as a row allows: "c=10", or "100 req/s ≤50" for the open model. */
function loadText(run: RunRecord): string {
  const c = run.config;
  return c.model === 'open' && c.rate ? `${c.rate} req/s, ≤${c.concurrency} in flight` : `c=${c.concurrency}`;
}

/** "uvicorn main:app · 4 workers", or undefined when the run does not know its server. */
export function serverText(run: RunRecord): string | undefined {
  const command = run.server?.command?.trim();
  if (!command) return undefined;
  const workers = run.server?.workers;
  return `${shortCommand(command)}${workers ? ` · ${workers} worker${workers === 1 ? '' : 's'}` : ''}`;
}

/** Milliseconds with precision where it matters: 0.42 ms, 3.1 ms, 40 ms. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}

export function formatRps(rps: number): string {
  if (!Number.isFinite(rps)) return '– req/s';
  return `${rps < 10 ? rps.toFixed(1) : Math.round(rps)} req/s`;
}

/** `p50 12 ms · p99 40 ms · 850 req/s` (failures are said by the row's outcome, runOutcome). */
export function runFigures(run: RunRecord): string {
  return [
    `p50 ${formatMs(run.summary.latencyMs.p50)}`,
    `p99 ${formatMs(run.summary.latencyMs.p99)}`,
    formatRps(run.summary.rps),
  ].join(' · ');
}

/** "just now", "5 min ago", "3 h ago", "2 d ago"; the ISO date beyond a week (or for a bad date). */
export function relativeTime(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.round((now - t) / 1000);
  if (s < 0 || s >= 7 * 86400) return iso.slice(0, 10);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

function describeLoad(run: RunRecord): string {
  const c = run.config;
  const amount = c.durationS ? `${c.durationS} s` : c.requests !== undefined ? `${c.requests} requests` : '';
  const rate = c.model === 'open' && c.rate ? `${c.rate} req/s offered` : '';
  return [
    `${c.model} model`,
    `concurrency ${c.concurrency}`,
    amount,
    rate,
    `timeout ${c.timeoutS} s`,
    c.warmup ? `warm-up ${c.warmup}` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;

function resultLine(run: RunRecord): string {
  const o = runOutcome(run);
  const head = `${run.summary.count} requests, ${o.expected} with an expected status (${o.expect})`;
  return `${head}${o.failed ? `, failed: ${o.text}` : ''} in ${run.summary.durationS.toFixed(1)} s`;
}

export function runTooltip(run: RunRecord, baseline: boolean): string {
  const status = run.status === 'failed' && run.failure ? `failed: ${run.failure}` : run.status;
  const lines = [
    `**${runLabel(run).replace(/[\\*_[\]`<>]/g, '\\$&')}**${baseline ? ' (baseline)' : ''}`,
    '',
    `Target: ${code(`${run.target.method} ${run.target.url}`)}  `,
    `Load: ${describeLoad(run)}  `,
    `Result: ${resultLine(run)}  `,
    `Latency: p50 ${formatMs(run.summary.latencyMs.p50)}, p90 ${formatMs(run.summary.latencyMs.p90)}, p99 ${formatMs(run.summary.latencyMs.p99)}, max ${formatMs(run.summary.latencyMs.max)}  `,
    `Status: ${status}${run.clientBound ? ' (client-bound: the load generator was the bottleneck)' : ''}  `,
  ];
  if (run.server?.command)
    lines.push(`Server: ${code(run.server.command)}${run.server.workers ? `, ${run.server.workers} workers` : ''}  `);
  lines.push(`Created: ${run.createdAt}`);
  return lines.join('\n');
}

const STATUS_ICON: Record<RunRecord['status'], { icon: string; color?: string }> = {
  complete: { icon: 'pass', color: 'testing.iconPassed' },
  cancelled: { icon: 'circle-slash', color: 'disabledForeground' },
  failed: { icon: 'error', color: 'testing.iconFailed' },
};
/** ✗ when no request got an expected response, ⚠ when some did not: whatever the run's own status. */
const FAILED_ICON = { icon: 'error', color: 'testing.iconFailed' };
const PARTIAL_ICON = { icon: 'warning', color: 'list.warningForeground' };

export function runNode(entry: RunEntry, baselineId: string | undefined, now: number): RunNode {
  const { id, file, record } = entry;
  if (!record) {
    const error = entry.error ?? 'unreadable run file';
    return {
      id,
      file,
      error,
      label: `${id}.json`,
      description: 'cannot be read',
      icon: 'warning',
      color: 'list.warningForeground',
      tooltip: `**Unreadable run file**\n\n${code(file)}\n\n${error.replace(/[\\*_[\]`<>]/g, '\\$&')}`,
      contextValue: 'run.corrupt',
    };
  }
  const baseline = id === baselineId;
  const outcome = runOutcome(record);
  const status =
    outcome.kind === 'failed' ? FAILED_ICON : outcome.kind === 'partial' ? PARTIAL_ICON : STATUS_ICON[record.status];
  // A failed run's latencies are those of its failures (a 404 answers fast): never shown as the endpoint's.
  const figures =
    outcome.kind === 'failed'
      ? `failed: ${record.status === 'failed' && record.failure ? record.failure : outcome.text}`
      : outcome.kind === 'partial'
        ? `${outcome.text} of ${record.summary.count} failed · ${runFigures(record)}`
        : runFigures(record);
  // Runs of one route differ by label, server and load: all on the row, before the figures.
  const label = runLabel(record);
  const setup = [
    label === routeText(record) ? undefined : routeText(record),
    serverText(record),
    loadText(record),
  ].filter(Boolean);
  return {
    id,
    file,
    record,
    label,
    description: [...setup, figures, relativeTime(record.createdAt, now)].join(' · '),
    tooltip: runTooltip(record, baseline),
    icon: baseline ? 'pinned' : status.icon,
    color: baseline ? undefined : status.color,
    contextValue: baseline ? 'run.baseline' : 'run',
  };
}

/** The store lists newest first; the view keeps that order. */
export function buildRunNodes(
  entries: readonly RunEntry[],
  baselineId: string | undefined,
  now = Date.now(),
): RunNode[] {
  return entries.map((e) => runNode(e, baselineId, now));
}

/**
 * The runs a context-menu command acts on. VS Code passes (clicked, selected[]) from an item's
 * menu — the clicked item alone when it is outside the selection — and nothing from the view
 * title, where the tree's selection applies.
 */
export function targetsOf<T extends { id: string }>(
  clicked: T | undefined,
  selected: readonly T[] | undefined,
  treeSelection: readonly T[],
): T[] {
  if (clicked) {
    const inSelection = selected?.some((s) => s.id === clicked.id);
    return inSelection && selected ? [...selected] : [clicked];
  }
  return [...treeSelection];
}

export type CompareOrder = { ids: string[] } | { message: string };

/**
 * Which runs to compare and in what order: the pinned baseline first, then the selection
 * oldest first (before → after, whatever order the rows were clicked in). One selected run
 * with a pinned baseline compares the baseline against it.
 */
export function compareOrder(
  selected: readonly RunNode[],
  baselineId: string | undefined,
  available: readonly RunNode[],
): CompareOrder {
  const broken = selected.filter((n) => !n.record);
  if (broken.length)
    return {
      message: `Cannot compare ${broken.map((n) => n.label).join(', ')}: ${broken[0].error ?? 'unreadable run file'}`,
    };
  const byTime = [...selected].sort((a, b) => (a.record?.createdAt ?? '').localeCompare(b.record?.createdAt ?? ''));
  const ids = [...new Set(byTime.map((n) => n.id))];
  const baselineExists = baselineId !== undefined && available.some((n) => n.id === baselineId && n.record);
  if (baselineExists && baselineId !== undefined && (ids.length === 1 || ids.includes(baselineId))) {
    const ordered = [baselineId, ...ids.filter((id) => id !== baselineId)];
    if (ordered.length >= 2) return { ids: ordered };
  }
  if (ids.length >= 2) return { ids };
  return {
    message: baselineExists
      ? 'Select a run other than the baseline to compare against it.'
      : 'Select two or more runs to compare (Ctrl/Cmd-click), or pin a baseline and select one run.',
  };
}

/** A file name for an exported run, from its label: letters, digits, dots and dashes only. */
export function exportFileName(run: RunRecord, ext: string): string {
  const base =
    runLabel(run)
      .replace(/[^\w.-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || run.id;
  return `${base}.${ext}`;
}

/** "14:05" (local time), with the date when `withDate`, seconds when `withSeconds`. */
function clockOf(iso: string, withDate: boolean, withSeconds: boolean): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const two = (n: number): string => String(n).padStart(2, '0');
  const time = `${two(d.getHours())}:${two(d.getMinutes())}${withSeconds ? `:${two(d.getSeconds())}` : ''}`;
  return withDate ? `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${time}` : time;
}

/**
 * Names for runs shown side by side, unique and saying what differs: the label when the run has
 * one, else route · server · load · time ("GET /slow · uvicorn main:app · c=10 · 14:05"). Names
 * that still collide get the date, then seconds, then "#2", "#3".
 */
export function compareNames(runs: readonly RunRecord[]): string[] {
  const name = (r: RunRecord, level: number): string => {
    const label = r.label?.trim();
    const clock = level === 0 ? [] : [clockOf(r.createdAt, level >= 2, level >= 3)];
    if (label) return [label, ...(level === 0 ? [] : clock)].join(' · ');
    const parts = [routeText(r), serverText(r), loadText(r)].filter((p): p is string => !!p);
    return [...parts, level === 0 ? clockOf(r.createdAt, false, false) : clock[0]].join(' · ');
  };
  // Level 0: label, or route · server · load · HH:MM; only the names that collide get more.
  const levels = runs.map(() => 0);
  let names = runs.map((r) => name(r, 0));
  for (let level = 1; level <= 3; level++) {
    const clash = names.map((n) => names.filter((m) => m === n).length > 1);
    if (!clash.some(Boolean)) break;
    runs.forEach((r, i) => {
      if (!clash[i]) return;
      levels[i] = r.label?.trim() || level > 1 ? level : 2; // an unlabelled name already has HH:MM
    });
    names = runs.map((r, i) => name(r, levels[i]));
  }
  const seen = new Map<string, number>();
  return names.map((n) => {
    if (names.filter((m) => m === n).length < 2) return n;
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return `${n} #${k}`;
  });
}

/** globalState key of the folder the user last exported to (it is the user's, not the workspace's). */
export const LAST_EXPORT_DIR_KEY = 'endpointProfiler.lastExportDir';

/**
 * Where Save As starts for an export: the folder the user last exported to, else their home
 * folder — never the repository root by default — with a short name ("compare-3-runs-2026-01-05.md").
 */
export function exportDefaultPath(
  runs: readonly RunRecord[],
  ext: string,
  lastDir: string | undefined,
  home: string,
  joinPath: (dir: string, name: string) => string,
): string {
  const day = (runs.at(-1)?.createdAt ?? '').slice(0, 10) || 'runs';
  const name = runs.length === 1 ? exportFileName(runs[0], ext) : `compare-${runs.length}-runs-${day}.${ext}`;
  return joinPath(lastDir || home, name);
}
