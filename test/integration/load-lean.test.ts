// The lean HTTP/1.1 client (src/core/load/lean.ts) against real servers on 127.0.0.1: node:http,
// Express, uvicorn, gunicorn, nginx and raw sockets speaking HTTP/1.0, 1xx, Connection: close.
// Each case compares with undici (--client undici) where the answer is the same by construction.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import express from 'express';
import { parseLoadArgs } from '../../src/cli/load';
import { startLoad, type LoadOptions } from '../../src/core/load/engine';
import { buildRequest, LeanPool, type LeanHandler } from '../../src/core/load/lean';
import { measure } from '../../src/core/load/measure';
import type { RunRecord } from '../../src/core/model';
import { freePort } from '../fixtures/servers/ports';

const children: ChildProcess[] = [];
const servers: Array<{ close(): unknown; closeAllConnections?: () => void }> = [];
const work = mkdtempSync(path.join(tmpdir(), 'ep-lean-'));

after(() => {
  for (const s of servers) {
    s.closeAllConnections?.();
    s.close();
  }
  for (const c of children)
    if (c.pid && c.exitCode === null)
      try {
        process.kill(-c.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
  rmSync(work, { recursive: true, force: true });
});

async function waitPort(port: number, child?: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child && child.exitCode !== null) throw new Error(`server exited (code ${child.exitCode})`);
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

async function listen(server: http.Server | net.Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

const run = (o: Partial<LoadOptions> & { url: string }): Promise<RunRecord> =>
  startLoad({ client: 'lean', concurrency: 4, requests: 40, ...o }).result;

/** Runs with both clients; returns [lean, undici]. */
async function both(o: Partial<LoadOptions> & { url: string }): Promise<[RunRecord, RunRecord]> {
  const lean = await run({ ...o, client: 'lean' });
  const undici = await run({ ...o, client: 'undici' });
  assert.equal(lean.config.client, 'lean');
  assert.equal(undici.config.client, 'undici');
  return [lean, undici];
}

let nodeUrl: string;
let nodeConnections = 0;
let nodeReceived = 0;
before(async () => {
  const server = http.createServer((req, res) => {
    nodeReceived++;
    const u = new URL(req.url ?? '/', 'http://x');
    req.resume();
    if (u.pathname === '/chunked') {
      res.write('a'.repeat(1000));
      res.write('b'.repeat(3000));
      res.end('c');
    } else if (u.pathname === '/empty') {
      res.writeHead(204).end();
    } else if (u.pathname === '/notmod') {
      res.writeHead(304, { etag: '"x"' }).end();
    } else if (u.pathname === '/close') {
      res.writeHead(200, { connection: 'close', 'content-length': '5' }).end('close');
    } else res.end('hello, world\n');
  });
  server.on('connection', () => nodeConnections++);
  server.keepAliveTimeout = 5000;
  nodeUrl = await listen(server);
});

test('node:http: content-length, chunked, 204, 304 and HEAD agree with undici byte for byte', async () => {
  for (const p of ['/', '/chunked', '/empty', '/notmod']) {
    const [lean, undici] = await both({ url: `${nodeUrl}${p}` });
    assert.deepEqual(lean.statusCodes, undici.statusCodes, p);
    assert.equal(lean.summary.bytes, undici.summary.bytes, p);
    assert.equal(lean.summary.errors, 0, `${p}: ${JSON.stringify(lean.errorSamples)}`);
  }
  const [lean, undici] = await both({ url: `${nodeUrl}/chunked`, method: 'HEAD' });
  assert.deepEqual(lean.statusCodes, { 200: 40 });
  assert.equal(lean.summary.bytes, 0);
  assert.equal(undici.summary.bytes, 0);
});

test('keep-alive holds one connection per lane; Connection: close reconnects per response', async () => {
  let before = nodeConnections;
  const r = await run({ url: nodeUrl, concurrency: 3, requests: 300 });
  assert.equal(r.summary.ok, 300);
  assert.equal(nodeConnections - before, 3);
  before = nodeConnections;
  const c = await run({ url: `${nodeUrl}/close`, concurrency: 3, requests: 30 });
  assert.equal(c.summary.ok, 30, JSON.stringify(c.errorSamples));
  assert.equal(c.summary.bytes, 150);
  assert.equal(nodeConnections - before, 30);
});

test('pipelining: -p 10 keeps c × 10 in flight on c connections, every request answered once', async () => {
  const before = nodeConnections;
  const received = nodeReceived;
  const r = await run({ url: nodeUrl, concurrency: 2, requests: 2000, pipelining: 10 });
  assert.equal(r.summary.ok, 2000, JSON.stringify(r.errorSamples));
  assert.equal(r.config.pipelining, 10);
  assert.equal(nodeReceived - received, 2000);
  assert.equal(nodeConnections - before, 2);
});

test('Express', async () => {
  const app = express();
  app.get('/json', (_req, res) => {
    res.json({ hello: 'world', n: [1, 2, 3] });
  });
  app.get('/big', (_req, res) => {
    res.send('z'.repeat(200_000));
  });
  const url = await listen(http.createServer(app));
  for (const p of ['/json', '/big', '/missing']) {
    const [lean, undici] = await both({ url: `${url}${p}`, concurrency: 3, requests: 30 });
    assert.deepEqual(lean.statusCodes, undici.statusCodes, p);
    assert.equal(lean.summary.bytes, undici.summary.bytes, p);
  }
  const post = await run({
    url: `${url}/json`,
    method: 'POST',
    body: '{"a":1}',
    headers: { 'content-type': 'application/json' },
  });
  assert.deepEqual(post.statusCodes, { 404: 40 });
});

test('raw sockets: HTTP/1.0 close-delimited bodies, 1xx interim responses, idle closes', async () => {
  let mode = 'http10';
  const url = await listen(
    net.createServer((sock) => {
      let buf = '';
      sock.on('error', () => undefined);
      sock.on('data', (d) => {
        buf += d.toString('latin1');
        while (buf.includes('\r\n\r\n')) {
          buf = buf.slice(buf.indexOf('\r\n\r\n') + 4);
          if (mode === 'http10') {
            sock.end('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n' + 'x'.repeat(70_000));
            return;
          }
          if (mode === '1xx')
            sock.write(
              'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
            );
          if (mode === 'idle-close') {
            // Answers, then drops the connection a moment later (a server's keep-alive timeout).
            sock.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
            setTimeout(() => sock.destroy(), 5);
          }
        }
      });
    }),
  );
  const r10 = await run({ url, concurrency: 2, requests: 10 });
  assert.deepEqual(r10.statusCodes, { 200: 10 }, JSON.stringify(r10.errorSamples));
  assert.equal(r10.summary.bytes, 700_000);
  mode = '1xx';
  const r1 = await run({ url, concurrency: 2, requests: 10 });
  assert.deepEqual(r1.statusCodes, { 200: 10 });
  assert.equal(r1.summary.bytes, 20);
  mode = 'idle-close';
  // 200 ms apart: the server's close (5 ms after each answer) lands long before the next request, even on a
  // loaded machine (at 50 ms apart, a close delayed by load met the next request: a lost request, not this case)
  const c = await run({ url: `${url}/?ms=20`, concurrency: 1, requests: 3, rate: 5 });
  assert.equal(c.summary.ok, 3, JSON.stringify(c.errorSamples));
});

test('reads split at every byte on many sockets at once keep each response whole (one shared read buffer)', async () => {
  // Every response goes out in 1-7 byte pieces, one piece per turn, on 8 connections at once: a
  // head or chunk-size line split across reads must be copied before the next socket's read
  // lands in the pool's one read buffer. Seeded, so a failure reproduces.
  let seed = 7;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const response =
    'HTTP/1.1 200 OK\r\nX-Pad: ' +
    'p'.repeat(300) +
    '\r\nTransfer-Encoding: chunked\r\n\r\n' +
    '7\r\nabcdefg\r\n1f4\r\n' +
    'q'.repeat(500) +
    '\r\n0\r\n\r\n';
  const url = await listen(
    net.createServer((sock) => {
      let buf = '';
      let out = '';
      let sending = false;
      const pump = (): void => {
        if (out === '' || sock.destroyed) {
          sending = false;
          return;
        }
        const n = 1 + rand(7);
        sock.write(out.slice(0, n));
        out = out.slice(n);
        setImmediate(pump);
      };
      sock.on('error', () => undefined);
      sock.on('data', (d) => {
        buf += d.toString('latin1');
        while (buf.includes('\r\n\r\n')) {
          buf = buf.slice(buf.indexOf('\r\n\r\n') + 4);
          out += response;
        }
        if (!sending) {
          sending = true;
          pump();
        }
      });
    }),
  );
  for (const pipelining of [1, 4]) {
    const r = await run({ url, concurrency: 8, pipelining, requests: 200 });
    assert.deepEqual(r.statusCodes, { 200: 200 }, `-p ${pipelining}: ${JSON.stringify(r.errorSamples)}`);
    assert.equal(r.summary.bytes, 200 * 507, `-p ${pipelining}`);
  }
});

/** A lean pool sending `GET /` to `url` on up to `connections` keep-alive sockets, `pipelining` in flight on each. */
function keepAlivePool(url: string, connections: number, pipelining = 1): LeanPool {
  const u = new URL(url);
  return new LeanPool({
    host: u.hostname,
    port: Number(u.port),
    connections,
    pipelining,
    keepAlive: true,
    head: false,
    request: buildRequest('GET', '/', u.host, {}, undefined, true),
  });
}

/** A pool handler that does nothing but what `own` gives it (the pool's fields start as it expects). */
function leanHandler(own: Partial<LeanHandler> = {}): LeanHandler {
  return {
    leanConn: undefined,
    leanDone: false,
    onHeaders: () => true,
    onBytes: () => undefined,
    onSentAt: () => undefined,
    onCompleteAt: () => undefined,
    onError: () => undefined,
    ...own,
  };
}

/**
 * A server (in this process) that answers nothing until two sockets have each sent a request, then answers both
 * in one callback, `delayMs` later: the client's next poll finds both sockets readable, one turn with two reads.
 */
async function pairAnsweringServer(delayMs: number): Promise<string> {
  const open: net.Socket[] = [];
  let answered = 0;
  const answerBoth = () => {
    for (const s of open) s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
  };
  return listen(
    net.createServer((sock) => {
      sock.on('error', () => undefined);
      sock.on('data', () => {
        if (++answered !== 2) return;
        if (delayMs > 0) setTimeout(answerBoth, delayMs);
        else answerBoth(); // in the same callback: no turn between the two writes
      });
      open.push(sock);
    }),
  );
}

test('a response is timed from the read that completed it, before parsing or any handler ran', async (t) => {
  // Two pipelined responses arrive in one write: the second was in hand when the first's handler
  // (here a 30 ms busy one, as cold bookkeeping or a burst on other sockets) started, so both carry
  // that read's time. A response split across reads is timed from its last read, not its first.
  const secondPartAt: number[] = [];
  const url = await listen(
    net.createServer((sock) => {
      let buf = '';
      sock.on('error', () => undefined);
      sock.on('data', (d) => {
        buf += d.toString('latin1');
        const heads = buf.split('\r\n\r\n').length - 1;
        if (heads === 2)
          sock.write('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb');
        if (heads === 3) {
          sock.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\no');
          setTimeout(() => {
            secondPartAt.push(performance.now());
            sock.write('k');
          }, 40);
        }
      });
    }),
  );
  const pool = keepAlivePool(url, 1, 2);
  t.after(() => pool.destroy());
  const answer = (onAt: (at: number) => void) => {
    let done!: () => void;
    const settled = new Promise<void>((r) => (done = r));
    const handler = leanHandler({
      onCompleteAt: (at) => {
        onAt(at);
        done();
      },
      onError: (err) => assert.fail(err),
    });
    return { handler, settled };
  };
  let firstAt = NaN;
  let firstHandlerEnd = NaN;
  let secondAt = NaN;
  const first = answer((at) => {
    firstAt = at;
    const until = performance.now() + 30;
    while (performance.now() < until); // a slow handler
    firstHandlerEnd = performance.now();
  });
  const second = answer((at) => (secondAt = at));
  pool.dispatch(undefined, first.handler);
  pool.dispatch(undefined, second.handler);
  await Promise.all([first.settled, second.settled]);
  assert.equal(secondAt, firstAt, 'both responses came in one read');
  assert.ok(
    secondAt <= firstHandlerEnd - 29,
    `stamped ${firstHandlerEnd - secondAt} ms before the first handler ended`,
  );

  let splitAt = NaN;
  const split = answer((at) => (splitAt = at));
  pool.dispatch(undefined, split.handler);
  await split.settled;
  assert.ok(splitAt >= secondPartAt[0], 'timed from the read that brought its last byte');
  assert.ok(splitAt - secondPartAt[0] < 30, `${splitAt - secondPartAt[0]} ms after the last byte was written`);
});

test('requests dispatched while reads are handled go out at the end of the turn, timed from that write', async (t) => {
  // Two connections' responses arrive in one turn. Each handler busies 10 ms and dispatches its
  // lane's next request: both are held until every read of the turn was handled (no write
  // syscall between two reads of a burst), then written, each timed from that write.
  const url = await pairAnsweringServer(20);
  const pool = keepAlivePool(url, 2);
  t.after(() => pool.destroy());
  const log: string[] = [];
  let lastHandlerEnd = 0;
  const sentAt: number[] = [];
  let settle!: () => void;
  const allSent = new Promise<void>((r) => (settle = r));
  const next = (name: string) =>
    leanHandler({
      onSentAt: (at) => {
        log.push(`sent ${name}`);
        sentAt.push(at);
        if (sentAt.length === 2) settle();
      },
    });
  const first = (name: string) => ({
    ...next(name),
    onSentAt: (): void => assert.fail(`${name} was written when dispatched: not held`),
    onCompleteAt: (): void => {
      log.push(`done ${name}`);
      const until = performance.now() + 10;
      while (performance.now() < until); // a slow handler
      lastHandlerEnd = performance.now();
      pool.dispatch(undefined, next(`${name}'`));
    },
  });
  pool.dispatch(undefined, first('a'));
  pool.dispatch(undefined, first('b'));
  await allSent;
  assert.deepEqual(log, ['done a', 'done b', "sent a'", "sent b'"]);
  for (const at of sentAt) assert.ok(at >= lastHandlerEnd, 'timed from the write, after the handlers ran');
});

test("a turn's responses are all stamped before any of their handlers runs", async (t) => {
  // The server (in this process) writes both responses in one callback, so the client's next poll
  // finds both sockets readable: one turn, two reads. Each handler busies 10 ms (a slow recording
  // and dispatch); neither read may wait for the other's handler before taking its stamp.
  const url = await pairAnsweringServer(0);
  const pool = keepAlivePool(url, 2);
  t.after(() => pool.destroy());
  const seen: Array<{ stamp: number; ran: number }> = [];
  let settle!: () => void;
  const both = new Promise<void>((r) => (settle = r));
  const handler = () =>
    leanHandler({
      onCompleteAt: (stamp) => {
        const ran = performance.now();
        seen.push({ stamp, ran });
        while (performance.now() < ran + 10);
        if (seen.length === 2) settle();
      },
      onError: (err) => assert.fail(err),
    });
  pool.dispatch(undefined, handler());
  pool.dispatch(undefined, handler());
  await both;
  const firstRan = Math.min(seen[0].ran, seen[1].ran);
  for (const { stamp } of seen)
    assert.ok(stamp <= firstRan, `stamped ${(stamp - firstRan).toFixed(1)} ms after the first handler began`);
});

test('held requests on two sockets are each timed from their own write, not from the first', async (t) => {
  // As above, two responses in one turn and each handler's next request held; the first socket
  // written takes 15 ms to write (its write busies, as a loaded loopback write can). The request
  // held on the other socket is written after it, and its latency must not count that write.
  const url = await pairAnsweringServer(20);
  const pool = keepAlivePool(url, 2);
  t.after(() => pool.destroy());
  const sent: Array<{ name: string; at: number }> = [];
  const writes: Array<{ start: number; end: number }> = [];
  let settle!: () => void;
  const allSent = new Promise<void>((r) => (settle = r));
  /** The connection's socket write, spied on: it busies 15 ms and logs when it ran. */
  const slowWrites = (socket: net.Socket): void => {
    const write = (b: Buffer): boolean => net.Socket.prototype.write.call(socket, b);
    socket.write = (b: Buffer): boolean => {
      const start = performance.now();
      while (performance.now() < start + 15);
      const ok = write(b);
      writes.push({ start, end: performance.now() });
      return ok;
    };
  };
  const handler = (name: string, then?: () => void) =>
    leanHandler({
      onSentAt: (at) => {
        sent.push({ name, at });
        if (sent.length === 2) settle();
      },
      onCompleteAt: () => then?.(),
    });
  const first = (name: string) => {
    const h = handler(name, () => {
      slowWrites((h.leanConn as { socket: net.Socket }).socket);
      pool.dispatch(undefined, handler(`${name}'`));
    });
    return h;
  };
  pool.dispatch(undefined, first('a'));
  pool.dispatch(undefined, first('b'));
  await allSent;
  assert.equal(writes.length, 2);
  assert.ok(sent[0].at <= writes[0].start, 'the first held request is timed before its write');
  assert.ok(
    sent[1].at >= writes[0].end,
    `the second is timed after the first socket's write returned (${(writes[0].end - sent[1].at).toFixed(1)} ms before it)`,
  );
  assert.ok(sent[1].at <= writes[1].start, 'and before its own write');
});

test('a cancel heard in the same poll as a response counts that response as answered, not cancelled', async (t) => {
  // The server writes the response and then a byte on a side socket in one callback: the client's next poll
  // finds both readable, the response first (epoll's ready list is FIFO). The response completes during the
  // read and is delivered at the end of the turn; the side socket's handler cancels before that.
  const side = new net.Server();
  const sideUrl = new URL(await listen(side));
  const sideConn = new Promise<net.Socket>((r) => side.once('connection', r));
  const watcher = net.connect(Number(sideUrl.port), '127.0.0.1');
  t.after(() => watcher.destroy());
  const sideServer = await sideConn;
  const url = await listen(
    net.createServer((sock) => {
      sock.on('error', () => undefined);
      sock.once('data', () => {
        sock.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
        sideServer.write('x');
      });
    }),
  );
  const m = measure({ url, client: 'lean', concurrency: 1, requests: 1, warmup: 0 });
  watcher.once('data', () => m.cancel());
  const record = await m.done;
  assert.equal(record.status, 'cancelled');
  assert.equal(record.summary.cancelledInFlight, 0, 'the answered request was counted as cancelled in flight');
  assert.equal(record.summary.ok, 1);
});

test('the pool keeps no answered request reachable (its FIFO lets go of what it hands out)', async () => {
  // A closed loop as measure.ts drives it: each lane dispatches its next request from the previous
  // one's onCompleteAt, while every connection is busy, so each request passes through the FIFO.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const pool = keepAlivePool(nodeUrl, 2);
  const refs: Array<WeakRef<object>> = [];
  let failures = 0;
  await new Promise<void>((resolve) => {
    let left = 400;
    let active = 2;
    const lane = (): void => {
      if (left-- <= 0) {
        if (--active === 0) resolve();
        return;
      }
      const handler = leanHandler({
        onCompleteAt: lane,
        onError: () => {
          failures++;
          lane();
        },
      });
      refs.push(new WeakRef(handler));
      pool.dispatch(undefined, handler);
    };
    lane();
    lane();
  });
  await new Promise((r) => setImmediate(r));
  gc();
  await new Promise((r) => setImmediate(r));
  gc();
  const reachable = refs.filter((r) => r.deref() !== undefined).length;
  await pool.destroy();
  assert.equal(failures, 0);
  assert.ok(reachable <= 4, `${reachable} of 400 answered requests still reachable from a live pool`);
});

test('uvicorn and gunicorn (Debian, /usr/bin/python3)', async () => {
  const dir = path.join(__dirname, '../fixtures/servers');
  const start = async (args: (port: number) => string[], cwd: string): Promise<string> => {
    const port = await freePort();
    const child = spawn('/usr/bin/python3', args(port), { cwd, detached: true, stdio: 'ignore' });
    children.push(child);
    await waitPort(port, child);
    return `http://127.0.0.1:${port}`;
  };
  const [uv, gu] = await Promise.all([
    start(
      (p) => ['-m', 'uvicorn', '--host', '127.0.0.1', '--port', String(p), '--log-level', 'warning', 'load_hello:app'],
      path.join(__dirname, '../../bench'),
    ),
    start((p) => ['-m', 'gunicorn', '-w', '1', '-k', 'sync', '-b', `127.0.0.1:${p}`, 'seeds_flask:app'], dir),
  ]);
  const [lean, undici] = await both({ url: `${uv}/`, concurrency: 4, requests: 200 });
  assert.deepEqual(lean.statusCodes, { 200: 200 });
  assert.equal(lean.summary.bytes, undici.summary.bytes);
  const missing = await run({ url: `${uv}/nope`, requests: 20 });
  assert.deepEqual(missing.statusCodes, { 404: 20 });
  const p = await run({ url: `${uv}/`, concurrency: 2, requests: 200, pipelining: 5 });
  assert.equal(p.summary.ok, 200, JSON.stringify(p.errorSamples));
  // gunicorn's sync worker closes every connection (Connection: close).
  const [gl, gun] = await both({ url: `${gu}/ok`, concurrency: 2, requests: 10 });
  assert.deepEqual(gl.statusCodes, gun.statusCodes);
  assert.equal(gl.summary.bytes, gun.summary.bytes);
});

test('nginx (Debian nginx-light): keepalive_requests forces Connection: close mid-pipeline', async (t) => {
  if (!existsSync('/usr/sbin/nginx')) return t.skip('nginx not installed');
  const prefix = path.join(work, 'nginx');
  mkdirSync(path.join(prefix, 'tmp'), { recursive: true });
  const port = await freePort();
  const conf = readFileSync(path.join(__dirname, '../../bench/load-nginx.conf'), 'utf8')
    .replace('__PORT__', String(port))
    .replace('keepalive_requests 1000000;', 'keepalive_requests 7;');
  writeFileSync(path.join(prefix, 'nginx.conf'), conf);
  const child = spawn('/usr/sbin/nginx', ['-p', prefix, '-c', path.join(prefix, 'nginx.conf'), '-g', 'daemon off;'], {
    detached: true,
    stdio: 'ignore',
  });
  children.push(child);
  await waitPort(port, child);
  const url = `http://127.0.0.1:${port}/`;
  const [lean, undici] = await both({ url, concurrency: 4, requests: 500 });
  assert.deepEqual(lean.statusCodes, { 200: 500 }, JSON.stringify(lean.errorSamples));
  assert.equal(lean.summary.bytes, undici.summary.bytes);
  const p = await run({ url, concurrency: 3, requests: 600, pipelining: 10 });
  assert.deepEqual(p.statusCodes, { 200: 600 }, JSON.stringify(p.errorSamples));
  assert.equal(p.summary.bytes, 600 * 'hello, world\n'.length);
});

test('CLI flags: -p/--pipelining and --client reach the options; a bad client is a usage error', () => {
  const { options } = parseLoadArgs(['-p', '10', '--client', 'undici', 'http://127.0.0.1:1/']);
  assert.equal(options.pipelining, 10);
  assert.equal(options.client, 'undici');
  assert.equal(parseLoadArgs(['--pipelining', '3', 'http://127.0.0.1:1/']).options.pipelining, 3);
  assert.throws(() => parseLoadArgs(['--client', 'curl', 'http://127.0.0.1:1/']), /lean or undici/);
  assert.throws(
    () => startLoad({ url: 'https://127.0.0.1:1/', client: 'lean', concurrency: 1, requests: 1 }),
    /plain http/,
  );
});

test(
  'aborting by handler: a queued request fails alone, one not yet dispatched is never sent',
  { timeout: 10_000 }, // it waits for three outcomes: one lost must fail the test, not hang it
  async () => {
    // The pool keeps its per-request state on the handler (no closure per request), so abort(handler)
    // must find it wherever it is: on a socket, in the FIFO, or not dispatched yet.
    let received = 0;
    const url = await listen(
      http.createServer((_req, res) => {
        received++;
        setTimeout(() => res.end('ok'), 50);
      }),
    );
    const pool = keepAlivePool(url, 1);
    const outcome: string[] = [];
    const handler = (name: string) =>
      leanHandler({
        onCompleteAt: () => void outcome.push(`${name} ok`),
        onError: (err) => void outcome.push(`${name} ${err.message}`),
      });
    const first = handler('first');
    const queued = handler('queued');
    const never = handler('never');
    pool.dispatch(undefined, first);
    pool.dispatch(undefined, queued); // one connection, busy: waits in the FIFO
    pool.abort(queued, new Error('aborted in the queue'));
    pool.abort(never, new Error('aborted before dispatch'));
    pool.dispatch(undefined, never);
    await new Promise<void>((resolve) => {
      const wait = (): void => void (outcome.length >= 3 ? resolve() : setTimeout(wait, 10));
      wait();
    });
    await new Promise((r) => setTimeout(r, 100)); // anything sent by mistake would reach the server by now
    await pool.destroy();
    assert.deepEqual(outcome, ['queued aborted in the queue', 'never aborted before dispatch', 'first ok']);
    assert.equal(received, 1, 'only the first request reached the server');
  },
);
