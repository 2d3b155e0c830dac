// The workspace as the product knows it: per-file facts cached by content, so after
// one edit only that file is parsed again; routes and findings are linked from the
// cached facts and memoised until something changes. CLI and extension share it.
import { createHash } from 'node:crypto';
import { findBlockingCalls, type AnalysisConfig, type CodeFacts } from './analysis';
import type { FileFacts } from './analysis/findings';
import * as nodePath from 'node:path';
import { RouteLinker, type RouteFacts } from './discovery';
import { extendedConfig, pathAliases, type PathAliases } from './nodeImports/tsconfig';
import {
  decodeCodeFacts,
  decodeRouteFacts,
  packFacts,
  type CachedFacts,
  type FactsCache,
  type PackedFacts,
} from './factsCache';
import { extractFileFacts } from './fileFacts';
import type { FileSystem } from './fs';
import { ExtractPool, type ExtractPoolOptions } from './indexWorker/extractPool';
import type { Finding, Language, Route } from './model';
import type { Parsers } from './parsing/parser';
import { readSource, unanalysable, type SourceRead } from './sourceReader';
import { scanWorkspace, WorkspaceFilter, type ScanOptions, type WorkspaceFile } from './workspace';
import { errorMessage as message } from './errors';

/** How many files refresh() reads ahead of the one it parses. */
const READ_AHEAD = 16;
/**
 * Files to parse before refresh() starts worker threads: fewer (an edit or two since the cached run) cost less
 * on this thread than starting the workers and loading their grammars (~0.2 s of CPU each).
 */
const POOL_MIN_FILES = 32;
/**
 * And characters of text to parse: a smaller workspace is parsed on this thread. Workers add per file a
 * serialisation, a copy and a decode of its facts (which outweigh the source ~9 to 1 on tiny files) and, on 2
 * cores, share them with this thread: on bench/analysis.ts's 5,004 tiny files (2.9 M characters) two workers
 * took 10.5 s of CPU for the refresh against 6.7 s on one thread (load 26-28), and lost in wall time on a quiet
 * machine too (5.79 s against 4.83 s). polar's server/ (7.8 M) and outline (larger) still get workers.
 */
export const POOL_MIN_CHARS = 4_000_000;

export interface ProjectOptions extends ScanOptions {
  analysis?: AnalysisConfig;
  /**
   * Threads that parse and extract on a refresh with many files to parse (a cold cache): `jobs` workers of an
   * ExtractPool while this thread reads and hashes. 1 (the default) parses on this thread.
   */
  jobs?: number;
  /** How the pool starts its workers (tests pass their own). */
  pool?: ExtractPoolOptions;
}

/** What a refresh() did: files scanned, how many were parsed and extracted, how many came from the facts cache. */
export interface RefreshStats {
  files: number;
  extracted: number;
  fromCache: number;
  /** Worker threads started (0: all on this thread). */
  workers: number;
  /** Files whose facts came from a worker (the rest of `extracted` were extracted on this thread). */
  byWorkers: number;
}

/** A file whose facts must be extracted: it is new or changed and not in the facts cache. */
interface Pending {
  file: WorkspaceFile;
  hash: string;
  text: string;
}

interface Entry {
  file: WorkspaceFile;
  hash: string;
  routeFacts?: RouteFacts;
  codeFacts?: CodeFacts;
  /**
   * Facts from the facts cache or a worker, each part still serialised: decoded into routeFacts / codeFacts when
   * linking first reads it (routeFactsOf, codeFactsOf), so a process decodes only what it links.
   */
  packed?: PackedFacts;
  /** Why the file contributes nothing (unparsable, too large, binary) or only part (parse errors, an extractor failed). */
  problem?: string;
  /**
   * What linking is handed for this file, made once per entry: the linkers keep their work by these objects'
   * identity, and a link after one edit allocates nothing for the other files.
   */
  routeInput?: { file: WorkspaceFile; facts: RouteFacts };
  codeInput?: { file: WorkspaceFile; facts: CodeFacts };
}

/** The entry's route facts, decoded on first read. */
function routeFactsOf(e: Entry): RouteFacts | undefined {
  const bytes = e.packed?.route;
  if (bytes) {
    e.packed!.route = undefined;
    e.routeFacts = decodeRouteFacts(bytes);
    if (!e.routeFacts) unreadable(e, 'routes');
  }
  return e.routeFacts;
}

