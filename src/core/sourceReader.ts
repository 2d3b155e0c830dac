// Reads a source file for indexing, or says why it is left out, at a cost in proportion to
// what is analysed: an oversized file is skipped by its size before any byte is read, a binary
// one by its first 8,000 bytes, a minified one by its line lengths. Each skip carries a reason
// the CLI prints on stderr and the editor logs; so does a file read with bytes that are not UTF-8.
import type { FileSystem } from './fs';
import { errorMessage as message } from './errors';

/** Larger files are generated or bundled, not handlers someone wrote: parsing one costs seconds and GBs. */
export const MAX_SOURCE_BYTES = 2_000_000;
/** git's rule for binary files: a NUL byte among the first 8,000 (`buffer_is_binary`). */
const BINARY_PROBE_BYTES = 8_000;
/** A file whose lines average this long is minified. */
const MINIFIED_LINE_CHARS = 1_000;

export type SourceRead =
  /** `note`: read, but not as written (bytes that are not UTF-8, replaced). */
  | { text: string; note?: string }
  /** Left out on purpose; `reason` names why. */
  | { skipped: string }
  /** Exists but could not be read. */
  | { failed: string }
  /** Deleted since the scan listed it. */
  | { gone: true };

const decoder = new TextDecoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

export async function readSource(fs: FileSystem, absPath: string): Promise<SourceRead> {
  return fs.readFileUpTo ? checked(readUpTo(fs, absPath)) : readAsync(fs, absPath);
}

/** The file through the file system's synchronous read (FileSystem.readFileUpTo). */
function readUpTo(fs: FileSystem, absPath: string): Uint8Array | SourceRead {
  let got: Uint8Array | { size: number };
  try {
    got = fs.readFileUpTo!(absPath, MAX_SOURCE_BYTES);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? { gone: true } : { failed: `could not read: ${message(err)}` };
  }
  return got instanceof Uint8Array ? got : { skipped: tooLarge(got.size) };
}

async function readAsync(fs: FileSystem, absPath: string): Promise<SourceRead> {
  if (fs.stat) {
    let size: number;
    try {
      ({ size } = await fs.stat(absPath));
    } catch {
      return { gone: true };
    }
    if (size > MAX_SOURCE_BYTES) return { skipped: tooLarge(size) };
  }
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(absPath);
  } catch (err) {
    return fs.stat ? { failed: `could not read: ${message(err)}` } : { gone: true };
  }
  return checked(bytes);
}

/** Read bytes as text to analyse, or why they are left out (too large, binary, minified). */
function checked(bytes: Uint8Array | SourceRead): SourceRead {
  if (!(bytes instanceof Uint8Array)) return bytes;
  if (bytes.length > MAX_SOURCE_BYTES) return { skipped: tooLarge(bytes.length) };
  if (bytes.subarray(0, BINARY_PROBE_BYTES).includes(0))
    return { skipped: 'skipped: binary (a NUL byte in its first 8,000 bytes)' };
  let text: string;
  let note: string | undefined;
  try {
    text = strictDecoder.decode(bytes);
  } catch {
    // Still analysed (a Latin-1 comment costs nothing), but named: a route path or name with such bytes is not
    // what the file says.
    text = decoder.decode(bytes);
    note = `not valid UTF-8 (from line ${lineOf(text, text.indexOf('\uFFFD'))}): read with U+FFFD for the bad bytes`;
  }
  const skipped = unanalysable(text);
  return skipped ? { skipped } : note ? { text, note } : { text };
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Why text (read from disk or an editor's unsaved buffer) is left out of analysis, if it is. */
export function unanalysable(text: string): string | undefined {
  // UTF-16 units, not bytes: an editor's buffer has no byte size; close enough for a cap.
  if (text.length > MAX_SOURCE_BYTES) return tooLarge(text.length);
  if (text.length > 20_000) {
    let lines = 1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
    if (text.length / lines > MINIFIED_LINE_CHARS)
      return `skipped: looks minified (${lines} lines averaging ${Math.round(text.length / lines)} characters)`;
  }
  return undefined;
}

function tooLarge(size: number): string {
  return `skipped: ${(size / 1e6).toFixed(1)} MB is more than the ${MAX_SOURCE_BYTES / 1e6} MB analysed per file (generated or bundled code?)`;
}
