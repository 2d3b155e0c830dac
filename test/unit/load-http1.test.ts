// The lean client's response framing (src/core/load/http1.ts): fixed cases, then a seeded fuzz
// that splits valid response streams at random chunk boundaries and compares with the expected parse.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpParseError, ResponseParser } from '../../src/core/load/http1';

interface Parsed {
  status: number;
  body: string;
  keepAlive: boolean;
}

/**
 * One read buffer for every piece, as lean.ts passes its pool's: each piece is copied to its start
 * and handed over with its length; the bytes after it are left-over junk that looks like HTTP.
 */
const SHARED = Buffer.alloc(8192, 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc\r\n\r\n0\r\n', 'latin1');

function parseAll(
  chunks: Buffer[],
  head = false,
  close = true,
  shared = false,
): { responses: Parsed[]; error?: string } {
  const responses: Parsed[] = [];
  let cur: Parsed | undefined;
  const p = new ResponseParser(
    {
      onStatus: (status) => (cur = { status, body: '', keepAlive: true }),
      onBody: (chunk, start, end) => {
        if (!cur) throw new Error('body outside a response');
        cur.body += chunk.toString('latin1', start, end);
      },
      onComplete: (keepAlive) => {
        if (!cur) throw new Error('complete outside a response');
        cur.keepAlive = keepAlive;
        responses.push(cur);
        cur = undefined;
      },
    },
    head,
  );
  try {
    for (const c of chunks) {
      if (shared && c.length <= SHARED.length) {
        c.copy(SHARED);
        p.execute(SHARED, c.length);
      } else p.execute(c);
    }
    if (close) p.finish();
  } catch (e) {
    if (!(e instanceof HttpParseError)) throw e;
    return { responses, error: e.message };
  }
  return { responses };
}

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

test('content-length, keep-alive, two responses in one chunk', () => {
  const r = parseAll([
    b('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n'),
  ]);
  assert.deepEqual(r, {
    responses: [
      { status: 200, body: 'hello', keepAlive: true },
      { status: 404, body: '', keepAlive: true },
    ],
  });
});

test('chunked with extensions and trailers', () => {
  const r = parseAll([
    b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n'),
  ]);
  assert.deepEqual(r.responses, [{ status: 200, body: 'hello world', keepAlive: true }]);
});

test('close-delimited HTTP/1.0 body ends at the close; HTTP/1.0 keep-alive is honoured', () => {
  assert.deepEqual(parseAll([b('HTTP/1.0 200 OK\r\n\r\nall of'), b(' it')]).responses, [
    { status: 200, body: 'all of it', keepAlive: false },
  ]);
  assert.deepEqual(
    parseAll([b('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok')]).responses,
    [{ status: 200, body: 'ok', keepAlive: true }],
  );
  assert.deepEqual(parseAll([b('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok')]).responses, [
    { status: 200, body: 'ok', keepAlive: false },
  ]);
});

test('Connection: close; 1xx skipped; 204, 304 and HEAD have no body', () => {
  assert.deepEqual(parseAll([b('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx')]).responses, [
    { status: 200, body: 'x', keepAlive: false },
  ]);
  assert.deepEqual(
    parseAll([
      b(
        'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\ny',
      ),
    ]).responses,
    [{ status: 200, body: 'y', keepAlive: true }],
  );
  assert.deepEqual(
    parseAll([b('HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n')]).responses,
    [
      { status: 204, body: '', keepAlive: true },
      { status: 304, body: '', keepAlive: true },
    ],
  );
  assert.deepEqual(parseAll([b('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n')], true).responses, [
    { status: 200, body: '', keepAlive: true },
  ]);
});

test('malformed responses are protocol errors with a reason', () => {
  const cases: Array<[string, RegExp]> = [
    ['this is not HTTP at all\r\n\r\n', /HTTP\/1\.1 protocol \(invalid status line\)/],
    ['nope', /invalid status line/],
    ['HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n', /invalid content-length/],
    ['HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', /conflicting content-length/],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /invalid chunk size/],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX', /missing CRLF/],
    ['HTTP/1.1 200 OK\r\nbad header\r\n\r\n', /invalid header line/],
    ['HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab', /closed before the response ended/],
    ['HTTP/1.1 101 Switching Protocols\r\n\r\n', /101/],
  ];
  for (const [text, re] of cases) assert.match(parseAll([b(text)]).error ?? '', re, JSON.stringify(text));
  assert.match(parseAll([b(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70_000)}`)]).error ?? '', /headers too large/);
});

test('status lines and header names are checked by character, as the regular expression did', () => {
  const ok = (line: string): number | undefined =>
    parseAll([b(`${line}\r\nContent-Length: 0\r\n\r\n`)]).responses[0]?.status;
  assert.equal(ok('HTTP/1.1 200 OK'), 200);
  assert.equal(ok('HTTP/1.0 404 Not Found'), 404);
  assert.equal(ok('HTTP/1.1 503'), 503, 'no reason phrase');
  assert.equal(ok('HTTP/1.1 204 '), 204, 'empty reason phrase');
  assert.equal(ok('HTTP/1.1 599 Whatever: it says'), 599);
  for (const bad of [
    'HTTP/1.2 200 OK',
    'HTTP/2 200 OK',
    'HTTP/1.1 099 Low',
    'HTTP/1.1 20 OK',
    'HTTP/1.1 2000 OK',
    'HTTP/1.1 200OK',
    'HTTP/1.1  200 OK',
    'HTTP/1.1 2x0 OK',
    'http/1.1 200 OK',
    'HTTP/1.1 200 O\rK',
    'HTTP/1.1 200 O\nK',
  ])
    assert.match(parseAll([b(`${bad}\r\nContent-Length: 0\r\n\r\n`)]).error ?? '', /invalid status line/, bad);
  for (const header of [' Content-Length: 0', 'Content-Length : 0', '\tX: 1', ': 1'])
    assert.match(
      parseAll([b(`HTTP/1.1 200 OK\r\n${header}\r\nContent-Length: 0\r\n\r\n`)]).error ?? '',
      /invalid header/,
      header,
    );
  // Header lookups are case-insensitive and values trimmed.
  assert.deepEqual(parseAll([b('HTTP/1.1 200 OK\r\ncOnTeNt-LeNgTh:   2  \r\nCONNECTION: Close\r\n\r\nhi')]).responses, [
    { status: 200, body: 'hi', keepAlive: false },
  ]);
});

// --- fuzz ---

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUSES = [200, 201, 204, 301, 304, 404, 500, 503];

function genStream(rnd: () => number, head: boolean): { bytes: string; expected: Parsed[] } {
  const int = (n: number): number => Math.floor(rnd() * n);
  const pick = <T>(xs: T[]): T => xs[int(xs.length)];
  const caseIt = (s: string): string => [...s].map((c) => (rnd() < 0.5 ? c.toUpperCase() : c)).join('');
  const bodyOf = (n: number): string => Array.from({ length: n }, () => String.fromCharCode(int(256))).join('');
  let bytes = '';
  const expected: Parsed[] = [];
  const count = 1 + int(6);
  for (let k = 0; k < count; k++) {
    const last = k === count - 1;
    const http10 = rnd() < 0.15;
    const status = pick(STATUSES);
    const noBody = head || status === 204 || status === 304;
    const body = bodyOf(pick([0, 1, 2, 7, 100, 3000]));
    // A close-delimited body or Connection: close can only end the stream.
    const framing = last ? pick(['length', 'chunked', 'close']) : pick(['length', 'chunked']);
    const closeConn = last && rnd() < 0.3;
    let h = '';
    if (rnd() < 0.2) h += `HTTP/1.1 100 Continue\r\n\r\n`;
    h += `HTTP/1.${http10 ? 0 : 1} ${status} ${pick(['OK', 'Whatever it is', ''])}`.trimEnd() + '\r\n';
    const headers: string[] = [`${caseIt('content-type')}: text/plain`];
    if (rnd() < 0.5) headers.push(`X-Extra-${int(100)}:  spaced value `);
    let wire = '';
    let keepAlive = !closeConn;
    if (http10) {
      if (!closeConn) headers.push(`${caseIt('connection')}: ${caseIt('keep-alive')}`);
    } else if (closeConn) headers.push(`${caseIt('connection')}: close`);
    if (framing === 'length' || (noBody && framing === 'close')) {
      headers.push(`${caseIt('content-length')}: ${body.length}`);
      if (!noBody) wire = body;
    } else if (framing === 'chunked') {
      headers.push(`${caseIt('transfer-encoding')}: ${caseIt('chunked')}`);
      if (!noBody) {
        let at = 0;
        while (at < body.length) {
          const size = Math.min(body.length - at, 1 + int(1000));
          wire += `${size.toString(16)}${rnd() < 0.2 ? ';x=y' : ''}\r\n${body.slice(at, at + size)}\r\n`;
          at += size;
        }
        wire += `0\r\n${rnd() < 0.3 ? 'X-Trailer: t\r\n' : ''}\r\n`;
      }
    } else {
      wire = body; // close-delimited
      keepAlive = false;
    }
    if (noBody && framing === 'close') keepAlive = !closeConn;
    bytes += `${h}${headers.join('\r\n')}\r\n\r\n${wire}`;
    expected.push({ status, body: noBody ? '' : body, keepAlive });
    if (!keepAlive) break;
  }
  return { bytes, expected };
}

function split(rnd: () => number, buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  const mode = rnd();
  while (at < buf.length) {
    // Mostly tiny pieces (every boundary is hit), sometimes large ones.
    const size = mode < 0.3 ? 1 : mode < 0.7 ? 1 + Math.floor(rnd() * 16) : 1 + Math.floor(rnd() * 4096);
    out.push(buf.subarray(at, at + size));
    at += size;
  }
  return out;
}

test('fuzz: valid response streams split at random boundaries parse as expected', () => {
  const rnd = mulberry32(16);
  const started = Date.now();
  let cases = 0;
  for (; cases < 4000 && Date.now() - started < 8000; cases++) {
    const head = rnd() < 0.1;
    const { bytes, expected } = genStream(rnd, head);
    const buf = Buffer.from(bytes, 'latin1');
    const whole = parseAll([buf], head);
    assert.deepEqual(whole, { responses: expected }, `case ${cases} whole`);
    const pieces = split(rnd, buf);
    const r = parseAll(pieces, head);
    assert.deepEqual(r, { responses: expected }, `case ${cases} in ${pieces.length} pieces`);
    const inShared = parseAll(pieces, head, true, true);
    assert.deepEqual(inShared, { responses: expected }, `case ${cases} in ${pieces.length} pieces, one read buffer`);
  }
  assert.ok(cases >= 1000, `only ${cases} cases in 8 s`);
});

test('fuzz: a truncated valid stream is never reported complete', () => {
  const rnd = mulberry32(1616);
  for (let k = 0; k < 1000; k++) {
    const { bytes, expected } = genStream(rnd, false);
    const buf = Buffer.from(bytes, 'latin1');
    const cut = Math.floor(rnd() * buf.length);
    const r = parseAll(split(rnd, buf.subarray(0, cut)));
    // Whatever completed must be a prefix of the expected responses (a close-delimited body is
    // legitimately completed by the close, shorter).
    for (let j = 0; j < r.responses.length; j++) {
      const e = expected[j];
      assert.equal(r.responses[j].status, e.status);
      if (j < r.responses.length - 1 || e.keepAlive) assert.equal(r.responses[j].body, e.body);
    }
  }
});

/**
 * The framing headers as the parser read them before it compared by character code: the head as
 * a string, each value sliced, trimmed, lower-cased and split. The oracle of the next test.
 */
function framingByStrings(
  headers: string[],
  http10: boolean,
): { length: number; keepAlive: boolean } | 'invalid' | 'conflict' {
  let length = -1;
  let connection = '';
  for (const line of headers) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-length') {
      if (!/^\d+$/.test(value)) return 'invalid';
      const v = Number(value);
      if (length >= 0 && v !== length) return 'conflict';
      length = v;
    } else if (name === 'connection')
      connection = connection ? `${connection},${value.toLowerCase()}` : value.toLowerCase();
  }
  const tokens = connection ? connection.split(',').map((t) => t.trim()) : [];
  return { length, keepAlive: http10 ? tokens.includes('keep-alive') : !tokens.includes('close') };
}

test('fuzz: Content-Length and Connection read by character code agree with the string reading', () => {
  let seed = 99;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const caseIt = (s: string): string => [...s].map((c) => (rnd() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join('');
  const space = (): string => pick(['', ' ', '  ', '\t', ' \t', '\xa0', '\x0b']);
  const tokens = ['close', 'keep-alive', 'Upgrade', 'closed', 'keep-alive2', 'clo se', '', 'x'];
  const lengths = ['0', '7', '007', '12', '', '1a', '-1', '+5', '1 2', '12345678901234567', '٣', '7.0'];
  for (let i = 0; i < 3000; i++) {
    const http10 = rnd() < 0.3;
    const headers: string[] = [];
    const n = Math.floor(rnd() * 4);
    for (let k = 0; k < n; k++) {
      if (rnd() < 0.5) {
        const list = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => space() + caseIt(pick(tokens)) + space());
        headers.push(`${caseIt('connection')}:${list.join(',')}`);
      } else headers.push(`${caseIt('content-length')}:${space()}${pick(lengths)}${space()}`);
    }
    if (rnd() < 0.3) headers.push(`${caseIt('connectionx')}: close`);
    const want = framingByStrings(headers, http10);
    if (want !== 'invalid' && want !== 'conflict' && want.length < 0) headers.push('content-length: 0');
    const text = `HTTP/1.${http10 ? 0 : 1} 200 OK\r\n${headers.join('\r\n')}\r\n\r\n`;
    const got = parseAll([b(text)], true, false);
    const label = JSON.stringify(text);
    if (want === 'invalid') assert.match(got.error ?? '', /invalid content-length/, label);
    else if (want === 'conflict') assert.match(got.error ?? '', /conflicting content-length/, label);
    else {
      assert.equal(got.error, undefined, label);
      assert.equal(got.responses[0]?.keepAlive, want.keepAlive, label);
    }
  }
});

test('Content-Length is read as a number whatever its leading zeros or size', () => {
  const bodyOf = (len: string): string | undefined =>
    parseAll([b(`HTTP/1.1 200 OK\r\nContent-Length: ${len}\r\n\r\nhello, world`)], false, false).responses[0]?.body;
  assert.equal(bodyOf('005'), 'hello');
  assert.equal(bodyOf(' 12 '), 'hello, world');
  assert.match(
    parseAll([b('HTTP/1.1 200 OK\r\nContent-Length: 12345678901234567\r\nContent-Length: 12345678901234568\r\n\r\n')])
      .error ?? '',
    /closed before/, // beyond 2^53 both round to the same Number, as Number() read them before
  );
});

/**
 * What a head means, read the plain way: the text up to the first CRLFCRLF split into lines at
 * CRLF, the status line matched by a regular expression, names lower-cased, values trimmed. The
 * oracle of the next test (the parser reads bytes in place and a head across reads line by line).
 */
function headByStrings(text: string): { status: number; keepAlive: boolean } | { error: string } | 'interim' {
  const head = text.slice(0, text.indexOf('\r\n\r\n'));
  const [statusLine, ...lines] = head.split('\r\n');
  const m = /^HTTP\/1\.([01]) ([1-9]\d\d)( [^\r\n]*)?$/.exec(statusLine);
  if (!m) return { error: 'invalid status line' };
  let length = -1;
  const tokens: string[] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) return { error: 'invalid header line' };
    if (line[0].trim() === '' || line[colon - 1].trim() === '') return { error: 'invalid header name' };
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-length') {
      if (!/^\d+$/.test(value)) return { error: 'invalid content-length' };
      if (length >= 0 && Number(value) !== length) return { error: 'conflicting content-length' };
      length = Number(value);
    } else if (name === 'connection')
      tokens.push(
        ...value
          .toLowerCase()
          .split(',')
          .map((t) => t.trim()),
      );
  }
  const status = Number(m[2]);
  if (status === 101) return { error: 'unexpected 101 Switching Protocols' };
  if (status < 200) return 'interim';
  return { status, keepAlive: m[1] === '0' ? tokens.includes('keep-alive') : !tokens.includes('close') };
}

test('fuzz: mutated heads split at random boundaries read as the plain string reading does', () => {
  const rnd = mulberry32(1_600_016);
  const int = (n: number): number => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const caseIt = (s: string): string => [...s].map((c) => (rnd() < 0.5 ? c.toUpperCase() : c)).join('');
  const nasty = ['\r', '\n', '\r\n', ':', ' ', '\t', '\xa0', '\x0b', ',', '0', '9', 'a', '-', 'close', 'keep-alive'];
  let compared = 0;
  for (let k = 0; k < 6000; k++) {
    let text = `HTTP/1.${int(2)} ${pick(['200', '204', '404', '503', '100', '101'])}${pick([' OK', '', ' Not Found'])}\r\n`;
    for (let h = int(6); h > 0; h--) {
      const name = pick(['content-length', 'connection', 'transfer-encoding', 'server', 'x-a', 'date']);
      const value = pick(['5', ' 5 ', '007', 'close', 'keep-alive, x', 'chunked', 'nginx', '']);
      text += `${caseIt(name)}:${pick(['', ' ', '  '])}${value}\r\n`;
    }
    for (let m = int(4); m > 0; m--) {
      const at = int(text.length + 1);
      const r = rnd();
      if (r < 0.5) text = text.slice(0, at) + pick(nasty) + text.slice(at);
      else if (r < 0.75) text = text.slice(0, at) + text.slice(at + 1 + int(3));
      else text = text.slice(0, at) + String.fromCharCode(int(256)) + text.slice(at + 1);
    }
    text += '\r\n';
    if (!text.includes('\r\n\r\n')) text += '\r\n';
    const want = headByStrings(text);
    if (want === 'interim') continue;
    compared++;
    const buf = b(text);
    const pieces = rnd() < 0.3 ? [buf] : split(rnd, buf);
    const got = parseAll(pieces, true, false, rnd() < 0.5);
    const label = JSON.stringify(text);
    if ('error' in want) {
      assert.equal(got.responses.length, 0, label);
      assert.ok(got.error?.includes(`(${want.error})`), `${label}: ${got.error} instead of ${want.error}`);
    } else assert.deepEqual(got.responses[0], { status: want.status, body: '', keepAlive: want.keepAlive }, label);
  }
  assert.ok(compared > 4000, `${compared} heads compared`);
});