/** The entry's code facts, decoded on first read. */
function codeFactsOf(e: Entry): CodeFacts | undefined {
  const bytes = e.packed?.code;
  if (bytes) {
    e.packed!.code = undefined;
    e.codeFacts = decodeCodeFacts(bytes);
    if (!e.codeFacts) unreadable(e, 'blocking-call analysis');
  }
  return e.codeFacts;
}

/** A part that passed the cache's checksum but does not decode (not seen in practice): that part is left out. */
function unreadable(e: Entry, what: string): void {
  const why = `${what} left out: its cached facts could not be read`;
  e.problem = e.problem ? `${e.problem}; ${why}` : why;
}

/** Routes as linked, with the notes of registrations read in part (a limit cut them). */
interface LinkedRoutes {
  routes: Route[];
  notes: Array<{ path: string; problem: string }>;
}

const isLinkedRoutes = (kept: unknown): boolean =>
  typeof kept === 'object' &&
  kept !== null &&
  Array.isArray((kept as LinkedRoutes).routes) &&
  Array.isArray((kept as LinkedRoutes).notes);

export class ProjectIndex {
  private readonly entries = new Map<string, Entry>();
  /** Entries in path order, so linking sees the same order however the files arrived; reset when the set of paths changes. */
  private ordered: Entry[] | undefined;
  /** Each path's index in `ordered`, and the paths whose entries were replaced since it was last brought up to date. */
  private positions = new Map<string, number>();
  private readonly replaced = new Set<string>();
  private readonly linker = new RouteLinker();
  /** The workspace's tsconfig/jsconfig `paths` aliases (Node imports like `@server/routes`). */
  private aliases: PathAliases[] = [];
  private routesMemo: LinkedRoutes | undefined;
  /**
   * The facts the last findings link was handed, and the paths whose entries were replaced since (undefined: not
   * known, the set of paths changed): the analysis compares only those (findBlockingCalls' `changes`).
   */
  private lastCode: FileFacts | undefined;
  private codeChanged: Set<string> | undefined;
  private findingsMemo: Finding[] | undefined;
  /** digestOfFacts() until something changes. */
  private linkDigest: string | undefined;

  /** What the last refresh() did (files parsed, taken from the cache, worker threads). */
  lastRefresh: RefreshStats | undefined;
  /**
   * What reading said beside the facts, by path: folders the last scan could not list, files deleted before it read
   * them, files read with bytes that are not UTF-8. Rebuilt by each refresh (which reads every file again).
   */
  private readonly scanNotes = new Map<string, string>();

  /** What the last refresh() read: .gitignore and excludes as they were then. */
  private filter: WorkspaceFilter | undefined;

  constructor(
    readonly root: string,
    private readonly fs: FileSystem,
    private readonly parsers: Parsers,
    private options: ProjectOptions = {},
    /** Facts of earlier processes by content hash (the CLI's); refresh() writes back what it used. */
    private readonly cache?: FactsCache,
  ) {}

  /**
   * New excludes or analysis configuration (settings changed). Findings are linked again on
   * the next findings(); excludes take effect with the next refresh(), which the caller runs.
   */
  reconfigure(options: ProjectOptions): void {
    this.options = options;
    this.invalidate();
  }

  /** Whether a file (relative, '/' separators) belongs in the index: not test code, excluded, ignored or in a skipped folder. */
  includes(path: string): boolean {
    return (this.filter ?? new WorkspaceFilter(this.options.exclude)).includes(path);
  }

