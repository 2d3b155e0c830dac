// Incremental computation in one place, in the salsa / rust-analyzer model by value: a computation
// run through a Memo records every question it asks a tracked view (`Tracked.get`: which question,
// what answer) and every memo entry it used (an edge: which entry, which value of it), and its result
// stays valid while every recorded question gets the same answer now and every entry it used is
// still valid with the same value. Semantic code only asks the view; it never sees what is recorded.

/** Something a computation can read, asked again (without recording) to check a recorded answer. */
export interface Source<K = unknown> {
  peek(key: K): unknown;
  /** The keys whose answers may have changed after `revision`; undefined: not known (check every key). */
  changedSince?(revision: number): ReadonlySet<K> | undefined;
  /**
   * A logged source's changes noted after `cursor` (undefined: from its beginning) and the cursor after them;
   * `keys` undefined: any answer may have changed (a change of every key, or the log was cut).
   */
  changesAfter?(cursor: LogCursor | undefined): { keys: readonly K[] | undefined; cursor: LogCursor };
  /** Whether changes were noted after `cursor` (cheap: asked at every check of a kept entry). */
  movedSince?(cursor: LogCursor): boolean;
  /** Whether it notes every change of an answer (`changed`/`changedAll`): then the two above are meaningful. */
  readonly logged?: boolean;
}

/** A position in a logged view's notes of changes (see `Tracked.changesAfter`). */
export interface LogCursor {
  generation: number;
  length: number;
}

/** A memo whose entries computations use (see memo.ts): an edge to an entry instead of a copy of its reads. */
export interface EntrySource {
  /** Whether the entry for `key` is valid now and still holds the value stamped `stamp` (checked untracked). */
  holds(key: unknown, stamp: number): boolean;
}

/** An edge: one memo entry a computation used, with the stamp of the value it got. */
export interface EntryRead {
  source: EntrySource;
  key: unknown;
  stamp: number;
}

const NO_ENTRIES: readonly EntryRead[] = [];

/** What one computation read: per source, each key with the answer it got (first answer wins); and the memo entries it used. */
export class Reads {
  readonly bySource = new Map<Source, Map<unknown, unknown>>();
  private entries: Map<EntrySource, Map<unknown, number>> | undefined;

  add(source: Source, key: unknown, value: unknown): void {
    let keys = this.bySource.get(source);
    if (!keys) this.bySource.set(source, (keys = new Map()));
    if (!keys.has(key)) keys.set(key, value);
  }

  addEntry(source: EntrySource, key: unknown, stamp: number): void {
    this.entries ??= new Map();
    let keys = this.entries.get(source);
    if (!keys) this.entries.set(source, (keys = new Map<unknown, number>()));
    if (!keys.has(key)) keys.set(key, stamp);
  }

  /** Counts another computation's reads and edges as this one's (a result that was not kept has no entry to point to). */
  addAll(other: KeptReads): void {
    for (const [source, keys] of other.bySource) {
      const mine = this.bySource.get(source);
      if (!mine) this.bySource.set(source, new Map(keys));
      else for (const [k, v] of keys) if (!mine.has(k)) mine.set(k, v);
    }
    for (const { source, key, stamp } of other.entries) this.addEntry(source, key, stamp);
  }

  keep(): KeptReads {
    const entries: EntryRead[] = [];
    if (this.entries)
      for (const [source, keys] of this.entries) for (const [key, stamp] of keys) entries.push({ source, key, stamp });
    return new KeptReads(this.bySource, entries.length ? entries : NO_ENTRIES);
  }
}

/** A finished computation's reads, checked on later revisions: its own questions, and the entries it used. */
export class KeptReads {
  constructor(
    readonly bySource: ReadonlyMap<Source, ReadonlyMap<unknown, unknown>>,
    readonly entries: readonly EntryRead[],
  ) {}

  /**
   * Whether every recorded question gets the same answer now (run untracked). A source that knows which
   * of its keys changed since `verifiedAt` has only those asked again: one edit costs what it touched.
   * The entries used are not looked at here (see `Memo`).
   */
  unchanged(verifiedAt: number): boolean {
    for (const [source, keys] of this.bySource) {
      const changed = source.changedSince?.(verifiedAt);
      if (!changed) {
        for (const [key, value] of keys) if (!Object.is(source.peek(key), value)) return false;
      } else if (changed.size <= keys.size) {
        for (const key of changed) if (keys.has(key) && !Object.is(source.peek(key), keys.get(key))) return false;
      } else for (const [key, value] of keys) if (changed.has(key) && !Object.is(source.peek(key), value)) return false;
    }
    return true;
  }
}

/**
 * The stack of computations running, each collecting its reads. A revision is one run over a
 * workspace state (one link, one findings pass): a memo entry checked in this revision is not
 * checked again in it.
 */
export class Tracker {
  private readonly frames: Reads[] = [];
  /** The running computation's reads (the last frame); kept apart: most reads happen outside any. */
  private top: Reads | undefined;
  private paused = 0;
  private stamps = 0;
  revision = 0;
  /** Bumped whenever a view of this tracker notes a change (`Tracked.changed`/`changedAll`): unmoved, no note to read. */
  notes = 0;

