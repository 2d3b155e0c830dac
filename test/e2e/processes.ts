// Child processes for the end-to-end test: each in its own process group, so one kill
// stops it with everything it forked (code-server's extension host, uvicorn's workers).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import * as net from 'node:net';

export interface Started {
  child: ChildProcess;
  /** Everything the process wrote, for failure messages. */
  output(): string;
}

export function startLogged(
  command: string,
  args: string[],
  opts: { cwd: string; logFile: string; env?: NodeJS.ProcessEnv },
): Started {
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(opts.logFile);
  let text = '';
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-20_000);
    log.write(chunk);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('exit', () => log.end());
  return { child, output: () => text };
}

export function stop(p: Started | undefined): void {
  if (!p?.child.pid || p.child.exitCode !== null || p.child.signalCode !== null) return;
  try {
    process.kill(-p.child.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** Resolves once the process exited (after stop), so a port can be reused safely. */
export async function stopAndWait(p: Started | undefined): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((r) => p.child.once('exit', r));
  stop(p);
  await exited;
}

export async function waitForPort(port: number, p: Started, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (p.child.exitCode !== null) throw new Error(`process exited early (code ${p.child.exitCode}):\n${p.output()}`);
    const up = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        r(true);
      });
      s.on('error', () => r(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`nothing listened on 127.0.0.1:${port} after ${timeoutMs} ms:\n${p.output()}`);
}