  /**
   * Scans the workspace and (re)indexes every file whose content changed. With `jobs` > 1 and many files to
   * parse, worker threads parse and extract while this thread reads and hashes the next files.
   */
  async refresh(): Promise<void> {
    const filter = new WorkspaceFilter(this.options.exclude);
    const configs: string[] = [];
    const unlisted: Array<{ path: string; problem: string }> = [];
    const files = await scanWorkspace(this.root, this.fs, this.options, filter, { pathConfigs: configs, unlisted });
    this.scanNotes.clear();
    for (const { path, problem } of unlisted) this.scanNotes.set(path, problem);
    this.filter = filter;
    await this.readPathAliases(configs);
    const seen = new Set(files.map((f) => f.path));
    for (const path of [...this.entries.keys()]) if (!seen.has(path)) this.forget(path);
    const stats: RefreshStats = { files: files.length, extracted: 0, fromCache: 0, workers: 0, byWorkers: 0 };
    const jobs = Math.max(1, Math.floor(this.options.jobs ?? 1));
    /** Files to parse, held until there are enough to start workers for (or the scan ends). */
    const held: Pending[] = [];
    let heldChars = 0;
    const minChars = this.options.pool?.minChars ?? POOL_MIN_CHARS;
    let pool: ExtractPool | undefined;
    const running = new Set<Promise<void>>();
    const extractInPool = (job: Pending) => {
      const done: Promise<void> = pool!.extract(job.file, job.text).then(
        ({ facts, bytes }) => {
          stats.byWorkers++;
          this.cache?.set(job.file, job.hash, bytes);
          this.putPacked(job.file, job.hash, facts);
          // A file a refresh extracts is new or changed, so the next link reads its routes: decoded now, while the
          // workers still parse, rather than after them in the link (on polar, ~a quarter of the cold link's time)
          routeFactsOf(this.entries.get(job.file.path)!);
        },
        () => this.extractHere(job), // the pool could not: this thread does it
      );
      running.add(done);
      const settled = () => void running.delete(done);
      done.then(settled, settled); // a failure reaches refresh() through Promise.all/race below
    };
    // Reads run a few files ahead of parsing, so the disk wait overlaps the CPU-bound parse of earlier files.
    const reads: Array<Promise<SourceRead> | undefined> = [];
    const read = (i: number) => {
      if (i < files.length) reads[i] = readSource(this.fs, files[i].absPath);
    };
    /** Paths new to the index, in scan order: workers finish in any order, the index lists files in this one. */
    const added: string[] = [];
    try {
      for (let i = 0; i < READ_AHEAD; i++) read(i);
      for (let i = 0; i < files.length; i++) {
        const got = await reads[i]!;
        reads[i] = undefined;
        read(i + READ_AHEAD);
        if (!this.entries.has(files[i].path)) added.push(files[i].path);
        this.noteRead(files[i].path, got, true);
        const job = this.take(files[i], got, stats);
        if (!job) continue;
        stats.extracted++;
        if (jobs === 1) await this.extractHere(job);
        else if (pool) {
          extractInPool(job);
          // Enough files in hand: wait for a batch to come back before reading on (memory stays bounded).
          if (pool.full) await pool.room();
        } else {
          held.push(job);
          heldChars += job.text.length;
          if (held.length >= POOL_MIN_FILES && heldChars >= minChars) {
            pool = new ExtractPool(jobs, languagesOf(files), this.options.pool);
            for (const h of held.splice(0)) extractInPool(h);
          }
        }
      }
      const extractedLate = held.length > 0;
      for (const job of held) await this.extractHere(job); // too few, or too small, to start workers for
      await Promise.all(running);
      if (pool || extractedLate) this.moveToEnd(added);
    } finally {
      await pool?.close();
      stats.workers = pool?.started ?? 0;
    }
    await this.cache?.save();
    this.lastRefresh = stats;
  }

  /**
   * Re-indexes one file; `text` lets an editor pass unsaved content. Returns whether anything changed. A file the
   * scan leaves out (a test file, an excluded or ignored one) stays out, whoever reports the edit.
   */
  async update(file: WorkspaceFile, text?: string): Promise<boolean> {
    if (!this.includes(file.path)) return false;
    const skipped = text === undefined ? undefined : unanalysable(text);
    const got = text === undefined ? await readSource(this.fs, file.absPath) : skipped ? { skipped } : { text };
    const before = this.entries.get(file.path);
    this.noteRead(file.path, got, false);
    const job = this.take(file, got);
    if (job) await this.extractHere(job);
    return this.entries.get(file.path) !== before;
  }

  /** What a read says beside the facts; what an earlier read said of the file is stale. */
  private noteRead(path: string, got: SourceRead, scanning: boolean): void {
    this.scanNotes.delete(path);
    // listed, then deleted before its read: named, since the listing this run prints no longer has it (an editor
    // reporting a deletion is no surprise)
    if ('gone' in got && scanning) this.scanNotes.set(path, 'deleted while the scan read it: left out');
    if ('note' in got && got.note) this.scanNotes.set(path, got.note);
  }

