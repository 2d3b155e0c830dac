// The lean HTTP/1.1 client for http: targets: raw `net` sockets, one prebuilt request buffer for
// every request, response framing by http1.ts. Nearly the contract of the undici Pool it replaces
// in measure.ts: dispatch(handler) with onHeaders / onBytes / onCompleteAt / onSentAt / onError, and
// abort(handler) where undici hands each request an abort closure: the pool keeps its per-request
// state on the handler itself (leanConn, leanDone), so a request costs no object or closure here.
// Up to `connections` sockets, each carrying up to `pipelining` requests in flight; requests
// beyond that wait in a FIFO. A read only stamps and frames: the responses it completes reach
// their handlers (onCompleteAt: the caller records and dispatches its lane's next request) at the
// end of the loop turn (one setImmediate), after every read of the turn, and the requests they
// dispatch go out then, as one write of n copies per socket, each timed from its own write
// (onSentAt), as wrk does. So a burst's tenth response is stamped after nine reads' framing, not
// nine recordings, dispatches and write syscalls (on loopback a write runs the server's TCP
// receive path, ~30-60 µs).
// Reads land in one buffer per pool (net's `onread`): no Buffer, stream push or 'data' event per
// read, which were most of the per-response garbage; the parser copies what it keeps.
// A response's completion time is when the read holding its last bytes began to be handled, taken
// before any parsing: at c=1 the framing and the caller's bookkeeping ran ~50 µs (cold code: a 10 ms
// server gives V8 ~100 requests a second to optimise on) inside every latency, and at c=10 a
// burst's later responses waited for the earlier ones' parsing before being stamped.
// It opens c connections within ~1.5 ms (undici's first request led the rest by 0.7-11 ms): a
// server that reads the whole burst in one loop turn (uvicorn under uvloop flushes writes once per
// turn) answers a run of blocking requests together; load-seeds.test.ts's staircase depends on it,
// with either client (see the commit that made this client the default).
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import { HttpParseError, ResponseParser } from './http1';
import { Ring } from './ring';

export interface LeanHandler {
  onHeaders(status: number): boolean;
  /** Body bytes received (counted, never kept). */
  onBytes(n: number): void;
  /**
   * The response ended. `arrivedMs` (performance.now() time): when the read holding its last
   * bytes began to be handled (or the close that ended a close-delimited body), before parsing.
   */
  onCompleteAt(arrivedMs: number): void;
  /**
   * The request, held while reads were handled, was written at `sentMs` (performance.now() time):
   * its latency counts from there. Not called for one written when dispatched or once connected.
   */
  onSentAt(sentMs: number): void;
  onError(err: Error): void;
  /** The pool's: the connection the request was written on; undefined while queued (start undefined). */
  leanConn: object | undefined;
  /** The pool's: answered, failed or aborted (start false). */
  leanDone: boolean;
}

export interface LeanPoolOptions {
  host: string;
  port: number;
  connections: number;
  pipelining: number;
  keepAlive: boolean;
  /** The whole request (head and body), sent as is for every request. */
  request: Buffer;
  /** HEAD requests: responses have no body. */
  head: boolean;
}

/** The server closed the connection while a request was waiting for its response. Classified 'reset'. */
export class SocketClosedError extends Error {
  readonly code = 'EP_SOCKET_CLOSED';
  constructor(detail = 'other side closed') {
    super(detail);
    this.name = 'SocketClosedError';
  }
}

/** A request as the pool sees it: its handler, with the pool's fields on it. */
type Req = LeanHandler & { leanConn: Conn | undefined };

/** Builds the request bytes: the same headers undici would send (host, connection, content-length). */
export function buildRequest(
  method: string,
  pathQuery: string,
  host: string,
  headers: Record<string, string>,
  body: string | Uint8Array | undefined,
  keepAlive: boolean,
): Buffer {
  const lower = new Set(Object.keys(headers).map((k) => k.toLowerCase()));
  const bodyBuf = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
  let head = `${method} ${pathQuery} HTTP/1.1\r\n`;
  if (!lower.has('host')) head += `host: ${host}\r\n`;
  if (!lower.has('connection')) head += `connection: ${keepAlive ? 'keep-alive' : 'close'}\r\n`;
  for (const [k, v] of Object.entries(headers)) {
    const kl = k.toLowerCase();
    if (kl === 'content-length' || kl === 'transfer-encoding') continue;
    head += `${k}: ${v}\r\n`;
  }
  if (bodyBuf) head += `content-length: ${bodyBuf.length}\r\n`;
  else if (method === 'POST' || method === 'PUT' || method === 'PATCH') head += 'content-length: 0\r\n';
  head += '\r\n';
  const headBuf = Buffer.from(head, 'latin1');
  return bodyBuf ? Buffer.concat([headBuf, bodyBuf]) : headBuf;
}

