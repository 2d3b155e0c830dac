// The one memo of incremental computation: a result is kept with what computing it read (see
// tracker.ts) and served while every read still gets the same answer; serving it counts its reads
// as reads of the computation that asked, so a result built from memoised parts depends on theirs.
import { type KeptReads, type Tracker } from './tracker';

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
  ) {}

  /** Keyed by objects (a function's facts): entries go when their key is no longer referenced. */
  static byObject<K extends object, V>(tracker: Tracker): Memo<K, V> {
    return new Memo<K, V>(tracker, new WeakMap<K, Entry<V>>());
  }

  /** Keyed by values (a path); `delete` what no longer exists. */
  static byKey<K, V>(tracker: Tracker): Memo<K, V> {
    return new Memo<K, V>(tracker, new Map<K, Entry<V>>());
  }

  /**
   * The value for `key`: the kept one while what it read is unchanged, else `compute()`'s, kept
   * unless `keep` says it is not final (a search cut short by a cycle).
   */
  get(key: K, compute: () => V, keep?: (value: V) => boolean): V {
    const known = this.entries.get(key);
    if (
      known &&
      (known.verifiedAt === this.tracker.revision || this.tracker.unchanged(known.reads, known.verifiedAt))
    ) {
      known.verifiedAt = this.tracker.revision;
      this.tracker.readAll(known.reads);
      return known.value;
    }
    const { value, reads } = this.tracker.collect(compute);
    if (!keep || keep(value)) this.entries.set(key, { value, reads, verifiedAt: this.tracker.revision });
    else this.entries.delete(key);
    this.tracker.readAll(reads);
    return value;
  }

  delete(key: K): void {
    this.entries.delete(key);
  }
}
