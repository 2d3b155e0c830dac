// How many worker processes a server command line runs (`uvicorn … --workers 4`,
// `gunicorn -w 2 …`), and the `server` part of a run record. Shared by the CLI's matrix and
// the editor's Start Server / Profile Endpoint.
import type { ServerConfig } from '../model';

/** A command line split about as a POSIX shell would (quotes, escaping backslashes), one word list per `;`, `&&`, `||`, `|`, `&` part. */
export function commandParts(command: string): string[][] {
  const parts: string[][] = [[]];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  const end = (): void => {
    if (inWord) parts[parts.length - 1].push(word);
    word = '';
    inWord = false;
  };
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && /["\\$`]/.test(command[i + 1] ?? '')) word += command[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    }
    // A backslash escapes only what a shell would need escaped, so Windows paths (C:\Python\…) survive.
    else if (c === '\\' && /[\s"'\\;&|$`]/.test(command[i + 1] ?? '')) {
      word += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) end();
    else if (c === ';' || c === '&' || c === '|') {
      end();
      while (command[i + 1] === '&' || command[i + 1] === '|') i++;
      parts.push([]);
    } else {
      word += c;
      inWord = true;
    }
  }
  end();
  return parts.filter((p) => p.length > 0);
}

/**
 * Servers whose worker (process) count a command line decides: the flags that set it, and the
 * count when none is given. gunicorn has no sure default: without -w a gunicorn.conf.py in the
 * folder may set it. uvicorn and gunicorn also read WEB_CONCURRENCY (only seen when the
 * command itself sets it: the terminal's inherited environment is not known here).
 */
const SERVERS: Record<
  string,
  { flags: readonly string[]; fallback?: number; webConcurrency?: boolean; config?: readonly string[] }
> = {
  uvicorn: { flags: ['--workers'], fallback: 1, webConcurrency: true },
  gunicorn: { flags: ['-w', '--workers'], webConcurrency: true },
  hypercorn: { flags: ['-w', '--workers'], fallback: 1, config: ['-c', '--config'] },
  sanic: { flags: ['-w', '--workers'], fallback: 1 },
  granian: { flags: ['--workers'], fallback: 1 },
  fastapi: { flags: ['--workers'], fallback: 1 }, // fastapi-cli: `fastapi run|dev`
};

const program = (word: string): string =>
  word
    .split(/[\\/]/)
    .pop()!
    .replace(/\.(exe|cmd)$/i, '')
    .toLowerCase();
const ASSIGNMENT = /^([A-Za-z_]\w*)=(.*)$/s;

/** A flag's value in `args` (`-w 4`, `-w4`, `--workers 4`, `--workers=4`), the last one winning as in argparse/click; null when given but not a number. */
function flagValue(args: readonly string[], flags: readonly string[]): number | null | undefined {
  let value: number | null | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    let text: string | undefined;
    for (const f of flags) {
      if (a === f) text = args[++i] ?? '';
      else if (f.startsWith('--') && a.startsWith(`${f}=`)) text = a.slice(f.length + 1);
      else if (!f.startsWith('--') && a.startsWith(f) && a.length > f.length)
        text = a.slice(f.length).replace(/^=/, '');
      if (text !== undefined) break;
    }
    if (text !== undefined) value = /^\d+$/.test(text) && Number(text) > 0 ? Number(text) : null;
  }
  return value;
}

/**
 * How many worker processes the server a command starts runs, when the command says:
 * `uvicorn … --workers 4`, `gunicorn -w 4 -k uvicorn.workers.UvicornWorker …`, `--workers=2`,
 * `WEB_CONCURRENCY=3 gunicorn …`, through `python -m`, `poetry run`, `uv run` and the like.
 * uvicorn, hypercorn, sanic, granian and fastapi-cli default to 1. Undefined when it cannot be
 * told (gunicorn without -w, a config file, `--workers $(nproc)`, `sanic --fast`, not a known server).
 */
export function serverWorkers(command: string): number | undefined {
  for (const words of commandParts(command)) {
    const env: Record<string, string> = {};
    let i = 0;
    for (; i < words.length; i++) {
      const m = ASSIGNMENT.exec(words[i]);
      if (m) env[m[1]] = m[2];
      else if (words[i] !== 'env') break;
    }
    const at = words.findIndex((w, j) => j >= i && Object.hasOwn(SERVERS, program(w)));
    if (at < 0) continue;
    const name = program(words[at]);
    const server = SERVERS[name];
    const args = words.slice(at + 1);
    if (name === 'fastapi' && args[0] === 'dev') return 1; // always reloads, one process
    if (name === 'uvicorn' && args.includes('--reload')) return 1; // --reload runs one worker whatever --workers says
    if (name === 'sanic' && args.includes('--single-process')) return 1;
    if (name === 'sanic' && args.includes('--fast')) return undefined; // one worker per CPU of whatever machine runs it
    const explicit = flagValue(args, server.flags);
    if (explicit !== undefined) return explicit ?? undefined;
    if (name === 'gunicorn' && env.GUNICORN_CMD_ARGS !== undefined) {
      const fromEnv = flagValue(commandParts(env.GUNICORN_CMD_ARGS)[0] ?? [], server.flags);
      if (fromEnv !== undefined) return fromEnv ?? undefined;
    }
    if (server.config && args.some((a) => server.config!.some((f) => a === f || a.startsWith(`${f}=`))))
      return undefined;
    if (server.webConcurrency && env.WEB_CONCURRENCY !== undefined)
      return /^\d+$/.test(env.WEB_CONCURRENCY) && Number(env.WEB_CONCURRENCY) > 0
        ? Number(env.WEB_CONCURRENCY)
        : undefined;
    return server.fallback;
  }
  return undefined;
}

/** The `server` part of a run record for a server started with `command`. */
export function serverConfig(command: string): ServerConfig {
  const workers = serverWorkers(command);
  return { command, ...(workers !== undefined ? { workers } : {}) };
}
