// A persistent cache of per-file facts, so a second CLI process (`routes` then `check`)
// skips the parse and the tree walks for every file whose content has not changed, as
// Ruff caches per-file results. One file per workspace root in the OS cache folder:
// entries keyed by the file's path, language and content hash; the whole file is tied to
// the tool's version (any other version reads as empty). Only entries the last run used
// are written back, so a cache holds at most one workspace's files; the folder keeps the
// most recently used roots up to a size cap. Anything unreadable or inconsistent is a
// miss, never an error: the file is simply indexed again.
//
// Beside each facts file, a small `.links` file keeps what was linked from the whole set of facts
// (routes, findings) under a digest of that set (ProjectIndex.linkKey): `check` after `routes` over
// unchanged files takes the routes `routes` linked instead of linking them again.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { CodeFacts } from './analysis';
import type { RouteFacts } from './discovery';

/** What indexing one file produced: the part of a ProjectIndex entry that depends on its content only. */
export interface CachedFacts {
  routeFacts?: RouteFacts;
  codeFacts?: CodeFacts;
  problem?: string;
}

/**
 * CachedFacts as kept and as extraction workers send them: route facts and code facts v8-serialised each on its
 * own, so a process decodes only what it links (`routes` no code facts; `check` after `routes`, which takes the
 * linked routes, no route facts: on polar's server/ 10 and 16 MB of the 26).
 */
export interface PackedFacts {
  problem?: string;
  route?: Uint8Array;
  code?: Uint8Array;
}

/**
 * Packed facts' layout: a tag byte, a byte of which parts are there, the route and code parts' lengths (u32, little
 * endian), the two parts, then the problem's UTF-8 to the end. A small header of our own rather than one more
 * v8.serialize of { problem, route, code }: that second pass went back to JavaScript for each part
 * (`_writeHostObject`, `_readHostObject`) and copied both parts once more, for every file.
 */
const PACKED_TAG = 0x70;
const HAS_ROUTE = 1;
const HAS_CODE = 2;
const HAS_PROBLEM = 4;
const HEADER = 10;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

/** `facts` packed (each part serialised), as bytes of their own buffer. Throws when they are not serialisable. */
export function packFacts(facts: CachedFacts): Uint8Array {
  const route = facts.routeFacts ? serialize(facts.routeFacts) : undefined;
  const code = facts.codeFacts ? serialize(facts.codeFacts) : undefined;
  const problem = facts.problem !== undefined ? utf8.encode(facts.problem) : undefined;
  const routeLength = route?.byteLength ?? 0;
  const codeLength = code?.byteLength ?? 0;
  const bytes = new Uint8Array(HEADER + routeLength + codeLength + (problem?.byteLength ?? 0));
  const view = new DataView(bytes.buffer);
  bytes[0] = PACKED_TAG;
  bytes[1] = (route ? HAS_ROUTE : 0) | (code ? HAS_CODE : 0) | (problem ? HAS_PROBLEM : 0);
  view.setUint32(2, routeLength, true);
  view.setUint32(6, codeLength, true);
  if (route) bytes.set(route, HEADER);
  if (code) bytes.set(code, HEADER + routeLength);
  if (problem) bytes.set(problem, HEADER + routeLength + codeLength);
  return bytes;
}

/**
 * The packed facts in `bytes` (their parts still serialised: views into `bytes`, not copies), or undefined when
 * they are not packed facts.
 */
export function unpackFacts(bytes: Uint8Array): PackedFacts | undefined {
  if (bytes.byteLength < HEADER || bytes[0] !== PACKED_TAG || (bytes[1] & ~(HAS_ROUTE | HAS_CODE | HAS_PROBLEM)) !== 0)
    return undefined;
  const flags = bytes[1];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const routeLength = view.getUint32(2, true);
  const codeLength = view.getUint32(6, true);
  const problemAt = HEADER + routeLength + codeLength;
  if (problemAt > bytes.byteLength) return undefined;
  if (!(flags & HAS_ROUTE) && routeLength) return undefined;
  if (!(flags & HAS_CODE) && codeLength) return undefined;
  if (!(flags & HAS_PROBLEM) && problemAt !== bytes.byteLength) return undefined;
  const packed: PackedFacts = {};
  if (flags & HAS_PROBLEM) {
    try {
      packed.problem = fromUtf8.decode(bytes.subarray(problemAt));
    } catch {
      return undefined;
    }
  }
  if (flags & HAS_ROUTE) packed.route = bytes.subarray(HEADER, HEADER + routeLength);
  if (flags & HAS_CODE) packed.code = bytes.subarray(HEADER + routeLength, problemAt);
  return packed;
}

