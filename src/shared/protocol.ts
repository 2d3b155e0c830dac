// The only contract between the extension host (src/vscode/resultsPanel.ts) and the results
// webview (webview/). Both sides import these types; nothing else crosses the boundary.
// Host messages are complete snapshots (like GitLens' webview state): the webview keeps no
// model of its own, so a reload or a missed message can never leave it half-updated.
import type { ErrorKind, RunRecord } from '../core/model';
import type { Comparison } from '../core/runs/comparison';
import type { SweepResult } from '../core/sweep/run';

/** Chart-ready data the host decodes from a run's HDR histogram (the webview bundles no HDR code). */
export interface HistogramView {
  /** Log-scaled latency buckets. */
  buckets: Array<{ fromMs: number; toMs: number; count: number }>;
  /** HDR percentile curve, p in 0..100. */
  percentiles: Array<{ p: number; ms: number }>;
}

/**
 * Whether the run got the responses it expected (src/vscode/outcomeModel.ts): `failed` when no
 * request got an expected status, `partial` when some failed, `ok` otherwise.
 */
export interface RunOutcome {
  kind: 'ok' | 'partial' | 'failed';
  /** The run's `config.expect`, or the default '200-399'. */
  expect: string;
  /** Responses with an expected status. */
  expected: number;
  /** Unexpected statuses plus network errors. */
  failed: number;
  /** Statuses outside `expect`, most frequent first. */
  unexpected: Array<{ status: number; count: number }>;
  /** Network error kinds (not `status`), most frequent first, with the first message seen when recorded. */
  errors: Array<{ kind: ErrorKind; count: number; sample?: string }>;
  /** One line: "10 × 404", "3 × 500, 2 × timeout", or "no response". */
  text: string;
}

export interface RunView {
  run: RunRecord;
  /** In a comparison: a name unique among the runs shown (label, else route · server · load · time). */
  name?: string;
  histogram: HistogramView;
  outcome: RunOutcome;
}

export type HostMessage =
  /** One run: live while `live` (with progress), final once the record is complete/cancelled/failed. */
  | { type: 'run'; view: RunView; live: boolean; progress?: { elapsedS: number; fraction?: number } }
  /** Two or more runs, the first is the baseline. */
  | { type: 'compare'; views: RunView[]; comparison: Comparison }
  /** A concurrency sweep or a server comparison (src/vscode/sweepModel.ts): complete each time, live while it runs. */
  | SweepMessage
  /** A problem the panel should show in place of (or above) its content, one line. */
  | { type: 'error'; message: string };

/** One configuration of a sweep panel: a sweep of one URL, or one server command of a comparison. */
export interface SweepSeriesView {
  /** The legend's name: the route for a sweep, the server command (short) for a comparison. */
  name: string;
  /** The full server command, when the configuration is one. */
  command?: string;
  workers?: number;
  state: 'waiting' | 'starting' | 'running' | 'done' | 'failed' | 'cancelled';
  /** Why it could not be started or swept (one paragraph, the server's last line included). */
  error?: string;
  /** The levels finished so far and the verdict they give. */
  sweep?: SweepResult;
  /** The USL curve through the levels, sampled on a log grid between the lowest and the highest level. */
  fit?: { concurrency: number[]; rps: number[] };
  /** The level under way (live). */
  current?: { concurrency: number; fraction?: number; requests?: number };
}

export interface SweepMessage {
  type: 'sweep';
  title: string;
  live: boolean;
  /** The sentence at the top: the verdict, or the comparison's best configuration. */
  headline: string;
  /** Further lines under it (a comparison's ranking, a failure), each one sentence. */
  notes: string[];
  series: SweepSeriesView[];
}

export type WebviewMessage =
  /** Sent once the script has loaded; the host answers with the current snapshot. */
  | { type: 'ready' }
  /** The user pressed Cancel on a live run. */
  | { type: 'cancel' }
  /** Export the shown run(s) in a format; the host asks where to save. */
  | { type: 'export'; runIds: string[]; format: 'json' | 'csv' | 'markdown' }
  /** Open a loop stall's line (a `loopStalls` entry of a shown run: workspace-relative file, 1-based line). */
  | { type: 'openSource'; file: string; line: number }
  /** Open one level's run of a sweep in the results panel. */
  | { type: 'openRun'; runId: string };

/** What the webview persists with `setState`: ids only. After a reload the host re-reads the runs from the run store. */
export interface PanelState {
  /** 'sweep': the runs of the sweep panel's groups (restored by src/vscode/sweepPanel.ts). */
  kind: 'run' | 'compare' | 'sweep';
  runIds: string[];
}

export const PANEL_VIEW_TYPE = 'endpointProfiler.results';
/** The sweep panel: the same page and script as the results panel, its own view type and serializer. */
export const SWEEP_VIEW_TYPE = 'endpointProfiler.sweep';