/** Bytes of one read: shared by a pool's sockets (their callbacks never nest). */
const READ_BUFFER_BYTES = 64 * 1024;

class Conn {
  readonly socket: net.Socket;
  readonly parser: ResponseParser;
  /** Requests written, oldest first; responses answer them in order. */
  readonly inflight: Ring<Req>;
  connected = false;
  dead = false;
  /** Set when the server said Connection: close (or a close-delimited body): no new requests. */
  draining = false;
  inFree = false;
  /** Requests assigned before 'connect': written together once connected. */
  private unsent = 0;
  /** Requests assigned while reads were handled: written at the end of the loop turn. */
  private held = 0;
  /** When the read being handled (or the close) began: every response it completes arrived by then. */
  private arrivedMs = 0;
  private error: Error | undefined;

  constructor(private readonly pool: LeanPool) {
    const o = pool.options;
    this.inflight = new Ring<Req>(o.pipelining);
    this.socket = net.connect({
      host: o.host,
      port: o.port,
      noDelay: true,
      onread: { buffer: pool.readBuffer, callback: (n) => this.data(n) },
    });
    this.parser = new ResponseParser(
      {
        onStatus: (status) => {
          this.inflight.peek()?.onHeaders(status);
        },
        onBody: (_chunk, start, end) => {
          this.inflight.peek()?.onBytes(end - start);
        },
        onComplete: (keepAlive) => this.completed(keepAlive),
      },
      o.head,
    );
    this.socket.on('connect', () => {
      this.connected = true;
      // Requests dispatched while connecting go out now, together (as wrk and hey: after the
      // handshake, not queued into it, which changed how a server's loop saw a burst of new connections).
      this.flush();
    });
    this.socket.on('error', (err) => {
      this.error ??= err;
    });
    this.socket.on('close', () => this.closed());
  }

  write(r: Req): void {
    r.leanConn = this;
    this.inflight.push(r);
    if (!this.connected) this.unsent++;
    else if (this.pool.handling) {
      if (this.held++ === 0) this.pool.hold(this);
    } else this.socket.write(this.pool.options.request);
  }

  /** End of the loop turn: the requests held while reads were handled go out as one write, timed `nowMs`. */
  writeHeld(nowMs: number): void {
    const n = this.held;
    this.held = 0;
    if (n === 0 || this.dead) return; // dead: retire/fail/abort took them already
    // The held requests are the newest in flight: no response to them can have arrived.
    for (let k = this.inflight.length - n; k < this.inflight.length; k++) this.inflight.at(k)?.onSentAt(nowMs);
    this.socket.write(this.pool.requestTimes(n));
  }

  /** The requests assigned while connecting, as one write. */
  private flush(): void {
    const n = this.unsent;
    this.unsent = 0;
    if (n > 0 && !this.dead) this.socket.write(this.pool.requestTimes(n));
  }

  /** `n` bytes arrived in the pool's shared read buffer (valid only during this call). Always keeps reading. */
  private data(n: number): boolean {
    if (this.dead) return true;
    this.arrivedMs = performance.now();
    this.pool.handling = true;
    try {
      this.parser.execute(this.pool.readBuffer, n);
    } catch (e) {
      this.fail(e instanceof HttpParseError ? e : (e as Error));
    } finally {
      this.pool.handling = false;
    }
    return true;
  }

  private completed(keepAlive: boolean): void {
    const r = this.inflight.shift();
    if (!keepAlive || !this.pool.options.keepAlive) {
      // No more responses on this socket: the requests written after this one go out again elsewhere.
      this.draining = true;
      this.retire();
    }
    if (r && !r.leanDone) {
      r.leanDone = true;
      this.pool.complete(r, this.arrivedMs);
    }
    if (!this.dead) this.pool.released(this);
  }

