// Number formatting shared by every table and legend in the panel (and by the webview tests,
// which compare the DOM against the run record through these same functions).

/** Milliseconds with precision that suits the magnitude: 0.123 ms, 12.3 ms, 1234 ms. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function formatCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–';
}

export function formatRate(rps: number): string {
  return Number.isFinite(rps) ? `${rps >= 100 ? Math.round(rps).toLocaleString('en-US') : rps.toFixed(1)} req/s` : '–';
}

export function formatSeconds(s: number): string {
  return Number.isFinite(s) ? `${s.toFixed(2)} s` : '–';
}

/** A comparison value in its unit ('ms', 'req/s', '%'). */
export function formatValue(value: number, unit: string): string {
  if (unit === 'ms') return formatMs(value);
  if (unit === 'req/s') return formatRate(value);
  if (unit === '%') return Number.isFinite(value) ? `${value.toFixed(2)} %` : '–';
  return `${value} ${unit}`;
}

/** Relative change against the baseline from a ratio (1.25 → "+25.0%"). */
export function formatDeltaPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) return 'n/a';
  const pct = (ratio - 1) * 100;
  return `${pct > 0 ? '+' : pct < 0 ? '−' : '±'}${Math.abs(pct).toFixed(1)}%`;
}

/** HDR-style axis label for a percentile (99.9 → "99.9%"). */
export function formatPercentile(p: number): string {
  return `${Number(p.toFixed(4))}%`;
}
