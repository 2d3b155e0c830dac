// The shape of a comparison of runs, apart from the code that computes it (compare.ts), so the
// webview can name it without type-checking Node-only code.
export type Verdict = 'better' | 'worse' | 'same' | 'inconclusive';
export interface ComparisonRow {
  metric: string;
  unit: string;
  values: number[];
  deltas: number[];
  ratios: number[];
  verdicts: Verdict[];
}
export interface Comparison {
  runs: Array<{ id: string; label?: string }>;
  rows: ComparisonRow[];
  configDiffs: Array<{ key: string; values: string[] }>;
  method: string;
}