  /** Close this connection without failing anything; unanswered pipelined requests are sent again. */
  private retire(): void {
    if (this.dead) return;
    this.dead = true;
    this.parser.stop();
    const rest = this.inflight.takeAll(); // the answered request was shifted off already
    this.socket.destroy();
    this.pool.removed(this);
    for (const r of rest) this.pool.requeue(r);
  }

  /** A protocol error or socket failure: every request on this connection fails with it. */
  fail(err: Error): void {
    if (this.dead) return;
    this.dead = true;
    this.parser.stop();
    const all = this.inflight.takeAll();
    this.socket.destroy();
    this.pool.removed(this);
    for (const r of all) this.pool.fail(r, err);
  }

  /** One request was aborted (deadline or cancel): close the socket; the others on it go out again. */
  abort(victim: Req, err: Error): void {
    if (this.dead) return;
    this.dead = true;
    this.parser.stop();
    const rest = this.inflight.takeAll().filter((r) => r !== victim);
    this.socket.destroy();
    this.pool.removed(this);
    this.pool.fail(victim, err);
    for (const r of rest) this.pool.requeue(r);
  }

  private closed(): void {
    if (this.dead) return;
    this.arrivedMs = performance.now();
    try {
      if (this.parser.finish()) {
        // A close-delimited body ended: completed() retired the connection.
        return;
      }
    } catch {
      // Cut short mid-response: a reset (as undici's 'other side closed'), not a protocol error.
      this.fail(this.error ?? new SocketClosedError('other side closed before the response ended'));
      return;
    }
    if (this.inflight.length === 0) {
      // An idle keep-alive connection closed by the server: nothing lost.
      this.dead = true;
      this.pool.removed(this);
      return;
    }
    this.fail(this.error ?? new SocketClosedError());
  }
}

export class LeanPool {
  private readonly conns = new Set<Conn>();
  /** Connections that can take another request now (fewer than `pipelining` in flight). */
  private readonly free: Conn[] = [];
  private queue: Array<Req | undefined> = [];
  private queueHead = 0;
  private destroyed: Error | undefined;
  readonly readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  /** Set while a socket's read is being handled: requests dispatched meanwhile are held (Conn.write). */
  handling = false;
  /** Connections holding requests until the end of this loop turn. */
  private readonly holding: Conn[] = [];
  /**
   * Responses completed while reads were handled, and when each arrived: delivered at the end of
   * the turn. Slots are reused (`doneCount`), not emptied: `length = 0` let go of the stores.
   */
  private readonly done: Array<Req | undefined> = [];
  private readonly doneAt: number[] = [];
  private doneCount = 0;
  /** The end-of-turn callback is queued (setImmediate). */
  private turnQueued = false;
  /** `request` repeated 1..pipelining times: the bytes of one flush, built once. */
  private readonly repeated: Buffer[] = [];

  constructor(readonly options: LeanPoolOptions) {}

  /** `c` holds requests: they are written once this turn's reads are handled (setImmediate runs after I/O). */
  hold(c: Conn): void {
    this.holding.push(c);
    this.queueTurnEnd();
  }

  /** `r`'s response ended at `arrivedMs`: its handler hears it now, or at the end of the turn while reads are handled. */
  complete(r: Req, arrivedMs: number): void {
    if (!this.handling) {
      r.onCompleteAt(arrivedMs);
      return;
    }
    this.done[this.doneCount] = r;
    this.doneAt[this.doneCount++] = arrivedMs;
    this.queueTurnEnd();
  }

  private queueTurnEnd(): void {
    if (!this.turnQueued) {
      this.turnQueued = true;
      setImmediate(this.endTurn);
    }
  }

