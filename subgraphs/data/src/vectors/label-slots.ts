/**
 * Map from a row label to its slot in a ColumnIndex, keyed by the label's
 * two 32-bit halves. Filtered search looks up tens of thousands of labels
 * per query, read as pairs of 32-bit integers from DuckDB result columns
 * and from usearch's BigUint64Array, so lookups through `getParts` build no
 * BigInt.
 *
 * Open addressing with linear probing; a deleted entry leaves a tombstone,
 * and the table is rebuilt when live entries plus tombstones pass half its
 * capacity.
 */
export class LabelSlots {
  /**
   * Entry i is (high, low, slot, unused) at 4i..4i+3, so a probe touches one
   * cache line; slot is EMPTY, DELETED or the label's slot.
   */
  private entries: Int32Array;
  private mask: number;
  private live = 0;
  private occupied = 0;

  constructor(capacity = 1024) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.entries = emptyEntries(size);
    this.mask = size - 1;
  }

  get size(): number {
    return this.live;
  }

  /** Slot of the label whose high and low 32 bits are given (as signed 32-bit integers), or −1. */
  getParts(high: number, low: number): number {
    const entries = this.entries;
    for (let i = bucket(high, low) & this.mask; ; i = (i + 1) & this.mask) {
      const at = i << 2;
      const slot = entries[at + 2];
      if (slot === EMPTY) return -1;
      if (slot !== DELETED && entries[at] === high && entries[at + 1] === low) return slot;
    }
  }

  get(label: bigint): number | undefined {
    const slot = this.getParts(highOf(label), lowOf(label));
    return slot < 0 ? undefined : slot;
  }

  has(label: bigint): boolean {
    return this.getParts(highOf(label), lowOf(label)) >= 0;
  }

  /** Sets the slot of a label; `slot` must be a non-negative 32-bit integer. */
  set(label: bigint, slot: number): void {
    const high = highOf(label);
    const low = lowOf(label);
    const entries = this.entries;
    let free = -1;
    for (let i = bucket(high, low) & this.mask; ; i = (i + 1) & this.mask) {
      const at = i << 2;
      const current = entries[at + 2];
      if (current === EMPTY) {
        if (free < 0) {
          free = at;
          this.occupied++;
        }
        break;
      }
      if (current === DELETED) {
        if (free < 0) free = at;
        continue;
      }
      if (entries[at] === high && entries[at + 1] === low) {
        entries[at + 2] = slot;
        return;
      }
    }
    entries[free] = high;
    entries[free + 1] = low;
    entries[free + 2] = slot;
    this.live++;
    if (this.occupied * 2 > this.capacity) this.rehash();
  }

  delete(label: bigint): boolean {
    const high = highOf(label);
    const low = lowOf(label);
    const entries = this.entries;
    for (let i = bucket(high, low) & this.mask; ; i = (i + 1) & this.mask) {
      const at = i << 2;
      const slot = entries[at + 2];
      if (slot === EMPTY) return false;
      if (slot !== DELETED && entries[at] === high && entries[at + 1] === low) {
        entries[at + 2] = DELETED;
        this.live--;
        return true;
      }
    }
  }

  /** Slots of every live label, in table order. */
  *values(): IterableIterator<number> {
    for (let at = 2; at < this.entries.length; at += 4) if (this.entries[at] >= 0) yield this.entries[at];
  }

  private get capacity(): number {
    return this.mask + 1;
  }

  /** Rebuilds the table without tombstones, doubling it when live entries fill more than a quarter. */
  private rehash(): void {
    const old = this.entries;
    let size = this.capacity;
    if (this.live * 4 > size) size *= 2;
    const entries = emptyEntries(size);
    this.entries = entries;
    this.mask = size - 1;
    this.live = 0;
    this.occupied = 0;
    for (let from = 0; from < old.length; from += 4) {
      if (old[from + 2] < 0) continue;
      let i = bucket(old[from], old[from + 1]) & this.mask;
      while (entries[(i << 2) + 2] !== EMPTY) i = (i + 1) & this.mask;
      entries.set(old.subarray(from, from + 3), i << 2);
      this.live++;
      this.occupied++;
    }
  }
}

/** Allocates a table of `size` entries, all EMPTY. */
function emptyEntries(size: number): Int32Array {
  const entries = new Int32Array(size * 4);
  for (let at = 2; at < entries.length; at += 4) entries[at] = EMPTY;
  return entries;
}

const EMPTY = -1;
const DELETED = -2;

/** Signed high 32 bits of a 64-bit label. */
export function highOf(label: bigint): number {
  return Number(BigInt.asIntN(32, label >> 32n));
}

/** Signed low 32 bits of a 64-bit label. */
export function lowOf(label: bigint): number {
  return Number(BigInt.asIntN(32, label));
}

/** Table position of a label: both halves mixed by multiply-xorshift, since labels that differ only in their high bits must spread too. */
export function bucket(high: number, low: number): number {
  let h = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  return Math.imul(h, 0xc2b2ae35) ^ (h >>> 13);
}
