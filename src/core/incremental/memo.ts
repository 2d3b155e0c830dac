// The one memo of incremental computation: a result is kept with what computing it read (see
// tracker.ts) and served while every read still gets the same answer. A computation that uses a kept
// result records an edge to its entry, not a copy of its reads (as salsa does): checking the outer result
// checks the entry, which checks its own reads and its own edges — each entry once per revision.
// Each entry also knows the entries that used it (the edges reversed), so the entries an edit may have
// made invalid are found from what it touched (`touchedKeys`) rather than by asking every entry.
import { type Dependent, type EntrySource, type KeptReads, type LogCursor, type Source, type Tracker } from './tracker';

interface Entry<V> extends KeptReads {
  value: V;
  /** The revision this entry was last known valid in. */
  verifiedAt: number;
  /**
   * Names this value for the entries that used it. A recomputation that gives the same value (Object.is)
   * keeps the stamp (backdating), so what used the old one stays valid.
   */
  stamp: number;
  /** Set while its edges are being checked: an edge back to it (a cycle of kept results) counts as a change. */
  checking: boolean;
  /** This entry as the entries it used know it (their dependents): one object, kept when it is recomputed. */
  self: Dependent | undefined;
}

interface Store<K, T> {
  get(key: K): T | undefined;
  set(key: K, item: T): unknown;
  delete(key: K): boolean;
}

export class Memo<K, V> implements EntrySource {
  /** Kept entries that use other entries (see touchedKeys). */
  private withUses = 0;
  /** How often `get` was called, and how often it computed: what a revision cost in entries (tests, benches). */
  asked = 0;
  computed = 0;
  /** The memos whose entries this one's entries used (see touchedKeys). */
  private readonly usedMemos = new Set<Memo<unknown, unknown>>();
  /**
   * Keys of this memo whose entries used an entry since deleted or recomputed to another value: not valid, and
   * no read of theirs says so. touchedKeys hands them out once.
   */
  private readonly orphans = new Set<K>();

  private constructor(
    private readonly tracker: Tracker,
    private readonly entries: Store<K, Entry<V>>,
    /** Per key, the entries that used its entry (the reverse of their edges): what a change of it may invalidate. */
    private readonly dependents: Store<K, Set<Dependent>>,
    /** Which entries an edit may have touched, by what they read. */
    private readonly suspects: Suspects<K>,
  ) {}

  /** Keyed by values (a path); `delete` what no longer exists. */
  static byKey<K, V>(tracker: Tracker): Memo<K, V> {
    return new Memo<K, V>(tracker, new Map<K, Entry<V>>(), new Map<K, Set<Dependent>>(), new Suspects<K>(tracker));
  }

  /**
   * Keyed by objects (a function's facts). The index of what entries read holds their keys: `delete` the keys
   * that will not be asked again (a replaced file's functions), else they are kept with their entries.
   */
  static byObject<K extends object, V>(tracker: Tracker): Memo<K, V> {
    return new Memo<K, V>(
      tracker,
      new WeakMap<K, Entry<V>>(),
      new WeakMap<K, Set<Dependent>>(),
      new Suspects<K>(tracker),
    );
  }

  /**
   * The value for `key`: the kept one while it is valid (see `valid`), else `compute()`'s, kept
   * unless `keep` says it is not final (a search cut short by a cycle).
   */
  get(key: K, compute: () => V, keep?: (value: V) => boolean): V {
    this.asked++;
    const known = this.entries.get(key);
    if (known && this.valid(key, known)) {
      this.tracker.readEntry(this, key, known.stamp);
      return known.value;
    }
    this.computed++;
    const { value, reads } = this.tracker.collect(compute);
    if (!keep || keep(value)) {
      const stamp = known && Object.is(known.value, value) ? known.stamp : this.tracker.stamp();
      this.withUses += (reads.uses ? 1 : 0) - (known?.uses ? 1 : 0);
      const self = known?.self ?? (reads.uses ? { memo: this, key } : undefined);
      if (known?.uses) this.unlink(known.uses, self!);
      if (reads.uses) this.link(reads.uses, self!);
      // What used the old value holds an edge to a stamp that is gone
      if (known && known.stamp !== stamp) this.orphanDependents(key);
      this.entries.set(key, {
        value,
        reads: reads.reads,
        uses: reads.uses,
        verifiedAt: this.tracker.revision,
        stamp,
        checking: false,
        self,
      });
      this.suspects.track(key, known?.reads, reads.reads);
      // Its edges are to the values it just got: whatever orphaned the old entry does not concern this one
      this.orphans.delete(key);
      this.tracker.readEntry(this, key, stamp);
    } else {
      this.delete(key);
      // No entry to point to: what it read counts as read by the computation that asked
      this.tracker.readAll(reads);
    }
    return value;
  }

