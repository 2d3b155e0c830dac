// The one memo of incremental computation: a result is kept with what computing it read (see
// tracker.ts) and served while every read still gets the same answer; serving it counts its reads
// as reads of the computation that asked, so a result built from memoised parts depends on theirs.
import { type KeptReads, type LogCursor, type Source, type Tracker } from './tracker';

interface Entry<V> {
  value: V;
  reads: KeptReads;
  /** The revision this entry was last known valid in. */
  verifiedAt: number;
}

interface Store<K, V> {
  get(key: K): Entry<V> | undefined;
  set(key: K, entry: Entry<V>): unknown;
  delete(key: K): boolean;
}

export class Memo<K, V> {
  private constructor(
    private readonly tracker: Tracker,
    private readonly entries: Store<K, V>,
    /** Which entries an edit may have touched (byKey only: it holds its keys strongly). */
    private readonly suspects?: Suspects<K>,
  ) {}

  /** Keyed by values (a path); `delete` what no longer exists. */
  static byKey<K, V>(tracker: Tracker): Memo<K, V> {
    return new Memo<K, V>(tracker, new Map<K, Entry<V>>(), new Suspects<K>());
  }

  /** Keyed by objects (a function's facts): entries go when their key is no longer referenced. */
  static byObject<K extends object, V>(tracker: Tracker): Memo<K, V> {
    return new Memo<K, V>(tracker, new WeakMap<K, Entry<V>>());
  }

  /**
   * The value for `key`: the kept one while what it read is unchanged, else `compute()`'s, kept
   * unless `keep` says it is not final (a search cut short by a cycle).
   */
  get(key: K, compute: () => V, keep?: (value: V) => boolean): V {
    const known = this.entries.get(key);
    if (known && (known.verifiedAt === this.tracker.revision || this.valid(key, known))) {
      known.verifiedAt = this.tracker.revision;
      this.tracker.readAll(known.reads);
      return known.value;
    }
    const { value, reads } = this.tracker.collect(compute);
    if (!keep || keep(value)) {
      this.entries.set(key, { value, reads, verifiedAt: this.tracker.revision });
      this.suspects?.track(key, known?.reads, reads);
    } else this.delete(key);
    this.tracker.readAll(reads);
    return value;
  }

  /** Whether a kept entry's reads answer the same now; with a reverse index, only the entries an edit touched are asked. */
  private valid(key: K, known: Entry<V>): boolean {
    if (this.suspects?.clear(key)) return true;
    if (!this.tracker.unchanged(known.reads, known.verifiedAt)) return false;
    this.suspects?.verified(key);
    return true;
  }

  delete(key: K): void {
    const known = this.entries.get(key);
    if (known) this.suspects?.track(key, known.reads, undefined);
    this.entries.delete(key);
  }
}

/**
 * The entries of one memo that an edit may have touched, by a reverse index of what each read: the logged
 * views say which of their answers changed (their notes since the last look), and only the entries that read
 * one of those are asked again (`KeptReads.unchanged`, as without this index). Every other entry is valid
 * without a look at its reads, so a revision costs what the edit touched rather than one check per entry.
 * Entries that read a view that does not log its changes are always asked.
 */
class Suspects<K> {
  /** Per logged view, per question, the entries that asked it; and how far the view's notes were read. */
  private readonly readers = new Map<Source, { questions: Map<unknown, Set<K>>; cursor: LogCursor | undefined }>();
  /** Entries that read a view without a log of its changes. */
  private readonly unlogged = new Set<K>();
  private readonly suspect = new Set<K>();

  /** Whether `key`'s entry is known valid: nothing it read was noted as changed since it was last checked. */
  clear(key: K): boolean {
    this.sweep();
    return !this.suspect.has(key) && !this.unlogged.has(key);
  }

  /** After a check of its reads found them unchanged. */
  verified(key: K): void {
    this.suspect.delete(key);
  }

  /** Moves `key`'s registrations from the reads it had (`before`) to the ones it has now (`after`). */
  track(key: K, before: KeptReads | undefined, after: KeptReads | undefined): void {
    // Notes made before this point concern the old reads: read them first, so they do not mark the new entry
    this.sweep();
    if (before)
      for (const [source, keys] of before.bySource) {
        const questions = this.readers.get(source)?.questions;
        if (questions)
          for (const question of keys.keys()) {
            const set = questions.get(question);
            set?.delete(key);
            if (set?.size === 0) questions.delete(question);
          }
      }
    this.unlogged.delete(key);
    this.suspect.delete(key);
    if (!after) return;
    for (const [source, keys] of after.bySource) {
      if (!source.logged) {
        this.unlogged.add(key);
        continue;
      }
      let reader = this.readers.get(source);
      if (!reader) {
        reader = { questions: new Map(), cursor: source.changesAfter!(undefined).cursor };
        this.readers.set(source, reader);
      }
      for (const question of keys.keys()) {
        const set = reader.questions.get(question);
        if (set) set.add(key);
        else reader.questions.set(question, new Set([key]));
      }
    }
  }

  /** Marks the entries that read an answer noted as changed since the last look. */
  private sweep(): void {
    for (const [source, reader] of this.readers) {
      if (reader.cursor && !source.movedSince!(reader.cursor)) continue;
      const { keys, cursor } = source.changesAfter!(reader.cursor);
      reader.cursor = cursor;
      if (!keys) {
        for (const set of reader.questions.values()) for (const k of set) this.suspect.add(k);
        continue;
      }
      for (const question of keys) {
        const set = reader.questions.get(question);
        if (set) for (const k of set) this.suspect.add(k);
      }
    }
  }
}
