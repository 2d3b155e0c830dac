// The only contract between the extension host (src/vscode/resultsPanel.ts) and the results
// webview (webview/). Both sides import these types; nothing else crosses the boundary.
// Host messages are complete snapshots (like GitLens' webview state): the webview keeps no
// model of its own, so a reload or a missed message can never leave it half-updated.
import type { ErrorKind, RunRecord } from '../core/model';
import type { Comparison } from '../core/runs/comparison';

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
  /** A problem the panel should show in place of (or above) its content, one line. */
  | { type: 'error'; message: string };

export type WebviewMessage =
  /** Sent once the script has loaded; the host answers with the current snapshot. */
  | { type: 'ready' }
  /** The user pressed Cancel on a live run. */
  | { type: 'cancel' }
  /** Export the shown run(s) in a format; the host asks where to save. */
  | { type: 'export'; runIds: string[]; format: 'json' | 'csv' | 'markdown' }
  /** Open a loop stall's line (a `loopStalls` entry of a shown run: workspace-relative file, 1-based line). */
  | { type: 'openSource'; file: string; line: number };

/** What the webview persists with `setState`: ids only. After a reload the host re-reads the runs from the run store. */
export interface PanelState {
  kind: 'run' | 'compare';
  runIds: string[];
}

export const PANEL_VIEW_TYPE = 'endpointProfiler.results';