  /** Whether `key`'s entry is valid now with the value stamped `stamp`: checked for an entry that used it. */
  holds(key: unknown, stamp: number): boolean {
    const known = this.entries.get(key as K);
    return known !== undefined && known.stamp === stamp && this.valid(key as K, known);
  }

  /**
   * Whether a kept entry is valid in this revision: checked once per revision, then valid until the next.
   * Valid when its own reads answer the same (with a reverse index, only the entries an edit touched are
   * asked) and every entry it used is valid and holds the same value. An entry it used that is not valid
   * now is not recomputed here — its computation runs in its caller's context (a search's depth and path),
   * which only the caller has — so the check fails and the caller recomputes, asking for that entry again.
   * Backdating therefore helps where the used entry was already recomputed in this revision with an equal value.
   */
  private valid(key: K, known: Entry<V>): boolean {
    const revision = this.tracker.revision;
    if (known.verifiedAt === revision) return true;
    if (known.checking) return false;
    if (!this.suspects.clear(key)) {
      if (!this.tracker.unchanged(known, known.verifiedAt)) return false;
      this.suspects.verified(key);
    }
    const uses = known.uses;
    if (uses) {
      known.checking = true;
      try {
        for (let i = 0; i < uses.length; i += 3)
          if (!(uses[i] as EntrySource).holds(uses[i + 1], uses[i + 2] as number)) return false;
      } finally {
        known.checking = false;
      }
    }
    known.verifiedAt = revision;
    return true;
  }

  /**
   * The keys whose entries may not be valid now: those whose reads an edit touched (noted by logged views), and
   * those that used, directly or through other entries, an entry whose reads it touched or that was deleted or
   * recomputed to another value (the edges reversed, across every memo they lead to). Undefined when that is not
   * known: some entry on the way reads a view that does not log its changes. Every other kept entry is valid. A
   * superset: asking a key still checks its entry. The caller asks every key returned, in this revision (the
   * entries orphaned by a deletion are handed out once).
   */
  touchedKeys(): K[] | undefined {
    if (this.withUses === 0 && this.orphans.size === 0) return this.suspects.all();
    type AnyMemo = Memo<unknown, unknown>;
    const memos: AnyMemo[] = [this];
    for (let i = 0; i < memos.length; i++)
      for (const used of memos[i].usedMemos) if (!memos.includes(used)) memos.push(used);
    const seen = new Map<AnyMemo, Set<unknown>>();
    /** Pairs of (memo, key), flat. */
    const work: unknown[] = [];
    const add = (memo: AnyMemo, key: unknown) => {
      let keys = seen.get(memo);
      if (!keys) seen.set(memo, (keys = new Set()));
      if (keys.has(key)) return;
      keys.add(key);
      work.push(memo, key);
    };
    for (const memo of memos) {
      const own = memo.suspects.all();
      if (!own) return undefined;
      for (const key of own) add(memo, key);
      for (const key of memo.orphans) add(memo, key);
    }
    for (const memo of memos) memo.orphans.clear();
    while (work.length) {
      const key = work.pop();
      const memo = work.pop() as AnyMemo;
      const dependents = memo.dependents.get(key);
      if (dependents) for (const d of dependents) add(d.memo as AnyMemo, d.key);
    }
    return [...(seen.get(this) ?? [])] as K[];
  }

  delete(key: K): void {
    const known = this.entries.get(key);
    if (!known) return;
    if (known.uses) {
      this.withUses--;
      this.unlink(known.uses, known.self!);
    }
    this.suspects.track(key, known.reads, undefined);
    this.orphanDependents(key);
    this.orphans.delete(key);
    this.entries.delete(key);
  }

  addDependent(key: unknown, dependent: Dependent): void {
    let set = this.dependents.get(key as K);
    if (!set) this.dependents.set(key as K, (set = new Set()));
    set.add(dependent);
  }

  removeDependent(key: unknown, dependent: Dependent): void {
    const set = this.dependents.get(key as K);
    if (set?.delete(dependent) && set.size === 0) this.dependents.delete(key as K);
  }

  /** Registers `self` with each entry it used (flat `[memo, key, stamp, …]`). */
  private link(uses: readonly unknown[], self: Dependent): void {
    for (let i = 0; i < uses.length; i += 3) {
      const memo = uses[i] as Memo<unknown, unknown>;
      memo.addDependent(uses[i + 1], self);
      this.usedMemos.add(memo);
    }
  }

  private unlink(uses: readonly unknown[], self: Dependent): void {
    for (let i = 0; i < uses.length; i += 3) (uses[i] as EntrySource).removeDependent(uses[i + 1], self);
  }

  /** The entries that used `key`'s entry are not valid now: handed out by their memos' next touchedKeys. */
  private orphanDependents(key: K): void {
    const dependents = this.dependents.get(key);
    if (dependents) for (const d of dependents) (d.memo as Memo<unknown, unknown>).orphans.add(d.key);
  }
}

