// A FIFO on a circular array: push and shift move an index, never the elements nor the backing
// store. A connection's requests in flight passed through an array with push/shift, and V8 trims
// a shifted array's store at the front, so pushes kept allocating a new one (~40 B a request).

export class Ring<T> {
  private items: Array<T | undefined>;
  private head = 0;
  length = 0;

  constructor(capacity = 4) {
    this.items = new Array<T | undefined>(Math.max(1, capacity)).fill(undefined);
  }

  push(x: T): void {
    if (this.length === this.items.length) this.grow();
    this.items[(this.head + this.length) % this.items.length] = x;
    this.length++;
  }

  /** The oldest entry, or undefined when empty. */
  peek(): T | undefined {
    return this.length === 0 ? undefined : this.items[this.head];
  }

  /** The entry `i` places after the oldest (0: the oldest), or undefined past the end. */
  at(i: number): T | undefined {
    return i < 0 || i >= this.length ? undefined : this.items[(this.head + i) % this.items.length];
  }

  /** Removes and returns the oldest entry (its slot let go: a taken entry is not kept alive). */
  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const x = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.items.length;
    this.length--;
    return x;
  }

  /** Every entry, oldest first, leaving the ring empty. */
  takeAll(): T[] {
    const out: T[] = [];
    while (this.length > 0) out.push(this.shift() as T);
    return out;
  }

  private grow(): void {
    const n = this.items.length;
    const next = new Array<T | undefined>(n * 2).fill(undefined);
    for (let k = 0; k < n; k++) next[k] = this.items[(this.head + k) % n];
    this.items = next;
    this.head = 0;
  }
}