  /**
   * One file's read into the index, as far as it goes without parsing: unchanged, deleted, skipped, or its facts
   * from the cache. Returns the file when it must be parsed. A failure is that file's problem, never the scan's.
   */
  private take(file: WorkspaceFile, got: SourceRead, stats?: RefreshStats): Pending | undefined {
    if ('gone' in got) {
      this.forget(file.path); // deleted since: it simply leaves the index (its note says so)
      return undefined;
    }
    const content = 'text' in got ? got.text : `\0${'skipped' in got ? got.skipped : got.failed}`;
    const hash = createHash('sha1').update(content).digest('hex');
    const old = this.entries.get(file.path);
    if (old && old.hash === hash) return undefined;
    if (!('text' in got)) {
      this.put({ file, hash, problem: 'skipped' in got ? got.skipped : got.failed });
      return undefined;
    }
    const cached = this.cache?.get(file, hash);
    if (!cached) return { file, hash, text: got.text };
    if (stats) stats.fromCache++;
    this.putPacked(file, hash, cached);
    return undefined;
  }

  /** Parses and extracts a file on this thread. */
  private async extractHere(job: Pending): Promise<void> {
    // A grammar that cannot load (a broken install) fails the refresh with one message, not every file
    await this.parsers.prepare(job.file.language);
    let facts: CachedFacts;
    try {
      facts = extractFileFacts(this.parsers, job.file, job.text);
    } catch (err) {
      this.put({ file: job.file, hash: job.hash, problem: `could not index: ${message(err)}` });
      return;
    }
    this.store(job, facts);
  }

  /** A file's facts extracted on this thread into the index and the facts cache. */
  private store(job: Pending, facts: CachedFacts): void {
    if (this.cache) {
      let bytes: Uint8Array | undefined;
      try {
        bytes = packFacts(facts);
      } catch {
        // not serialisable: this file is simply indexed again next time
      }
      if (bytes) this.cache.set(job.file, job.hash, bytes);
    }
    this.put({ file: job.file, hash: job.hash, ...facts });
  }

  /** Packed facts (from the cache or a worker) into the index, each part decoded when first linked. */
  private putPacked(file: WorkspaceFile, hash: string, packed: PackedFacts): void {
    this.put({
      file,
      hash,
      packed: { ...packed },
      ...(packed.problem !== undefined ? { problem: packed.problem } : {}),
    });
  }

  /** Lists `paths` last, in this order (files() and problems() list the index's files as they were added). */
  private moveToEnd(paths: readonly string[]): void {
    for (const path of paths) {
      const entry = this.entries.get(path);
      if (!entry) continue;
      this.entries.delete(path);
      this.entries.set(path, entry);
    }
  }

  private put(entry: Entry): void {
    const old = this.entries.get(entry.file.path);
    this.entries.set(entry.file.path, entry);
    if (!old) {
      this.ordered = undefined;
      this.codeChanged = undefined;
    } else {
      this.replaced.add(entry.file.path);
      this.codeChanged?.add(entry.file.path);
    }
    this.invalidate();
  }

  /** A file deleted (the editor's watcher): it leaves the index, and a note on it (not UTF-8, …) goes with it. */
  remove(path: string): boolean {
    this.scanNotes.delete(path);
    return this.forget(path);
  }

  private forget(path: string): boolean {
    const had = this.entries.delete(path);
    if (had) {
      this.ordered = undefined;
      this.codeChanged = undefined;
      this.invalidate();
    }
    return had;
  }

  /**
   * tsconfig/jsconfig `paths` aliases (and the relative configs they extend, also above the workspace: a monorepo's
   * `tsconfig.base.json` for a workspace opened at `apps/api`; read as JSON, never run), read at each refresh: an
   * edit to a config takes effect with the next refresh, not with update(). Four `extends` deep at most; each file
   * once (a cycle ends there).
   */
  private async readPathAliases(configs: string[]): Promise<void> {
    const texts = new Map<string, string>();
    const read = async (rel: string, depth: number): Promise<void> => {
      if (texts.has(rel) || depth > 4) return;
      try {
        texts.set(rel, new TextDecoder().decode(await this.fs.readFile(nodePath.join(this.root, rel))));
      } catch {
        return; // an unreadable config gives no aliases
      }
      const extended = extendedConfig(rel, texts.get(rel)!);
      if (extended) await read(extended, depth + 1);
    };
    for (const config of configs) await read(config, 0);
    const aliases = pathAliases(configs, texts, nodePath.resolve(this.root));
    if (JSON.stringify(aliases) === JSON.stringify(this.aliases)) return;
    this.aliases = aliases;
    this.invalidate();
  }

