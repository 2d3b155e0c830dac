// Minimal HTTP/1.x response framing for the lean client (lean.ts). Pure: bytes in, events out,
// no sockets. It finds where each response ends and counts its body; it does not keep headers.
// Handles: status line (HTTP/1.0 and 1.1), 1xx interim responses (skipped), Content-Length,
// chunked (extensions and trailers skipped), close-delimited bodies, Connection: close /
// keep-alive, and no body for HEAD, 204 and 304. Anything else is a protocol error.

export interface ResponseEvents {
  /** A final (non-1xx) status line and its headers were read. */
  onStatus(status: number): void;
  /** Body bytes chunk[start, end) (decoded: chunk framing excluded). */
  onBody(chunk: Buffer, start: number, end: number): void;
  /** The response ended; `keepAlive` false means the connection cannot carry another one. */
  onComplete(keepAlive: boolean): void;
}

/** The response is not HTTP/1.x as we can frame it. Classified as 'other', its message kept. */
export class HttpParseError extends Error {
  readonly code = 'EP_HTTP_PARSE';
  constructor(why: string) {
    super(`Response does not match the HTTP/1.1 protocol (${why})`);
    this.name = 'HttpParseError';
  }
}

/** Largest status line + headers accepted (as undici's default maxHeaderSize, 16 KiB ×4). */
export const MAX_HEAD_BYTES = 64 * 1024;
const MAX_LINE_BYTES = 4 * 1024; // a chunk-size line or a trailer line

const enum State {
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  UntilClose,
  Done, // after a response that closes the connection, or after an error
}

const CR = 13;
const LF = 10;
const COLON = 58;
const COMMA = 44;
/** "HTTP/": what a response's first bytes must be. */
const HTTP_SLASH = [72, 84, 84, 80, 47];
/** Whether the head starting at b[start] is HTTP/1.0 (its status line was checked). */
const b8 = (b: Uint8Array, start: number): boolean => b[start + 7] === 48;

/**
 * The status of "HTTP/1.x NNN[ reason]", the bytes b[at, lineEnd), read by byte (no string, no
 * regular-expression match array per response); -1 when the line is not one.
 */
function statusOf(b: Uint8Array, at: number, lineEnd: number): number {
  const minor = b[at + 7];
  if (
    lineEnd - at < 12 ||
    b[at] !== 72 || // H
    b[at + 1] !== 84 || // T
    b[at + 2] !== 84 || // T
    b[at + 3] !== 80 || // P
    b[at + 4] !== 47 || // /
    b[at + 5] !== 49 || // 1
    b[at + 6] !== 46 || // .
    (minor !== 48 && minor !== 49) ||
    b[at + 8] !== 32 ||
    !isStatusDigits(b, at + 9) ||
    (lineEnd - at > 12 && b[at + 12] !== 32) ||
    hasCrOrLf(b, at + 12, lineEnd)
  )
    return -1;
  return (b[at + 9] - 48) * 100 + (b[at + 10] - 48) * 10 + (b[at + 11] - 48);
}

const hasCrOrLf = (b: Uint8Array, from: number, to: number): boolean => {
  for (let i = from; i < to; i++) {
    const c = b[i];
    if (c === CR || c === LF) return true;
  }
  return false;
};

/** Three digits at `at`, the first 1-9 (a status code). */
const isStatusDigits = (b: Uint8Array, at: number): boolean => {
  const x = b[at];
  const y = b[at + 1];
  const z = b[at + 2];
  return x >= 49 && x <= 57 && y >= 48 && y <= 57 && z >= 48 && z <= 57;
};
/** What String.prototype.trim strips that can appear in a latin1 head: whitespace, CR and LF, NBSP. */
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13) || c === 160;

/** Whether b[from, to) is `lower` (lower-case ASCII) in any ASCII case: toLowerCase without a string. */
function isNamed(b: Uint8Array, from: number, to: number, lower: string): boolean {
  if (to - from !== lower.length) return false;
  for (let k = 0; k < lower.length; k++) {
    let c = b[from + k];
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(k)) return false;
  }
  return true;
}

