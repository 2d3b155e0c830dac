// `endpoint-profiler routes [DIR] [--json] [--exclude PATTERN]…`: every HTTP route handler in a workspace
// (and socket.io event handler, listed apart), as JSON (the contract in docs/cli.md) or an aligned table.
import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { nodeFileSystem } from '../core/fs';
import type { Route } from '../core/model';
import { Parsers } from '../core/parsing/parser';
import { ProjectIndex } from '../core/project';
import { openCache } from './cache';
import { defaultJobs, parseJobs } from './jobs';
import { folderProblem, warnIfNothingRead } from './folder';
import { warnProblems } from './problems';
import { errorLine } from '../core/errors';

const HELP = `Usage: endpoint-profiler routes [DIR] [--json] [--exclude PATTERN]... [--no-cache] [--jobs N]

List the HTTP route handlers found in DIR (default: the current folder), then socket.io event handlers.

Options:
  --json             print a JSON array of {framework, methods, path, file, line, handler, async, execution,
                     library, unresolved, unresolvedReason}; a library handler has execution "library"
                     and library its qualified name; a part of a path that could not be evaluated is
                     written {expression?} and the route has unresolved: true. socket.io event handlers
                     are rows with kind: "event", framework "socket.io", methods ["EVENT"], the event
                     name as path and namespace (when not "/")
  --exclude PATTERN  skip files matching a .gitignore-style pattern (repeatable)
  --no-cache         index every file again instead of reusing the facts cache (see docs/cli.md)
  --jobs N           threads that parse files the cache does not hold (default: one per core, at most 4;
                     1 parses on the main thread)
  -h, --help         show this help
`;

export async function run(argv: string[]): Promise<number> {
  let values: { json?: boolean; exclude?: string[]; help?: boolean; 'no-cache'?: boolean; jobs?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        exclude: { type: 'string', multiple: true },
        'no-cache': { type: 'boolean' },
        jobs: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    // parseArgs explains some mistakes over several lines (`--jobs -1`): the first says what is wrong
    const why = errorLine(err);
    process.stderr.write(`endpoint-profiler routes: ${why}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length > 1) {
    process.stderr.write(`endpoint-profiler routes: expected at most one folder, got ${positionals.length}\n`);
    return 2;
  }
  const jobs = values.jobs === undefined ? defaultJobs() : parseJobs(values.jobs);
  if (typeof jobs === 'string') {
    process.stderr.write(`endpoint-profiler routes: ${jobs}\n`);
    return 2;
  }
  const dir = path.resolve(positionals[0] ?? '.');
  const unusable = await folderProblem(dir);
  if (unusable) {
    process.stderr.write(`endpoint-profiler routes: ${unusable}\n`);
    return 2;
  }
  try {
    const cache = await openCache(dir, !values['no-cache']);
    const index = new ProjectIndex(dir, nodeFileSystem, Parsers.lazy(), { exclude: values.exclude ?? [], jobs }, cache);
    await index.refresh();
    warnProblems('routes', index);
    warnIfNothingRead('routes', dir, index);
    const routes = index.routes();
    process.stdout.write(values.json ? `${JSON.stringify(routes.map(toJson), null, 2)}\n` : table(routes));
    await index.saveLinked(); // `check` next takes these routes instead of linking them again
    return 0;
  } catch (err) {
    process.stderr.write(`endpoint-profiler routes: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

/** The contract's fields first, in its order; `execution` and `routers` are extras. */
function toJson(r: Route) {
  return {
    framework: r.framework,
    methods: r.methods,
    path: r.path,
    file: r.file,
    line: r.line,
    handler: r.handler,
    async: r.async,
    execution: r.execution,
    routers: r.routers ?? [],
    ...(r.library ? { library: r.library } : {}),
    ...(r.unresolved ? { unresolved: true, unresolvedReason: r.unresolvedReason ?? '' } : {}),
    // socket.io event handlers: HTTP rows stay as they were, these say what they are
    ...(r.kind ? { kind: r.kind } : {}),
    ...(r.namespace ? { namespace: r.namespace } : {}),
  };
}

const MARKER: Record<Route['execution'], string> = {
  'event-loop': 'async (event loop)',
  threadpool: 'sync (threadpool)',
  worker: 'sync (worker)',
  library: 'library code',
};

function table(all: Route[]): string {
  if (all.length === 0) return 'No routes found.\n';
  const routes = all.filter((r) => r.kind !== 'event');
  const events = all.filter((r) => r.kind === 'event');
  const reasons: string[] = [];
  const note = (r: Route) => {
    if (!r.unresolved) return '';
    const reason = r.unresolvedReason ?? 'a part of the path could not be evaluated';
    let n = reasons.indexOf(reason);
    if (n < 0) n = reasons.push(reason) - 1;
    return `?${n + 1}`;
  };
  const runsOn = (r: Route) => (r.execution === 'event-loop' && !r.async ? 'sync (event loop)' : MARKER[r.execution]);
  const blocks: string[] = [];
  if (routes.length)
    blocks.push(
      aligned([
        ['?', 'METHOD', 'PATH', 'HANDLER', 'FILE:LINE', 'RUNS ON'],
        ...routes.map((r) => [note(r), r.methods.join(','), r.path, r.handler, `${r.file}:${r.line}`, runsOn(r)]),
      ]),
    );
  // socket.io event handlers run on the loop like handlers, but are no HTTP routes: a table of their own
  if (events.length)
    blocks.push(
      `socket.io events:\n${aligned([
        ['?', 'NAMESPACE', 'EVENT', 'HANDLER', 'FILE:LINE', 'RUNS ON'],
        ...events.map((r) => [note(r), r.namespace ?? '/', r.path, r.handler, `${r.file}:${r.line}`, runsOn(r)]),
      ])}`,
    );
  const unresolved = all.filter((r) => r.unresolved).length;
  const footnotes = reasons.map((reason, i) => `?${i + 1} ${reason}\n`).join('');
  const counts = [
    `${routes.length} route${routes.length === 1 ? '' : 's'}`,
    ...(events.length ? [`${events.length} socket.io event handler${events.length === 1 ? '' : 's'}`] : []),
  ].join(', ');
  return (
    `${blocks.join('\n\n')}\n\n${counts}` +
    (unresolved ? `, ${unresolved} with a path part that could not be evaluated ({…?}):\n${footnotes}` : '\n')
  );
}

/** Aligned columns; the leading `?` column only when some row has a mark in it. */
function aligned(rows: string[][]): string {
  if (rows.slice(1).every((row) => row[0] === '')) for (const row of rows) row.shift();
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  '))
    .join('\n');
}
