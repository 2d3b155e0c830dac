// `endpoint-profiler matrix --server CMD --server CMD … --path /x`: each server command started
// on a free loopback port, swept, stopped; ranked by throughput at the top level.
import { runMatrix, sweepReport, type MatrixProgress } from '../core/sweep';
import { nodeFileSystem } from '../core/fs';
import type { Route } from '../core/model';
import { Parsers } from '../core/parsing/parser';
import { ProjectIndex } from '../core/project';
import { parseSweepFlags, readBodyFile, saveRecords, STOP_SIGNALS, UsageError, type SweepFlags } from './sweep';

export const HELP = `Usage: endpoint-profiler matrix --server 'CMD … {port} …' [--server …]… --path /x [options]

Starts each server command in turn (its own process group, a free 127.0.0.1 port put where
{port} is, {host} for the address), waits until GET PATH answers, sweeps PATH over the
concurrency levels, stops the server with everything it forked, and ranks the commands by
throughput at the top level. Commands run without a shell: quote arguments, no ; | & $ or
redirections (put those in a script). The port is also in the PORT environment variable.

Options:
  --server CMD   A server command (repeatable, at least one).
  --path P       The path to sweep, e.g. /items (required).
  --cwd DIR      Folder the commands run in. Default: the current folder.
  --repeat R     Rounds over all commands, alternated (A B A B …). Default 1.
  --timeout-start S  Seconds a server may take to answer PATH. Default 60.
  --watch-loop   Watch each server's event loop (Python asyncio/uvloop, Node) and name, per
                 configuration, where in DIR it was blocked (file:line, function, route).
  --levels, -n, -z, --warmup, -m, -H, -d, -D, -T, -A, -t, -disable-keepalive, --label  As for 'sweep'.
  --json         Print the matrix as JSON (kind "matrix": configs, ranking, text).
  --out DIR      Save every level's run record (with server {command, workers}) in DIR.
  -h, --help     Show this help.

Exit codes: 0 the matrix completed (even when a command failed to start), 1 no command could be
swept or it was interrupted, 2 usage error.
`;

export async function run(argv: string[]): Promise<number> {
  const fail = (message: string, code: number): number => {
    process.stderr.write(
      `endpoint-profiler matrix: ${message}\n${code === 2 ? "Run 'endpoint-profiler matrix --help' for usage.\n" : ''}`,
    );
    return code;
  };
  const servers: string[] = [];
  let path: string | undefined;
  let cwd = process.cwd();
  let repeat = 1;
  let startTimeoutS = 60;
  let out: string | undefined;
  let watchLoop = false;
  let flags: SweepFlags;
  try {
    flags = parseSweepFlags(
      argv,
      (flag, value) => {
        switch (flag) {
          case '--server':
            servers.push(value());
            return true;
          case '--path':
            path = value();
            return true;
          case '--cwd':
            cwd = value();
            return true;
          case '--repeat':
            repeat = Number(value());
            if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100)
              throw new UsageError('--repeat needs a whole number from 1 to 100');
            return true;
          case '--timeout-start':
            startTimeoutS = Number(value());
            if (!Number.isFinite(startTimeoutS) || startTimeoutS <= 0)
              throw new UsageError('--timeout-start needs a positive number of seconds');
            return true;
          case '--out':
            out = value();
            return true;
          case '--watch-loop':
            watchLoop = true;
            return true;
          default:
            return false;
        }
      },
      (arg) => {
        throw new UsageError(`unexpected argument '${arg}' (commands go in --server, the path in --path)`);
      },
    );
    if (flags.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (servers.length === 0) throw new UsageError("give at least one --server 'CMD … {port} …'");
    if (!path) throw new UsageError('missing --path (the path to sweep, e.g. /items)');
    if (!path.startsWith('/')) throw new UsageError(`--path must start with '/', got '${path}'`);
    await readBodyFile(flags);
  } catch (e) {
    return fail((e as Error).message, 2);
  }
  const ctrl = new AbortController();
  // Ctrl-C, SIGTERM (timeout, CI, docker stop) and SIGHUP stop after the current level; started
  // servers are stopped and finished levels kept.
  const onSignal = (): void => ctrl.abort();
  for (const sig of STOP_SIGNALS) process.once(sig, onSignal);
  const progress = (p: MatrixProgress): void => {
    if (p.phase === 'starting') process.stderr.write(`[${p.round + 1}] starting ${p.command}\n`);
    else if (p.phase === 'failed') process.stderr.write(`[${p.round + 1}] ${p.error?.split('\n')[0]}\n`);
  };
  try {
    const routes = watchLoop ? await discoveredRoutes(cwd) : undefined;
    const { result, records } = await runMatrix(
      {
        ...flags.options,
        servers,
        path,
        cwd,
        repeat,
        startTimeoutMs: startTimeoutS * 1000,
        signal: ctrl.signal,
        ...(watchLoop ? { watchLoop, routes } : {}),
      },
      flags.json ? undefined : progress,
    );
    if (out) await saveRecords(out, records);
    if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      for (const c of result.configs) {
        process.stdout.write(`\n== ${c.command}\n`);
        process.stdout.write(c.sweep ? sweepReport(c.sweep) : `failed: ${c.error}\n`);
      }
      process.stdout.write(`\n${result.text}\n`);
    }
    return result.cancelled || result.ranking.length === 0 ? 1 : 0;
  } catch (e) {
    return fail((e as Error).message, 1);
  } finally {
    for (const sig of STOP_SIGNALS) process.off(sig, onSignal);
  }
}

/** The workspace's routes, to name the handler a stall ran under; none when discovery fails. */
async function discoveredRoutes(cwd: string): Promise<Route[]> {
  try {
    const index = new ProjectIndex(cwd, nodeFileSystem, await Parsers.load());
    await index.refresh();
    return index.routes();
  } catch {
    return [];
  }
}