/** Where b[from, to) starts, and ends, without what trim() strips (two numbers, not a tuple per call). */
function trimStart(b: Uint8Array, from: number, to: number): number {
  while (from < to && isSpace(b[from])) from++;
  return from;
}
function trimEnd(b: Uint8Array, from: number, to: number): number {
  while (to > from && isSpace(b[to - 1])) to--;
  return to;
}

/** A Content-Length value b[from, to) (already trimmed): its number, or -1 unless it is all digits. */
function decimalOf(b: Buffer, from: number, to: number): number {
  if (from === to) return -1;
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = b[i];
    if (c < 48 || c > 57) return -1;
    v = v * 10 + (c - 48);
  }
  // Past 2^53 the running sum rounds differently from Number(): parse those as Number did.
  return to - from > 15 ? Number(b.toString('latin1', from, to)) : v;
}

/** Connection tokens seen in a head: `close` and `keep-alive`, any case, around commas and spaces. */
const CLOSE = 1;
const KEEP_ALIVE = 2;
function connectionTokens(b: Uint8Array, from: number, to: number): number {
  let seen = 0;
  for (let at = from; at <= to;) {
    let comma = at;
    while (comma < to && b[comma] !== COMMA) comma++;
    const x = trimStart(b, at, comma);
    const y = trimEnd(b, x, comma);
    if (isNamed(b, x, y, 'close')) seen |= CLOSE;
    else if (isNamed(b, x, y, 'keep-alive')) seen |= KEEP_ALIVE;
    at = comma + 1;
  }
  return seen;
}

export class ResponseParser {
  private state = State.Head;
  /** Bytes of a head or line split across chunks. */
  private pending: Buffer | undefined;
  private remaining = 0;
  private keepAlive = true;
  private error: HttpParseError | undefined;
  // A head being read: its lines are read as they complete, into these fields, so a head split
  // across reads is read once (offsets count from the head's first byte, kept in `pending`).
  /** Where the next line of the head starts. */
  private lineAt = 0;
  private status = 0;
  private length = -1;
  private chunked = false;
  private connection = 0;
  /** The head's first fault, thrown once the whole head is in (as when heads were read whole). */
  private fault: string | undefined;

  /** `head`: the requests are HEAD, so no response has a body whatever its headers say. */
  constructor(
    private readonly events: ResponseEvents,
    private readonly head = false,
  ) {}

  /** True between a status line and the end of its response. */
  get inResponse(): boolean {
    return this.state !== State.Head && this.state !== State.Done;
  }

  /** True when bytes of a response were received but it is not complete. */
  get partial(): boolean {
    return this.inResponse || (this.state === State.Head && this.pending !== undefined);
  }

  /**
   * Feeds bytes chunk[0, end) (`end` lets a caller pass a shared read buffer as is, with no view
   * made per read); throws HttpParseError on a malformed response (the parser is then done).
   */
  execute(chunk: Buffer, end = chunk.length): void {
    if (this.error) throw this.error;
    try {
      this.run(chunk, end);
    } catch (e) {
      if (e instanceof HttpParseError) {
        this.error = e;
        this.state = State.Done;
      }
      throw e;
    }
  }

  /**
   * The connection ended. Completes a close-delimited body; throws when a response was cut short.
   * Returns whether a response was completed by the close.
   */
  finish(): boolean {
    if (this.state === State.UntilClose) {
      this.state = State.Done;
      this.events.onComplete(false);
      return true;
    }
    if (this.partial) {
      this.state = State.Done;
      throw new HttpParseError('connection closed before the response ended');
    }
    return false;
  }

  /** Stops reading (the owner closed the connection). */
  stop(): void {
    this.state = State.Done;
    this.pending = undefined;
  }

