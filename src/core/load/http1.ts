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
/**
 * The status of "HTTP/1.x NNN[ reason]" (the head's first `lineEnd` characters), read by
 * character codes: no regular-expression match array per response.
 */
function statusOf(head: string, lineEnd: number): number {
  const minor = head.charCodeAt(7);
  if (
    !head.startsWith('HTTP/1.') ||
    (minor !== 48 && minor !== 49) ||
    head.charCodeAt(8) !== 32 ||
    !isStatusDigits(head, 9) ||
    lineEnd < 12 ||
    (lineEnd > 12 && head.charCodeAt(12) !== 32) ||
    hasCrOrLf(head, 12, lineEnd)
  )
    throw new HttpParseError('invalid status line');
  return (head.charCodeAt(9) - 48) * 100 + (head.charCodeAt(10) - 48) * 10 + (head.charCodeAt(11) - 48);
}

const hasCrOrLf = (s: string, from: number, to: number): boolean => {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === CR || c === LF) return true;
  }
  return false;
};

/** Three digits at `at`, the first 1-9 (a status code). */
const isStatusDigits = (s: string, at: number): boolean => {
  const a = s.charCodeAt(at);
  const b = s.charCodeAt(at + 1);
  const c = s.charCodeAt(at + 2);
  return a >= 49 && a <= 57 && b >= 48 && b <= 57 && c >= 48 && c <= 57;
};
/** What String.prototype.trim strips that can appear in a latin1 head: whitespace, CR and LF, NBSP. */
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13) || c === 160;

/** Whether s[from, to) is `lower` (lower-case ASCII) in any ASCII case: toLowerCase without a string. */
function isNamed(s: string, from: number, to: number, lower: string): boolean {
  if (to - from !== lower.length) return false;
  for (let k = 0; k < lower.length; k++) {
    let c = s.charCodeAt(from + k);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(k)) return false;
  }
  return true;
}

/** Where s[from, to) starts, and ends, without what trim() strips (two numbers, not a tuple per call). */
function trimStart(s: string, from: number, to: number): number {
  while (from < to && isSpace(s.charCodeAt(from))) from++;
  return from;
}
function trimEnd(s: string, from: number, to: number): number {
  while (to > from && isSpace(s.charCodeAt(to - 1))) to--;
  return to;
}

/** A Content-Length value s[from, to) (already trimmed): its number, or -1 unless it is all digits. */
function decimalOf(s: string, from: number, to: number): number {
  if (from === to) return -1;
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    v = v * 10 + (c - 48);
  }
  // Past 2^53 the running sum rounds differently from Number(): parse those as Number did.
  return to - from > 15 ? Number(s.slice(from, to)) : v;
}

/** Connection tokens seen in a head: `close` and `keep-alive`, any case, around commas and spaces. */
const CLOSE = 1;
const KEEP_ALIVE = 2;
function connectionTokens(s: string, from: number, to: number): number {
  let seen = 0;
  for (let at = from; at <= to;) {
    let comma = s.indexOf(',', at);
    if (comma < 0 || comma > to) comma = to;
    const a = trimStart(s, at, comma);
    const b = trimEnd(s, a, comma);
    if (isNamed(s, a, b, 'close')) seen |= CLOSE;
    else if (isNamed(s, a, b, 'keep-alive')) seen |= KEEP_ALIVE;
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

  /** Feeds bytes; throws HttpParseError on a malformed response (the parser is then done). */
  execute(chunk: Buffer): void {
    if (this.error) throw this.error;
    try {
      this.run(chunk);
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

  private run(chunk: Buffer): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      switch (this.state) {
        case State.Head:
          i = this.readHead(chunk, i);
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
          i = this.readChunkSize(chunk, i);
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
          i = this.readTrailers(chunk, i);
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
  private line(chunk: Buffer, i: number): { text: string; next: number } | undefined {
    const lf = chunk.indexOf(LF, i);
    if (lf < 0) {
      const rest = chunk.subarray(i);
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

  private readHead(chunk: Buffer, i: number): number {
    let buf = chunk;
    let start = i;
    if (this.pending) {
      // The head's end may straddle the boundary: search the joined bytes.
      buf = Buffer.concat([this.pending, chunk.subarray(i)]);
      start = 0;
    }
    const end = buf.indexOf('\r\n\r\n', start, 'latin1');
    if (end < 0) {
      if (buf.length - start > MAX_HEAD_BYTES) throw new HttpParseError('headers too large');
      // An early look at the first bytes: refuse non-HTTP at once rather than waiting for CRLFCRLF.
      const first = buf.toString('latin1', start, Math.min(buf.length, start + 5));
      if (!'HTTP/'.startsWith(first)) throw new HttpParseError('invalid status line');
      this.pending = buf === chunk ? Buffer.from(chunk.subarray(i)) : buf;
      return chunk.length;
    }
    if (end - start > MAX_HEAD_BYTES) throw new HttpParseError('headers too large');
    const consumedOfBuf = end + 4;
    const next = buf === chunk ? consumedOfBuf : i + (consumedOfBuf - (this.pending as Buffer).length);
    this.pending = undefined;
    this.parseHead(buf.toString('latin1', start, end));
    return next;
  }

  private parseHead(head: string): void {
    // Walks the head in place (no split into lines, no string per header): this runs once per
    // response, and its garbage was a fifth of what a run allocated.
    const eol = head.indexOf('\r\n');
    const status = statusOf(head, eol < 0 ? head.length : eol);
    const http10 = head.charCodeAt(7) === 48;
    let length = -1;
    let chunked = false;
    let connection = 0;
    for (let at = eol < 0 ? head.length : eol + 2; at < head.length;) {
      let end = head.indexOf('\r\n', at);
      if (end < 0) end = head.length;
      const colon = head.indexOf(':', at);
      if (colon <= at || colon >= end) throw new HttpParseError('invalid header line');
      // No whitespace around the name (RFC 9112 §5.1; request smuggling otherwise).
      if (isSpace(head.charCodeAt(at)) || isSpace(head.charCodeAt(colon - 1)))
        throw new HttpParseError('invalid header name');
      // Only three headers matter for framing; their names and values are read by character
      // code, with no string made (this runs once per response).
      if (isNamed(head, at, colon, 'content-length')) {
        const from = trimStart(head, colon + 1, end);
        const v = decimalOf(head, from, trimEnd(head, from, end));
        if (v < 0) throw new HttpParseError('invalid content-length');
        if (length >= 0 && v !== length) throw new HttpParseError('conflicting content-length');
        length = v;
      } else if (isNamed(head, at, colon, 'connection')) connection |= connectionTokens(head, colon + 1, end);
      else if (isNamed(head, at, colon, 'transfer-encoding')) {
        const codings = head
          .slice(colon + 1, end)
          .trim()
          .toLowerCase()
          .split(',');
        chunked = codings[codings.length - 1].trim() === 'chunked';
      }
      at = end + 2;
    }
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

  private readChunkSize(chunk: Buffer, i: number): number {
    const l = this.line(chunk, i);
    if (!l) return chunk.length;
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

  private readTrailers(chunk: Buffer, i: number): number {
    const l = this.line(chunk, i);
    if (!l) return chunk.length;
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