  routes(): Route[] {
    this.routesMemo ??= this.linkedOnce('routes', isLinkedRoutes, () => {
      const inputs: Array<{ file: WorkspaceFile; facts: RouteFacts }> = [];
      for (const e of this.inOrder()) {
        const facts = routeFactsOf(e);
        if (facts) inputs.push((e.routeInput ??= { file: e.file, facts }));
      }
      const routes = this.linker.link(inputs, this.aliases);
      // kept with the routes: a process that takes them from the cache runs no linker to ask
      return { routes, notes: [...this.linker.notes()] };
    });
    return this.routesMemo.routes;
  }

  findings(): Finding[] {
    this.findingsMemo ??= this.linkedOnce('findings', Array.isArray, () => {
      const facts = new Map<string, { file: WorkspaceFile; facts: CodeFacts }>();
      for (const e of this.inOrder()) {
        const code = codeFactsOf(e);
        if (code) facts.set(e.file.path, (e.codeInput ??= { file: e.file, facts: code }));
      }
      const changes = this.lastCode && this.codeChanged ? { from: this.lastCode, paths: this.codeChanged } : undefined;
      const found = findBlockingCalls(facts, this.routes(), this.options.analysis, this.aliases, changes);
      this.lastCode = facts;
      this.codeChanged = new Set();
      return found;
    });
    return this.findingsMemo;
  }

  /** Writes what routes() and findings() linked to the facts cache, for the next process over the same files. */
  async saveLinked(): Promise<void> {
    await this.cache?.saveLinked();
  }

  /**
   * `link()`, or what an earlier process linked as `kind` from the same set of facts (the facts cache's
   * linked results): `check` after `routes` does not link the routes again.
   */
  private linkedOnce<T>(kind: 'routes' | 'findings', intact: (kept: unknown) => boolean, link: () => T): T {
    if (!this.cache) return link();
    this.linkDigest ??= this.digestOfFacts();
    const key =
      kind === 'findings' ? `${this.linkDigest}\0${JSON.stringify(this.options.analysis ?? {})}` : this.linkDigest;
    const kept = this.cache.linked(kind, key);
    if (intact(kept)) return kept as T;
    const linked = link();
    this.cache.setLinked(kind, key, linked);
    return linked;
  }

  /**
   * A digest of everything linking reads: each file's path, language and content hash in link order (its facts
   * are a function of those for one tool version, which the cache is tied to), what went wrong reading it (a
   * file whose extraction failed links without its facts) and the `paths` aliases.
   */
  private digestOfFacts(): string {
    const hash = createHash('sha1');
    for (const e of this.inOrder())
      hash.update(
        `${e.file.language}\0${e.file.path}\0${e.hash}\0${hasPart(e.routeFacts, e.packed?.route)}${hasPart(e.codeFacts, e.packed?.code)}\0${e.problem ?? ''}\n`,
      );
    hash.update(JSON.stringify(this.aliases));
    return hash.digest('hex');
  }

  files(): WorkspaceFile[] {
    return [...this.entries.values()].map((e) => e.file);
  }

  /**
   * Files left out (too large, binary, minified, unreadable, unparsable, deleted while the scan read them), folders
   * the scan could not list, and files read in part (parse errors, route registrations past a limit), with why.
   */
  problems(): Array<{ path: string; problem: string }> {
    const files = [...this.entries.values()]
      .filter((e) => e.problem)
      .map((e) => ({ path: e.file.path, problem: e.problem! }));
    // and registrations read in part (a limit cut them): routes may be missing there
    this.routes();
    const scan = [...this.scanNotes].map(([path, problem]) => ({ path, problem }));
    return [...files, ...scan, ...this.routesMemo!.notes];
  }

  private inOrder(): Entry[] {
    if (!this.ordered) {
      this.ordered = [...this.entries.keys()].sort().map((path) => this.entries.get(path)!);
      this.positions = new Map(this.ordered.map((e, i) => [e.file.path, i]));
    } else for (const path of this.replaced) this.ordered[this.positions.get(path)!] = this.entries.get(path)!;
    this.replaced.clear();
    return this.ordered;
  }

  private invalidate(): void {
    this.routesMemo = undefined;
    this.findingsMemo = undefined;
    this.linkDigest = undefined;
  }
}

/** 1 when an entry has this part of its facts, decoded or not. */
const hasPart = (decoded: object | undefined, packed: Uint8Array | undefined): number => (decoded || packed ? 1 : 0);

/** The languages among `files`: the only grammars an extraction worker loads. */
function languagesOf(files: readonly WorkspaceFile[]): Language[] {
  return [...new Set(files.map((f) => f.language))];
}
