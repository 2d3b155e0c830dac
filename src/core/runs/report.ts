// The hey-style text report: summary, response-time histogram, latency distribution,
// status codes, errors, the server's event loop (--watch-loop) and the client-bound warning.
import { decodeRaw, recordedValues } from '../load/histogram';
import type { LoopStall, RunRecord } from '../model';
import { DEFAULT_EXPECT, unexpectedStatuses } from './expect';

const secs = (ms: number): string => (ms / 1000).toFixed(4);

/** hey's linear histogram: `n` equal-width buckets from fastest to slowest, bars scaled to the fullest. */
export function textHistogram(run: RunRecord, n = 10, width = 40): string[] {
  const h = decodeRaw(run.histogram);
  if (h.totalCount === 0) return ['  (no successful responses)'];
  const lo = h.minNonZeroValue;
  const hi = h.maxValue;
  const step = (hi - lo) / n || 1;
  const counts = new Array<number>(n + 1).fill(0);
  for (const { value, count } of recordedValues(h))
    counts[Math.min(n, Math.max(0, Math.ceil((value - lo) / step)))] += count;
  const max = Math.max(...counts);
  return counts.map(
    (c, i) => `  ${secs((lo + i * step) / 1000)} [${c}]\t|${'■'.repeat(Math.round((c / max) * width))}`,
  );
}

export function textReport(run: RunRecord): string {
  const s = run.summary;
  const l = s.latencyMs;
  const out: string[] = [];
  if (run.status !== 'complete') out.push(`Run ${run.status}${run.failure ? `: ${run.failure}` : ''}`, '');
  out.push(
    'Summary:',
    `  Total:\t${s.durationS.toFixed(4)} secs`,
    `  Slowest:\t${secs(l.max)} secs`,
    `  Fastest:\t${secs(l.min)} secs`,
    `  Average:\t${secs(l.mean)} secs`,
    `  Requests/sec:\t${s.rps.toFixed(4)}`,
  );
  if (s.unsent)
    out.push(`  Unsent:\t${s.unsent} (open model: due by the schedule, never sent; the server or client fell behind)`);
  if (s.cancelledInFlight)
    out.push(
      `  Cancelled in flight:\t${s.cancelledInFlight} (aborted at the -z deadline or on cancel; not in the figures)`,
    );
  if (s.bytes !== undefined)
    out.push('', `  Total data:\t${s.bytes} bytes`, `  Size/request:\t${s.ok ? Math.round(s.bytes / s.ok) : 0} bytes`);
  const unexpected = unexpectedStatuses(run);
  if (unexpected.length) {
    out.push('', `Unexpected statuses (counted as errors; expected ${run.config.expect ?? DEFAULT_EXPECT}):`);
    for (const u of unexpected) out.push(`  [${u.status}]\t${u.count} responses`);
  }
  out.push('', 'Response time histogram:', ...textHistogram(run), '');
  out.push('Latency distribution:');
  for (const [p, v] of [
    [50, l.p50],
    [75, l.p75],
    [90, l.p90],
    [95, l.p95],
    [99, l.p99],
    [99.9, l.p999],
  ] as const)
    out.push(`  ${p}% in ${secs(v)} secs`);
  if (run.config.model === 'open') out.push("  (open model: latency measured from each request's scheduled send time)");
  out.push('', 'Status code distribution:');
  for (const [code, n] of Object.entries(run.statusCodes)) out.push(`  [${code}]\t${n} responses`);
  const errs = Object.entries(run.errorKinds).filter(([, n]) => (n ?? 0) > 0);
  if (errs.length) {
    out.push('', 'Error distribution:');
    for (const [kind, n] of errs)
      out.push(
        `  [${n}]\t${kind}${kind === 'late' ? ' (open model: not sent on schedule; not counted as errors)' : ''}`,
      );
  }
  out.push(...loopSection(run));
  if (run.clientBound)
    out.push(
      '',
      'WARNING: the load generator itself was saturated (event loop busy); latencies include client-side queueing. Lower -c/-q or use a bigger machine.',
    );
  return `${out.join('\n')}\n`;
}

const ms = (v: number): string => Math.round(v).toLocaleString('en-US');

/** "app.py:13 in read_config() [GET /blocking] — blocked the loop 10× for ~1,000 ms each (max 1,020 ms)". */
export function describeStall(s: LoopStall): string {
  const route = s.route ? ` [${s.route}]` : '';
  const each = s.count > 0 ? s.totalMs / s.count : 0;
  return `${s.file}:${s.line} in ${s.function}()${route} — blocked the loop ${s.count}× for ~${ms(each)} ms each (max ${ms(s.maxMs)} ms)`;
}

/** The server's side, when the run watched its event loop (--watch-loop). */
function loopSection(run: RunRecord): string[] {
  if (!run.loopStalls && !run.loopLag) return [];
  const out = ['', 'Server event loop (--watch-loop):'];
  if (run.loopLag)
    out.push(
      `  Loop lag:	p50 ${ms(run.loopLag.p50Ms)} ms, p99 ${ms(run.loopLag.p99Ms)} ms, max ${ms(run.loopLag.maxMs)} ms`,
    );
  const stalls = run.loopStalls ?? [];
  if (stalls.length === 0) out.push('  No stall over the threshold in workspace code.');
  for (const s of stalls.slice(0, 10)) out.push(`  ${describeStall(s)}`);
  if (stalls.length > 10) out.push(`  … and ${stalls.length - 10} more sites`);
  return out;
}