  private run(chunk: Buffer, n: number): void {
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case State.Head:
          i = this.readHead(chunk, i, n);
          break;
        case State.Length: {
          const take = Math.min(this.remaining, n - i);
          this.events.onBody(chunk, i, i + take);
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.complete();
          break;
        }
        case State.ChunkSize:
          i = this.readChunkSize(chunk, i, n);
          break;
        case State.ChunkData: {
          const take = Math.min(this.remaining, n - i);
          this.events.onBody(chunk, i, i + take);
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            this.state = State.ChunkDataEnd;
            this.remaining = 2;
          }
          break;
        }
        case State.ChunkDataEnd: {
          // The CRLF after a chunk's data: remaining is 2 (expect CR) or 1 (expect LF).
          const want = this.remaining === 2 ? CR : LF;
          if (chunk[i] !== want) throw new HttpParseError('missing CRLF after chunk data');
          i++;
          if (--this.remaining === 0) this.state = State.ChunkSize;
          break;
        }
        case State.Trailers:
          i = this.readTrailers(chunk, i, n);
          break;
        case State.UntilClose:
          this.events.onBody(chunk, i, n);
          i = n;
          break;
        case State.Done:
          if (this.error) throw this.error;
          // Bytes after a response that closes the connection: ignored, as browsers do.
          return;
      }
    }
  }

  /** One CRLF-terminated line starting at `i`, joined with pending bytes; undefined if incomplete. */
  private line(chunk: Buffer, i: number, n: number): { text: string; next: number } | undefined {
    const lf = chunk.indexOf(LF, i);
    if (lf < 0 || lf >= n) {
      const rest = chunk.subarray(i, n);
      this.pending = this.pending ? Buffer.concat([this.pending, rest]) : Buffer.from(rest);
      if (this.pending.length > MAX_LINE_BYTES) throw new HttpParseError('line too long');
      return undefined;
    }
    let text = chunk.toString('latin1', i, lf);
    if (this.pending) {
      text = this.pending.toString('latin1') + text;
      this.pending = undefined;
    }
    if (text.length > MAX_LINE_BYTES) throw new HttpParseError('line too long');
    if (!text.endsWith('\r')) throw new HttpParseError('line not ended by CRLF');
    return { text: text.slice(0, -1), next: lf + 1 };
  }

  /** The head starting at chunk[i] (or in `pending` before it); chunk[n] on are not this read's bytes. */
  private readHead(chunk: Buffer, i: number, n: number): number {
    let buf = chunk;
    let start = i;
    let bufEnd = n;
    const pending = this.pending;
    if (pending) {
      // The head's end may straddle the boundary: read on in the joined bytes.
      buf = Buffer.concat([pending, chunk.subarray(i, n)]);
      start = 0;
      bufEnd = buf.length;
    } else this.newHead();
    const end = this.readLines(buf, start, bufEnd);
    if (end < 0) {
      if (bufEnd - start > MAX_HEAD_BYTES) throw new HttpParseError('headers too large');
      // An early look at the first bytes: refuse non-HTTP at once rather than waiting for CRLFCRLF.
      for (let k = 0; k < 5 && start + k < bufEnd; k++)
        if (buf[start + k] !== HTTP_SLASH[k]) throw new HttpParseError('invalid status line');
      this.pending = buf === chunk ? Buffer.from(chunk.subarray(i, n)) : buf;
      return n;
    }
    if (end - start > MAX_HEAD_BYTES) throw new HttpParseError('headers too large');
    const consumedOfBuf = end + 4;
    const next = pending ? i + (consumedOfBuf - pending.length) : consumedOfBuf;
    this.pending = undefined;
    if (this.fault) throw new HttpParseError(this.fault);
    this.headRead(this.status, b8(buf, start));
    return next;
  }

  private newHead(): void {
    this.lineAt = 0;
    this.status = 0;
    this.length = -1;
    this.chunked = false;
    this.connection = 0;
    this.fault = undefined;
  }

  /**
   * Reads the head's complete lines from `lineAt` on (b[start] is the head's first byte); returns
   * where its CRLFCRLF starts, or -1 when it is not in `b` yet. Lines end at CRLF only (a lone CR
   * or LF belongs to its line); each line's end is found by Buffer#indexOf (memchr), so only
   * header names are read byte by byte in JS.
   */
  private readLines(b: Buffer, start: number, end: number): number {
    for (;;) {
      const at = start + this.lineAt;
      let lf = b.indexOf(LF, at + 1);
      while (lf >= 0 && lf < end && b[lf - 1] !== CR) lf = b.indexOf(LF, lf + 1);
      if (lf < 0 || lf >= end) return -1;
      const lineEnd = lf - 1;
      // A blank line ends the head: CRLFCRLF starts at at - 2. (A blank first line is an empty
      // status line, a fault; a blank line after it ends an empty head, as CRLFCRLF at the start.)
      if (lineEnd === at && at > start) return at - 2;
      if (!this.fault) this.readLine(b, at, lineEnd, at === start);
      this.lineAt = lf + 1 - start;
    }
  }

  /** One line of a head, b[at, lineEnd) without its CRLF; records the head's first fault. */
  private readLine(b: Buffer, at: number, lineEnd: number, statusLine: boolean): void {
    if (statusLine) {
      this.status = statusOf(b, at, lineEnd);
      if (this.status < 0) this.fault = 'invalid status line';
      return;
    }
    let colon = at;
    while (colon < lineEnd && b[colon] !== COLON) colon++;
    if (colon === at || colon === lineEnd) {
      this.fault = 'invalid header line';
      return;
    }
    // No whitespace around the name (RFC 9112 §5.1; request smuggling otherwise).
    if (isSpace(b[at]) || isSpace(b[colon - 1])) {
      this.fault = 'invalid header name';
      return;
    }
    // Only three headers matter for framing; their names and values are read by byte, with no
    // string made. The name's length rules out most headers before any byte is compared.
    const nameLength = colon - at;
    if (nameLength === 14 && isNamed(b, at, colon, 'content-length')) {
      const from = trimStart(b, colon + 1, lineEnd);
      const v = decimalOf(b, from, trimEnd(b, from, lineEnd));
      if (v < 0) this.fault = 'invalid content-length';
      else if (this.length >= 0 && v !== this.length) this.fault = 'conflicting content-length';
      else this.length = v;
    } else if (nameLength === 10 && isNamed(b, at, colon, 'connection'))
      this.connection |= connectionTokens(b, colon + 1, lineEnd);
    else if (nameLength === 17 && isNamed(b, at, colon, 'transfer-encoding')) {
      const codings = b
        .toString('latin1', colon + 1, lineEnd)
        .trim()
        .toLowerCase()
        .split(',');
      this.chunked = codings[codings.length - 1].trim() === 'chunked';
    }
  }

  /** A whole head was read without fault: its status and framing decide what follows. */
  private headRead(status: number, http10: boolean): void {
    const { length, chunked, connection } = this;
    if (status < 200) {
      if (status === 101) throw new HttpParseError('unexpected 101 Switching Protocols');
      return; // interim response (100 Continue, 103 Early Hints): the final one follows
    }
    this.keepAlive = http10 ? (connection & KEEP_ALIVE) !== 0 : (connection & CLOSE) === 0;
    this.events.onStatus(status);
    if (this.head || status === 204 || status === 304) this.complete();
    else if (chunked) this.state = State.ChunkSize;
    else if (length >= 0) {
      this.remaining = length;
      if (length === 0) this.complete();
      else this.state = State.Length;
    } else {
      // Neither: the body runs until the server closes the connection.
      this.keepAlive = false;
      this.state = State.UntilClose;
    }
  }

  private readChunkSize(chunk: Buffer, i: number, n: number): number {
    const l = this.line(chunk, i, n);
    if (!l) return n;
    const semi = l.text.indexOf(';');
    const hex = (semi < 0 ? l.text : l.text.slice(0, semi)).trim();
    if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw new HttpParseError('invalid chunk size');
    const size = parseInt(hex, 16);
    if (size === 0) this.state = State.Trailers;
    else {
      this.remaining = size;
      this.state = State.ChunkData;
    }
    return l.next;
  }

  private readTrailers(chunk: Buffer, i: number, n: number): number {
    const l = this.line(chunk, i, n);
    if (!l) return n;
    if (l.text === '') this.complete();
    else if (l.text.indexOf(':') <= 0) throw new HttpParseError('invalid trailer line');
    return l.next;
  }

  private complete(): void {
    const keepAlive = this.keepAlive;
    this.state = keepAlive ? State.Head : State.Done;
    this.keepAlive = true;
    this.events.onComplete(keepAlive);
  }
}