/** One part of packed facts decoded, or undefined when it is not what that part holds. */
export function decodeRouteFacts(bytes: Uint8Array): RouteFacts | undefined {
  const facts = decode(bytes);
  return typeof facts === 'object' && facts !== null && 'kind' in facts ? (facts as RouteFacts) : undefined;
}

export function decodeCodeFacts(bytes: Uint8Array): CodeFacts | undefined {
  const facts = decode(bytes);
  return typeof facts === 'object' && facts !== null && Array.isArray((facts as CodeFacts).functions)
    ? (facts as CodeFacts)
    : undefined;
}

function decode(bytes: Uint8Array): unknown {
  try {
    return deserialize(bytes);
  } catch {
    return undefined;
  }
}

/** Bumped when the file layout below changes (the tool version covers what the facts mean). */
const FORMAT = 'endpoint-profiler-facts/3';
/** Caches of other workspaces kept beside the current one, most recently used first. */
const MAX_FILES = 32;
const MAX_TOTAL_BYTES = 512 * 1024 * 1024;

type Slot = [contentHash: string, sum: string, bytes: Uint8Array];
/** A linked result: the digest of the facts it was linked from, sha1 of the serialised result, the result. */
type LinkSlot = [digest: string, sum: string, bytes: Uint8Array];

interface StoredLinks {
  format: string;
  version: string;
  root: string;
  /** What was linked ('routes', 'findings') → the last result of that kind. */
  links: Map<string, LinkSlot>;
}

interface Stored {
  format: string;
  version: string;
  root: string;
  /**
   * `language\0path` → [content hash, sha1 of the serialised facts, serialised facts]: a damaged
   * entry fails its checksum alone.
   */
  entries: Map<string, Slot>;
}