/**
 * The entries of one memo that an edit may have touched, by a reverse index of what each read: the logged
 * views say which of their answers changed (their notes since the last look), and only the entries that read
 * one of those are asked again (`Tracker.unchanged`, as without this index). Every other entry is valid
 * without a look at its reads, so a revision costs what the edit touched rather than one check per entry.
 * Entries that read a view that does not log its changes are always asked. Only an entry's own reads are
 * indexed: the entries it used are checked through their edges (`Memo.valid`), and found through the edges
 * reversed (`Memo.touchedKeys`).
 */
class Suspects<K> {
  /** The tracker's count of notes when the views' logs were last read: while unmoved, there is nothing new to read. */
  private swept = -1;
  /** Per logged view, per question, the entries that asked it; and how far the view's notes were read. */
  private readonly readers = new Map<Source, Reader<K>>();
  /** Entries that read a view without a log of its changes. */
  private readonly unlogged = new Set<K>();
  private readonly suspect = new Set<K>();

  /** `tracker`: the one the views this memo's entries read record into (their notes bump its count). */
  constructor(private readonly tracker: Tracker) {}

  /** Whether `key`'s entry is known valid: nothing it read was noted as changed since it was last checked. */
  clear(key: K): boolean {
    this.sweep();
    return !this.suspect.has(key) && !this.unlogged.has(key);
  }

  /** Every entry `clear` would not call clear now; undefined when some entry reads an unlogged view. */
  all(): K[] | undefined {
    this.sweep();
    return this.unlogged.size ? undefined : [...this.suspect];
  }

  /** After a check of its reads found them unchanged. */
  verified(key: K): void {
    this.suspect.delete(key);
  }

  /** Moves `key`'s registrations from the reads it had (`before`, flat triples) to the ones it has now (`after`). */
  track(key: K, before: readonly unknown[] | undefined, after: readonly unknown[] | undefined): void {
    // Notes made before this point concern the old reads: read them first, so they do not mark the new entry
    this.sweep();
    if (before) {
      let last: Source | undefined;
      let questions: Map<unknown, Askers<K>> | undefined;
      for (let i = 0; i < before.length; i += 3) {
        const source = before[i] as Source;
        if (source !== last) questions = this.readers.get((last = source))?.questions;
        if (!questions) continue;
        const question = before[i + 1];
        const askers = questions.get(question);
        if (askers === key) questions.delete(question);
        else if (askers instanceof Many) {
          askers.keys.delete(key);
          if (askers.keys.size === 0) questions.delete(question);
        }
      }
    }
    this.unlogged.delete(key);
    this.suspect.delete(key);
    if (!after) return;
    let last: Source | undefined;
    let questions: Map<unknown, Askers<K>> | undefined;
    for (let i = 0; i < after.length; i += 3) {
      const source = after[i] as Source;
      if (source !== last) {
        last = source;
        questions = undefined;
        if (source.logged) {
          let reader = this.readers.get(source);
          if (!reader) {
            reader = { questions: new Map(), cursor: source.changesAfter!(undefined).cursor };
            this.readers.set(source, reader);
          }
          questions = reader.questions;
        }
      }
      if (!questions) {
        this.unlogged.add(key);
        continue;
      }
      const question = after[i + 1];
      const askers = questions.get(question);
      if (askers === undefined) questions.set(question, key);
      else if (askers instanceof Many) askers.keys.add(key);
      else if (askers !== key) questions.set(question, new Many(askers, key));
    }
  }

  /** Marks the entries that read an answer noted as changed since the last look. */
  private sweep(): void {
    if (this.swept === this.tracker.notes) return;
    this.swept = this.tracker.notes;
    for (const [source, reader] of this.readers) {
      if (reader.cursor && !source.movedSince!(reader.cursor)) continue;
      const { keys, cursor } = source.changesAfter!(reader.cursor);
      reader.cursor = cursor;
      if (!keys) {
        for (const askers of reader.questions.values()) this.mark(askers);
        continue;
      }
      for (const question of keys) {
        const askers = reader.questions.get(question);
        if (askers !== undefined) this.mark(askers);
      }
    }
  }

  private mark(askers: Askers<K>): void {
    if (askers instanceof Many) for (const k of askers.keys) this.suspect.add(k);
    else this.suspect.add(askers);
  }
}

/** One logged view's questions, each with the entries that asked it, and how far its notes were read. */
interface Reader<K> {
  questions: Map<unknown, Askers<K>>;
  cursor: LogCursor | undefined;
}

/**
 * The entries that asked one question: the entry's key itself while only one did (most questions; a Set each
 * was a third of what a cold build kept for this index), else a set of them.
 */
type Askers<K> = K | Many<K>;

class Many<K> {
  readonly keys: Set<K>;
  constructor(a: K, b: K) {
    this.keys = new Set([a, b]);
  }
}
