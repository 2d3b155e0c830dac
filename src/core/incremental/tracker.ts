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
  /** Notes that `dependent`'s entry used the entry for `key` (the reverse of the edge), or no longer does. */
  addDependent(key: unknown, dependent: Dependent): void;
  removeDependent(key: unknown, dependent: Dependent): void;
}

/** An entry that used other entries, as those entries know it: which memo and which key (one object per entry). */
export interface Dependent {
  readonly memo: EntrySource;
  readonly key: unknown;
}

/**
 * A finished computation's reads, flat: `[source, key, answer, source, key, answer, …]`, each (source, key) once
 * with the first answer; `uses`, the same for the memo entries it used: `[memo, key, stamp, …]`. Flat arrays of
 * exactly their size rather than a Map per source: a cold build keeps tens of thousands of these, and the Maps
 * (and the objects per edge) were most of what the scavenger copied and promoted.
 */
export interface KeptReads {
  readonly reads: readonly unknown[];
  readonly uses: readonly unknown[] | undefined;
}

const NONE: readonly unknown[] = [];

/**
 * A running computation's part of the tracker's shared buffers (from `start`, `usesStart`), and, once that part
 * is longer than a scan is worth, an index of what it recorded, to record each (source, key) once.
 */
class Frame {
  readsIndex: TripleIndex | undefined = undefined;
  usesIndex: TripleIndex | undefined = undefined;
  constructor(
    readonly start: number,
    readonly usesStart: number,
  ) {}
}

/** Key → the position of its triple (a list when sources differ): built only for computations that read much. */
type TripleIndex = Map<unknown, number | number[]>;

/** Triples of a computation up to this many are deduplicated by a scan, without an index. */
const SCAN = 12;

/**
 * Triples of every running computation, innermost last: a nested computation appends after its caller's and
 * cuts its part off when it ends. One array serves them all and is never shrunk (its `length` is ours), so
 * recording allocates nothing but the kept copy.
 */
class Triples {
  private readonly items: unknown[] = [];
  length = 0;

  /**
   * Appends (a, b, c) unless (a, b) is among the triples from `from` already (the first answer wins);
   * returns the index to use from now on (made once those triples outgrow a scan).
   */
  record(from: number, index: TripleIndex | undefined, a: unknown, b: unknown, c: unknown): TripleIndex | undefined {
    const items = this.items;
    const end = this.length;
    if (!index) {
      for (let i = from; i < end; i += 3) if (items[i + 1] === b && items[i] === a) return undefined;
      this.append(a, b, c);
      if (end - from < SCAN * 3) return undefined;
      index = new Map();
      for (let i = from; i <= end; i += 3) indexAt(index, items[i + 1], i);
      return index;
    }
    const at = index.get(b);
    if (typeof at === 'number') {
      if (items[at] === a) return index;
    } else if (at) for (const i of at) if (items[i] === a) return index;
    this.append(a, b, c);
    indexAt(index, b, end);
    return index;
  }

  /** The triples from `from`, copied at their exact size, then cut off (undefined: none). */
  take(from: number): unknown[] | undefined {
    if (this.length === from) return undefined;
    const part = this.items.slice(from, this.length);
    // Dropped, not just overwritten later: what they point to (a file's facts) may otherwise be garbage
    this.items.fill(undefined, from, this.length);
    this.length = from;
    return part;
  }

  private append(a: unknown, b: unknown, c: unknown): void {
    const items = this.items;
    const end = this.length;
    if (end < items.length) {
      items[end] = a;
      items[end + 1] = b;
      items[end + 2] = c;
    } else items.push(a, b, c);
    this.length = end + 3;
  }
}

function indexAt(index: TripleIndex, key: unknown, position: number): void {
  const at = index.get(key);
  if (at === undefined) index.set(key, position);
  else if (typeof at === 'number') index.set(key, [at, position]);
  else at.push(position);
}

/**
 * Whether every recorded question gets the same answer now (run untracked). A source that knows which
 * of its keys changed since `verifiedAt` has only those asked again: one edit costs what it touched.
 * The entries used are not looked at here (see `Memo`).
 */
function unchangedSince(reads: readonly unknown[], verifiedAt: number): boolean {
  let last: Source | undefined;
  let changed: ReadonlySet<unknown> | undefined;
  for (let i = 0; i < reads.length; i += 3) {
    const source = reads[i] as Source;
    if (source !== last) {
      last = source;
      changed = source.changedSince?.(verifiedAt);
    }
    if ((!changed || changed.has(reads[i + 1])) && !Object.is(source.peek(reads[i + 1]), reads[i + 2])) return false;
  }
  return true;
}

/**
 * The stack of computations running, each collecting its reads. A revision is one run over a
 * workspace state (one link, one findings pass): a memo entry checked in this revision is not
 * checked again in it.
 */
export class Tracker {
  private readonly frames: Frame[] = [];
  /** The running computation (the last frame); kept apart: most reads happen outside any. */
  private top: Frame | undefined;
  /** What the running computations read, and the memo entries they used. */
  private readonly reads = new Triples();
  private readonly uses = new Triples();
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
    const top = this.top;
    if (top && !this.paused) top.readsIndex = this.reads.record(top.start, top.readsIndex, source, key, value);
  }

  /** Records that the running computation used a memo entry's value (an edge to it). */
  readEntry(source: EntrySource, key: unknown, stamp: number): void {
    const top = this.top;
    if (top && !this.paused) top.usesIndex = this.uses.record(top.usesStart, top.usesIndex, source, key, stamp);
  }

  /** Counts `kept` as read by the running computation (a result computed for it but not kept). */
  readAll(kept: KeptReads): void {
    if (!this.top || this.paused) return;
    const { reads, uses } = kept;
    for (let i = 0; i < reads.length; i += 3) this.read(reads[i] as Source, reads[i + 1], reads[i + 2]);
    if (uses)
      for (let i = 0; i < uses.length; i += 3)
        this.readEntry(uses[i] as EntrySource, uses[i + 1], uses[i + 2] as number);
  }

  /** Runs `compute` as a computation of its own, returning what it read. */
  collect<T>(compute: () => T): { value: T; reads: KeptReads } {
    const frame = new Frame(this.reads.length, this.uses.length);
    this.frames.push(frame);
    this.top = frame;
    let value: T;
    let reads: unknown[] | undefined;
    let uses: unknown[] | undefined;
    try {
      value = compute();
    } finally {
      this.frames.pop();
      this.top = this.frames.length ? this.frames[this.frames.length - 1] : undefined;
      // Cut off even when `compute` threw: what it read is not its caller's
      reads = this.reads.take(frame.start);
      uses = this.uses.take(frame.usesStart);
    }
    return { value, reads: { reads: reads ?? NONE, uses } };
  }

  /** Whether every read in `reads` still gets the same answer; asking records nothing. */
  unchanged(kept: KeptReads, verifiedAt: number): boolean {
    this.paused++;
    try {
      return unchangedSince(kept.reads, verifiedAt);
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