  /** Starts a new revision: the inputs may have changed since the last. */
  advance(): void {
    this.revision++;
  }

  /** A new stamp for a memo entry's value, distinct from every earlier one. */
  stamp(): number {
    return ++this.stamps;
  }

  read(source: Source, key: unknown, value: unknown): void {
    if (this.top && !this.paused) this.top.add(source, key, value);
  }

  /** Records that the running computation used a memo entry's value (an edge to it). */
  readEntry(source: EntrySource, key: unknown, stamp: number): void {
    if (this.top && !this.paused) this.top.addEntry(source, key, stamp);
  }

  /** Counts `reads` as read by the running computation (a result computed for it but not kept). */
  readAll(reads: KeptReads): void {
    if (this.top && !this.paused) this.top.addAll(reads);
  }

  /** Runs `compute` as a computation of its own, returning what it read. */
  collect<T>(compute: () => T): { value: T; reads: KeptReads } {
    const reads = new Reads();
    this.frames.push(reads);
    this.top = reads;
    let value: T;
    try {
      value = compute();
    } finally {
      this.frames.pop();
      this.top = this.frames.length ? this.frames[this.frames.length - 1] : undefined;
    }
    return { value, reads: reads.keep() };
  }

  /** Whether every read in `reads` still gets the same answer; asking records nothing. */
  unchanged(reads: KeptReads, verifiedAt: number): boolean {
    this.paused++;
    try {
      return reads.unchanged(verifiedAt);
    } finally {
      this.paused--;
    }
  }

  /** Runs `f` without recording its reads: bookkeeping, or a check of recorded answers. */
  untracked<T>(f: () => T): T {
    this.paused++;
    try {
      return f();
    } finally {
      this.paused--;
    }
  }
}

/**
 * One question a view answers (`facts of module X`, `what name N resolves to from M`): `get` answers
 * and records the answer into the running computation; a memo re-asks with `peek` to check it.
 * Answers are compared with Object.is, so a view keeps answers stable (the same object while unchanged).
 */
export class Tracked<K, V> implements Source<K> {
  /** Keys noted as changed, with the revision they changed in (see `logged`). */
  private log: Array<{ revision: number; key: K }> = [];
  /** Changes before this revision are no longer in the log; a change of every key counts from it too. */
  private floor = 0;
  private since: { revision: number; length: number; keys: Set<K> } | undefined;
  /** Bumped when the log starts again (a change of every key) or is cut: cursors into it are then stale. */
  private generation = 0;

  /**
   * `answer` must not ask tracked views itself unless `nested` (then its own questions are not recorded).
   * `logged`: the view calls `changed`/`changedAll` for every change of an answer, so a memo checks only those keys.
   */
  constructor(
    private readonly tracker: Tracker,
    private readonly answer: (key: K) => V,
    private readonly nested = false,
    readonly logged = false,
  ) {}

  /** Notes that the answer for `key` may differ from this revision on (a `logged` view must note every change). */
  changed(key: K): void {
    this.tracker.notes++;
    this.log.push({ revision: this.tracker.revision, key });
    this.since = undefined;
    if (this.log.length > 50_000) {
      const cut = this.log.length >> 1;
      this.floor = this.log[cut - 1].revision + 1;
      this.log = this.log.slice(cut);
      this.generation++;
    }
  }

  /** Notes that any answer may differ from this revision on (called before the revision's computations run). */
  changedAll(): void {
    this.tracker.notes++;
    this.log = [];
    this.floor = this.tracker.revision;
    this.since = undefined;
    this.generation++;
  }

  changesAfter(cursor: LogCursor | undefined): { keys: readonly K[] | undefined; cursor: LogCursor } {
    const now = { generation: this.generation, length: this.log.length };
    if (!this.logged || !cursor || cursor.generation !== this.generation) return { keys: undefined, cursor: now };
    const keys: K[] = [];
    for (let i = cursor.length; i < this.log.length; i++) keys.push(this.log[i].key);
    return { keys, cursor: now };
  }

  movedSince(cursor: LogCursor): boolean {
    return cursor.generation !== this.generation || cursor.length !== this.log.length;
  }

  changedSince(revision: number): ReadonlySet<K> | undefined {
    if (!this.logged || revision < this.floor) return undefined;
    if (this.since?.revision === revision && this.since.length === this.log.length) return this.since.keys;
    const keys = new Set<K>();
    for (let i = this.log.length - 1; i >= 0 && this.log[i].revision > revision; i--) keys.add(this.log[i].key);
    this.since = { revision, length: this.log.length, keys };
    return keys;
  }

  get(key: K): V {
    const value = this.nested ? this.tracker.untracked(() => this.answer(key)) : this.answer(key);
    this.tracker.read(this, key, value);
    return value;
  }

  /** Records an answer the caller already has (the same the view would give), without asking again. */
  saw(key: K, value: V): void {
    this.tracker.read(this, key, value);
  }

  /** The answer now, unrecorded: called by a memo checking its reads, which records nothing meanwhile. */
  peek(key: K): V {
    return this.answer(key);
  }
}