/** The OS's per-user cache folder: $XDG_CACHE_HOME or ~/.cache, ~/Library/Caches, %LOCALAPPDATA%. */
export function defaultCacheDir(): string {
  const env = process.env.ENDPOINT_PROFILER_CACHE_DIR;
  if (env) return env;
  const home = os.homedir();
  const base =
    process.platform === 'win32'
      ? (process.env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'))
      : process.platform === 'darwin'
        ? path.join(home, 'Library', 'Caches')
        : (process.env.XDG_CACHE_HOME ?? path.join(home, '.cache'));
  return path.join(base, 'endpoint-profiler', 'facts');
}

const sha1 = (data: string | Uint8Array): string => createHash('sha1').update(data).digest('hex');

export class FactsCache {
  private readonly used = new Map<string, Slot>();
  private changed = false;
  private linksChanged = false;

  private constructor(
    private readonly file: string,
    private readonly version: string,
    private readonly root: string,
    private readonly stored: Map<string, Slot>,
    private readonly links: Map<string, LinkSlot>,
  ) {}

  /**
   * The cache of `root` in `dir` for this tool `version`. A missing, unreadable, corrupt or
   * other-version file opens as an empty cache.
   */
  static async open(dir: string, root: string, version: string): Promise<FactsCache> {
    const file = path.join(dir, `${sha1(root).slice(0, 20)}.bin`);
    let entries = new Map<string, Slot>();
    try {
      const stored = deserialize(await readFile(file)) as Stored;
      if (
        stored?.format === FORMAT &&
        stored.version === version &&
        stored.root === root &&
        stored.entries instanceof Map
      )
        entries = stored.entries;
    } catch {
      /* absent or unreadable: start empty */
    }
    let links = new Map<string, LinkSlot>();
    try {
      const stored = deserialize(await readFile(linksFile(file))) as StoredLinks;
      if (
        stored?.format === FORMAT &&
        stored.version === version &&
        stored.root === root &&
        stored.links instanceof Map
      )
        links = stored.links;
    } catch {
      /* absent or unreadable: nothing linked yet */
    }
    return new FactsCache(file, version, root, entries, links);
  }

  /** What was linked as `kind` from the set of facts whose digest is `digest`, if kept and intact. */
  linked(kind: string, digest: string): unknown {
    const hit = this.links.get(kind);
    if (!Array.isArray(hit) || hit.length !== 3 || hit[0] !== digest || !(hit[2] instanceof Uint8Array))
      return undefined;
    if (sha1(hit[2]) !== hit[1]) return undefined;
    try {
      return deserialize(hit[2]);
    } catch {
      return undefined;
    }
  }

  /** Keeps `value`, linked as `kind` from the set of facts whose digest is `digest` (one per kind: the last). */
  setLinked(kind: string, digest: string, value: unknown): void {
    let bytes: Uint8Array;
    try {
      bytes = serialize(value);
    } catch {
      return; // not serialisable: linked again next time
    }
    this.links.set(kind, [digest, sha1(bytes), bytes]);
    this.linksChanged = true;
  }

  /** Writes the linked results if any changed (atomically; failures ignored, as for save()). */
  async saveLinked(): Promise<void> {
    if (!this.linksChanged) return;
    this.linksChanged = false;
    const stored: StoredLinks = { format: FORMAT, version: this.version, root: this.root, links: this.links };
    await writeAtomically(linksFile(this.file), serialize(stored));
  }

  /** The packed facts of `file` when its content hash is `hash`, if cached and intact. */
  get(file: { path: string; language: string }, hash: string): PackedFacts | undefined {
    const key = `${file.language}\0${file.path}`;
    const hit = this.stored.get(key);
    if (!Array.isArray(hit) || hit.length !== 3 || hit[0] !== hash || !(hit[2] instanceof Uint8Array)) return undefined;
    const [, sum, bytes] = hit;
    if (sha1(bytes) !== sum) return undefined;
    const packed = unpackFacts(bytes);
    if (packed) this.used.set(key, hit);
    return packed;
  }

  /** `bytes`: the file's facts packed (packFacts), by an extraction worker or the index's thread. */
  set(file: { path: string; language: string }, hash: string, bytes: Uint8Array): void {
    this.used.set(`${file.language}\0${file.path}`, [hash, sha1(bytes), bytes]);
    this.changed = true;
  }

  /**
   * Writes the entries this run used (atomically: a temporary file renamed over the old one) and
   * trims the folder to the most recent caches. Failures are ignored: a cache is an optimisation.
   */
  async save(): Promise<void> {
    if (!this.changed && this.used.size === this.stored.size) return;
    const stored: Stored = { format: FORMAT, version: this.version, root: this.root, entries: this.used };
    if (await writeAtomically(this.file, serialize(stored)))
      await trim(path.dirname(this.file), this.file).catch(() => undefined);
  }
}

/** The linked results kept beside a facts file. */
const linksFile = (factsFile: string): string => factsFile.replace(/\.bin$/, '.links');

/** `bytes` to `file` through a temporary file renamed over it; false (and nothing left behind) on failure. */
async function writeAtomically(file: string, bytes: Uint8Array): Promise<boolean> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(tmp, bytes);
    await rename(tmp, file);
    return true;
  } catch {
    await unlink(tmp).catch(() => undefined);
    return false;
  }
}

/**
 * Keeps at most MAX_FILES caches and MAX_TOTAL_BYTES in `dir`, dropping the least recently written (with
 * their linked results).
 */
async function trim(dir: string, keep: string): Promise<void> {
  const all = await readdir(dir);
  const names = all.filter((n) => n.endsWith('.bin'));
  const kept = new Set(names);
  for (const n of all)
    if (n.endsWith('.links') && !kept.has(n.replace(/\.links$/, '.bin')))
      await unlink(path.join(dir, n)).catch(() => undefined);
  const files = await Promise.all(
    names.map(async (n) => {
      const p = path.join(dir, n);
      const s = await stat(p).catch(() => undefined);
      return { p, size: s?.size ?? 0, mtime: s?.mtimeMs ?? 0 };
    }),
  );
  files.sort((a, b) => b.mtime - a.mtime);
  let total = 0;
  let count = 0;
  for (const f of files) {
    total += f.size;
    count++;
    if (f.p !== keep && (count > MAX_FILES || total > MAX_TOTAL_BYTES)) {
      await unlink(f.p).catch(() => undefined);
      await unlink(linksFile(f.p)).catch(() => undefined);
    }
  }
}
