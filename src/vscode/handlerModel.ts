// What the editor says about a handler (CodeLens titles, hover text), as plain data so it
// is unit-tested over real discovery and analysis results without VS Code.
import type { Finding, Route, RunRecord } from '../core/model';
import { runOutcome } from './outcomeModel';
import { methodsToOffer } from './profileModel';

/** Blocking-call findings (not advice like EP103) located in this handler's body. */
export function blockingFindings(route: Route, findings: readonly Finding[]): Finding[] {
  return findings.filter(
    (f) =>
      f.file === route.file &&
      f.rule !== 'EP103' &&
      (route.range ? f.line >= route.range.line && f.line <= route.range.endLine : f.handler === route.handler),
  );
}

/** undefined for what cannot be profiled over HTTP: WebSocket routes and socket.io event handlers. */
export function profileLensTitle(route: Route): string | undefined {
  if (methodsToOffer(route).length === 0) return undefined;
  const methods = route.methods.filter((m) => m !== 'HEAD' && m !== 'OPTIONS');
  return `▶ Profile ${(methods.length ? methods : route.methods).join(',')} ${route.path}`;
}

export function blockingLensTitle(route: Route, findings: readonly Finding[]): string | undefined {
  const n = blockingFindings(route, findings).length;
  if (n === 0) return undefined;
  const what = route.execution === 'worker' ? 'slow call' : 'blocking call';
  return `⚠ ${n} ${what}${n === 1 ? '' : 's'}`;
}

const EXECUTION: Record<Route['execution'], string> = {
  'event-loop': 'runs **on the event loop**: a blocking call here stops every other request until it returns',
  threadpool: 'runs **in the threadpool**: blocking calls cost a pool thread (40 by default in AnyIO), not the loop',
  worker: 'runs **in a worker** (WSGI): each request holds a worker process/thread for its whole duration',
  library: 'library code answers: how it runs (loop, threadpool or worker) was not read',
};

const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

/**
 * Markdown for the hover on a handler: route, framework, where it runs, blocking calls, what a
 * sweep measured (`measured`: lines from sweepModel's sweepHoverLines), last measurement, and what
 * watched runs measured (`loop`: loopEvidenceModel's `loopHoverLines`).
 */
export function handlerHover(
  route: Route,
  findings: readonly Finding[],
  last?: RunRecord,
  measured: readonly string[] = [],
  loop: readonly string[] = [],
): string {
  const lines = [
    `**${route.methods.join(', ')} \`${route.path}\`** — ${route.framework} · \`${route.handler}\``,
    '',
    route.library
      ? `Handler \`${route.library}\`: ${EXECUTION.library}.`
      : `${route.async ? '`async`' : 'sync'} handler; ${EXECUTION[route.execution]}.`,
  ];
  if (route.routers?.length) lines.push('', `Through: ${route.routers.map((r) => `\`${r}\``).join(' → ')}`);
  const blocking = blockingFindings(route, findings);
  if (blocking.length)
    lines.push(
      '',
      `⚠ ${blocking.length} blocking call${blocking.length === 1 ? '' : 's'}: ${blocking.map((f) => `line ${f.line} (${f.rule})`).join(', ')}`,
    );
  lines.push(...measured);
  if (last) {
    const l = last.summary.latencyMs;
    const outcome = runOutcome(last);
    const status = last.status === 'complete' ? '' : ` (${last.status})`;
    const when = new Date(last.createdAt).toLocaleString();
    if (outcome.kind === 'failed')
      // The latency of a 404 or a refused connection is not the endpoint's: none is quoted.
      lines.push(
        '',
        `✗ **Last run failed: ${lastRunFailure(last)}**, ${when}: no request got an expected response (${outcome.expect}), so no latency is shown.`,
      );
    else
      lines.push(
        '',
        `Last run${status}, ${when}: p50 **${ms(l.p50)} ms**, p99 **${ms(l.p99)} ms**, ${last.summary.rps.toFixed(1)} req/s at ${last.config.concurrency} concurrent (${last.summary.count} requests)`,
        ...(outcome.kind === 'partial'
          ? [
              '',
              `⚠ ${outcome.failed} of ${last.summary.count} requests failed (${outcome.text}); the figures include them.`,
            ]
          : []),
      );
  } else {
    lines.push('', 'Not measured yet: run **Profile Endpoint**.');
  }
  for (const l of loop) lines.push('', l);
  return lines.join('\n');
}

/** "10 × 404", or the run's own one-line failure (a refused port) when nothing was answered. */
function lastRunFailure(run: RunRecord): string {
  const outcome = runOutcome(run);
  return outcome.failed === 0 && run.failure ? run.failure : outcome.text;
}

/** The CodeLens after ▶ Profile: the last run's p50 and p99, or why it failed (never a failed run's latency). */
export function lastRunLensTitle(run: RunRecord): string {
  const outcome = runOutcome(run);
  if (outcome.kind === 'failed') return `✗ last run failed: ${lastRunFailure(run)}`;
  const l = run.summary.latencyMs;
  const figures = `last run p50 ${ms(l.p50)} ms · p99 ${ms(l.p99)} ms`;
  return outcome.kind === 'partial' ? `⚠ ${figures} · ${outcome.text} failed` : figures;
}

/** The key a run and a route share, so the hover can show the route's latest figures. */
export const routeKey = (r: { file?: string; path: string }): string => `${r.file ?? ''} ${r.path}`;

/** Latest run per route among `runs` (any order), a failed one too: its failure is what the hover says. */
export function latestRunByRoute(runs: readonly RunRecord[]): Map<string, RunRecord> {
  const out = new Map<string, RunRecord>();
  for (const run of runs) {
    if (!run.route) continue;
    const key = routeKey(run.route);
    const seen = out.get(key);
    if (!seen || seen.createdAt < run.createdAt) out.set(key, run);
  }
  return out;
}
