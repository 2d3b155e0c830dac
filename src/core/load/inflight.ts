// The requests in flight of one measuring thread, in send order, as an intrusive doubly-linked
// list: adding and removing one is a few pointer writes (a Set hashed every request twice, a
// measurable part of a run's per-request JS). Every request has the same `-t`, so send order is
// deadline order, and the deadline sweep only ever looks at the front.

/** What the list threads through: the request object itself carries the links (no node per entry). */
export interface Linked<T> {
  prev: T | undefined;
  next: T | undefined;
  /** In the list now (removing twice, or an entry never added, is a no-op). */
  linked: boolean;
}

export class InflightList<T extends Linked<T>> {
  head: T | undefined = undefined;
  private tail: T | undefined = undefined;
  size = 0;

  add(x: T): void {
    if (x.linked) return;
    x.linked = true;
    x.prev = this.tail;
    x.next = undefined;
    if (this.tail) this.tail.next = x;
    else this.head = x;
    this.tail = x;
    this.size++;
  }

  delete(x: T): void {
    if (!x.linked) return;
    x.linked = false;
    if (x.prev) x.prev.next = x.next;
    else this.head = x.next;
    if (x.next) x.next.prev = x.prev;
    else this.tail = x.prev;
    // Unlinked entries keep no references: an answered request holds nothing alive.
    x.prev = x.next = undefined;
    this.size--;
  }

  /** The entries from the front while `pred` holds, as an array (safe to act on while the list changes). */
  frontWhile(pred: (x: T) => boolean): T[] {
    const out: T[] = [];
    for (let x = this.head; x && pred(x); x = x.next) out.push(x);
    return out;
  }

  /** Every entry, front first, as an array. */
  toArray(): T[] {
    return this.frontWhile(() => true);
  }
}
