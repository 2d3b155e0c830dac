// The vscode-free half of the results panel host: the page with its CSP, the snapshot
// messages sent to the webview, the persisted state check and the live-update throttle.
// Kept apart from resultsPanel.ts so unit and webview tests use exactly what the host uses.
import { randomBytes } from 'node:crypto';
import { decodeHistogram } from '../core/load/histogram';
import type { RunRecord } from '../core/model';
import { compareRuns } from '../core/runs/compare';
import type { HostMessage, PanelState, RunView } from '../shared/protocol';
import { runOutcome } from './outcomeModel';
import { compareNames } from './runsTreeModel';

/** Latency histogram resolution shown in the panel. */
export const HISTOGRAM_BUCKETS = 30;

export function makeNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return `default-src 'none'; img-src ${cspSource} data:; style-src ${cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}'; font-src ${cspSource};`;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The whole page: no inline content besides the nonce'd script tag; the script injects its own styles with that nonce. */
export function resultsHtml(o: { cspSource: string; scriptUri: string; nonce: string; title: string }): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(o.title)}</title>
</head>
<body>
<script nonce="${escapeHtml(o.nonce)}" src="${escapeHtml(o.scriptUri)}"></script>
</body>
</html>
`;
}

export function toRunView(run: RunRecord): RunView {
  return { run, histogram: decodeHistogram(run.histogram, HISTOGRAM_BUCKETS), outcome: runOutcome(run) };
}

export function runMessage(
  run: RunRecord,
  live: boolean,
  progress?: { elapsedS: number; fraction?: number },
): HostMessage {
  return { type: 'run', view: toRunView(run), live, ...(progress ? { progress } : {}) };
}

/** The first run is the baseline. */
export function compareMessage(runs: RunRecord[]): HostMessage {
  const names = compareNames(runs);
  return {
    type: 'compare',
    views: runs.map((r, i) => ({ ...toRunView(r), name: names[i] })),
    comparison: compareRuns(runs),
  };
}

/** What the webview saved with setState, if it is well-formed (it comes back from disk after a reload). */
export function parsePanelState(state: unknown): PanelState | undefined {
  const s = state as Partial<PanelState> | null | undefined;
  if (!s || (s.kind !== 'run' && s.kind !== 'compare') || !Array.isArray(s.runIds)) return undefined;
  if (!s.runIds.every((id) => typeof id === 'string') || s.runIds.length < (s.kind === 'run' ? 1 : 2)) return undefined;
  return { kind: s.kind, runIds: s.runIds };
}

/** Emits at most one value per interval, always the latest (live progress arrives faster than a panel needs). */
export class Throttle<T> {
  private pending: { value: T } | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last = -Infinity;

  constructor(
    private readonly intervalMs: number,
    private readonly emit: (value: T) => void,
    private readonly now: () => number = Date.now,
  ) {}

  push(value: T): void {
    this.pending = { value };
    if (this.timer) return;
    const wait = this.last + this.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Drops anything pending (the final snapshot supersedes it). */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }

  private flush(): void {
    this.timer = undefined;
    if (!this.pending) return;
    const { value } = this.pending;
    this.pending = undefined;
    this.last = this.now();
    this.emit(value);
  }
}

/**
 * The one message a restored panel shows when some of its runs cannot be read again (deleted in
 * the Runs view or another window, moved, or now unreadable): which ones, and what to do, in
 * words rather than a file system error code.
 */
export function restoreFailure(
  kind: PanelState['kind'],
  runIds: readonly string[],
  errors: readonly unknown[],
): string {
  const what = kind === 'run' ? 'This run' : 'This comparison';
  const gone: string[] = [];
  const broken: string[] = [];
  runIds.forEach((id, i) => {
    const e = errors[i];
    if (e === undefined) return;
    const text = e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e);
    if (/\b(ENOENT|ENOTDIR)\b/.test(text)) gone.push(id);
    else broken.push(`${id} (${text.split('\n')[0].replace(/^.*?\.json: /, '')})`);
  });
  const parts: string[] = [];
  if (gone.length)
    parts.push(
      kind === 'run'
        ? 'its run was deleted or moved'
        : `${gone.length} of its ${runIds.length} runs ${gone.length === 1 ? 'was' : 'were'} deleted or moved (${gone.join(', ')})`,
    );
  if (broken.length) parts.push(`cannot read ${broken.join(', ')}`);
  const next =
    kind === 'run' ? 'Open a run from the Runs view.' : 'Select the runs in the Runs view and choose Compare Runs.';
  return `${what} cannot be shown again: ${parts.join('; ')}. ${next}`;
}
