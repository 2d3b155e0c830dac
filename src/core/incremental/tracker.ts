// Incremental computation in one place, in the salsa / rust-analyzer model by value: a computation
// run through a Memo records every question it asks a tracked view (`Tracked.get`: which question,
// what answer), and its result stays valid while every recorded question gets the same answer now.
// Semantic code only asks the view; it never sees what is recorded.

/** Something a computation can read, asked again (without recording) to check a recorded answer. */
export interface Source<K = unknown> {
  peek(key: K): unknown;
}

/** What one computation read: per source, each key with the answer it got (first answer wins). */
export class Reads {
  readonly bySource = new Map<Source, Map<unknown, unknown>>();

  add(source: Source, key: unknown, value: unknown): void {
    let keys = this.bySource.get(source);
    if (!keys) this.bySource.set(source, (keys = new Map()));
    if (!keys.has(key)) keys.set(key, value);
  }

  addAll(other: KeptReads): void {
    const items = other.items;
    for (let i = 0; i < items.length; i += 3) this.add(items[i] as Source, items[i + 1], items[i + 2]);
  }

  /** The reads as a flat list, for keeping: checked on every later revision, so as cheap to walk as can be. */
  keep(): KeptReads {
    const items: unknown[] = [];
    for (const [source, keys] of this.bySource) for (const [key, value] of keys) items.push(source, key, value);
    return new KeptReads(items);
  }
}

/** A finished computation's reads: source, key, answer, source, key, answer, … */
export class KeptReads {
  constructor(readonly items: readonly unknown[]) {}

  /** Whether every recorded question gets the same answer now (run untracked). */
  unchanged(): boolean {
    const items = this.items;
    for (let i = 0; i < items.length; i += 3)
      if (!Object.is((items[i] as Source).peek(items[i + 1]), items[i + 2])) return false;
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
  private paused = 0;
  revision = 0;

  /** Starts a new revision: the inputs may have changed since the last. */
  advance(): void {
    this.revision++;
  }

  read(source: Source, key: unknown, value: unknown): void {
    if (this.paused) return;
    const top = this.frames[this.frames.length - 1];
    if (top) top.add(source, key, value);
  }

  /** Counts `reads` as read by the running computation (a memoised result it used). */
  readAll(reads: KeptReads): void {
    const top = this.frames[this.frames.length - 1];
    if (top && !this.paused) top.addAll(reads);
  }

  /** Runs `compute` as a computation of its own, returning what it read. */
  collect<T>(compute: () => T): { value: T; reads: KeptReads } {
    const reads = new Reads();
    this.frames.push(reads);
    let value: T;
    try {
      value = compute();
    } finally {
      this.frames.pop();
    }
    return { value, reads: reads.keep() };
  }

  /** Whether every read in `reads` still gets the same answer; asking records nothing. */
  unchanged(reads: KeptReads): boolean {
    this.paused++;
    try {
      return reads.unchanged();
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
  /** `answer` must not ask tracked views itself unless `nested` (then its own questions are not recorded). */
  constructor(
    private readonly tracker: Tracker,
    private readonly answer: (key: K) => V,
    private readonly nested = false,
  ) {}

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