  /**
   * After a turn's reads: the handlers of the responses they completed, in order (recording, and
   * dispatching their lanes' next requests, which are held), then one write per holding socket.
   */
  private readonly endTurn = (): void => {
    this.handling = true;
    for (let i = 0; i < this.doneCount; i++) {
      const r = this.done[i] as Req;
      this.done[i] = undefined; // an answered request is not kept alive
      try {
        r.onCompleteAt(this.doneAt[i]);
      } catch (e) {
        queueMicrotask(() => {
          throw e; // a handler's own failure stays loud, and the others still hear theirs
        });
      }
    }
    this.doneCount = 0;
    this.handling = false;
    this.turnQueued = false;
    // A clock read per socket, just before its write (as wrk starts each connection's clock): a
    // write syscall on loopback runs the server's TCP receive, ~30-60 µs, so one reading for the
    // whole turn counted the earlier sockets' writes into a later socket's latency (the tenth of
    // a c=10 burst ~0.3-0.5 ms).
    for (let i = 0; i < this.holding.length; i++) this.holding[i].writeHeld(performance.now());
    this.holding.length = 0;
  };

  requestTimes(n: number): Buffer {
    if (n === 1) return this.options.request;
    if (n > this.options.pipelining) return Buffer.concat(Array<Buffer>(n).fill(this.options.request));
    return (this.repeated[n] ??= Buffer.concat(Array<Buffer>(n).fill(this.options.request)));
  }

  /**
   * Same call shape as undici's Pool.dispatch; the options are fixed at construction (`request`).
   * A handler aborted already (leanDone) is not sent.
   */
  dispatch(_options: unknown, handler: LeanHandler): boolean {
    const r = handler as Req;
    if (r.leanDone) return true;
    r.leanConn = undefined;
    if (this.destroyed) this.fail(r, this.destroyed);
    else this.send(r);
    return true;
  }

  private send(r: Req): void {
    let c = this.free.pop();
    while (c && (c.dead || c.draining)) c = this.free.pop();
    if (c) {
      c.inFree = false;
      c.write(r);
      if (c.inflight.length < this.options.pipelining) this.markFree(c);
      return;
    }
    if (this.conns.size < this.options.connections) {
      const n = new Conn(this);
      this.conns.add(n);
      n.write(r); // queued by the socket until it connects
      if (this.options.pipelining > 1) this.markFree(n);
      return;
    }
    this.queue.push(r);
  }

  private markFree(c: Conn): void {
    if (!c.inFree && !c.dead && !c.draining) {
      c.inFree = true;
      this.free.push(c);
    }
  }

  private nextQueued(): Req | undefined {
    while (this.queueHead < this.queue.length) {
      const r = this.queue[this.queueHead] as Req;
      // Dropped as taken: a closed loop's next request passes through here every time, and a slot
      // kept until the next compaction held ~1,000 answered requests (and their handlers) through
      // every scavenge, into old space.
      this.queue[this.queueHead++] = undefined;
      if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.queueHead);
        this.queueHead = 0;
      }
      if (!r.leanDone) return r;
    }
    return undefined;
  }

  /** A response completed on `c`: it takes a queued request, or waits as free. */
  released(c: Conn): void {
    const r = this.nextQueued();
    if (r) {
      c.write(r);
      if (c.inflight.length < this.options.pipelining) this.markFree(c);
    } else this.markFree(c);
  }

  /** `c` is gone: a queued request may now open a connection in its place. */
  removed(c: Conn): void {
    this.conns.delete(c);
    if (this.destroyed) return;
    const r = this.nextQueued();
    if (r) this.send(r);
  }

  requeue(r: Req): void {
    if (r.leanDone) return;
    r.leanConn = undefined;
    if (this.destroyed) this.fail(r, this.destroyed);
    else this.send(r);
  }

  fail(r: Req, err: Error): void {
    if (r.leanDone) return;
    r.leanDone = true;
    r.onError(err);
  }

  /** Aborts one request (deadline or cancel): it fails with `err`; its connection is closed. */
  abort(handler: LeanHandler, err: Error): void {
    const r = handler as Req;
    if (r.leanDone) return;
    if (r.leanConn && !r.leanConn.dead) r.leanConn.abort(r, err);
    else this.fail(r, err); // still queued, or not dispatched yet: skipped when its turn comes
  }

  /** Closes every socket; requests in flight or queued fail with `err`. */
  destroy(err?: Error): Promise<void> {
    const reason = err ?? new SocketClosedError('pool destroyed');
    this.destroyed = reason;
    for (const c of [...this.conns]) c.fail(reason);
    for (let r = this.nextQueued(); r; r = this.nextQueued()) this.fail(r, reason);
    return Promise.resolve();
  }
}
