// The load benchmarks' constant-body server: Debian's nginx with bench/load-nginx.conf on a free
// loopback port, in its own process group so one signal stops master and workers.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { freePort } from '../test/fixtures/servers/ports';

export interface Nginx {
  port: number;
  url: string;
  process: ChildProcess;
  stop(): void;
}

/** Resolves once something accepts connections on 127.0.0.1:`port`; fails after ~`tries` × 100 ms. */
export async function waitPort(port: number, tries = 100): Promise<void> {
  for (let i = 0; i < tries; i++) {
    const up = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        r(true);
      });
      s.on('error', () => r(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} never opened`);
}

/** Starts nginx with `prefix` as its working folder (config, temp files) and waits until it listens. */
export async function startNginx(prefix: string): Promise<Nginx> {
  mkdirSync(path.join(prefix, 'tmp'), { recursive: true });
  const port = await freePort();
  const conf = path.join(prefix, 'nginx.conf');
  writeFileSync(conf, readFileSync(path.join(__dirname, 'load-nginx.conf'), 'utf8').replace('__PORT__', String(port)));
  const child = spawn('/usr/sbin/nginx', ['-p', prefix, '-c', conf, '-g', 'daemon off;'], {
    detached: true,
    stdio: 'ignore',
  });
  const stop = (): void => {
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
  };
  try {
    await waitPort(port);
  } catch (err) {
    stop();
    throw err;
  }
  return { port, url: `http://127.0.0.1:${port}/`, process: child, stop };
}
