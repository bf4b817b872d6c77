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
  private high: Int32Array;
  private low: Int32Array;
  /** Slot of each table entry, EMPTY or DELETED. */
  private slots: Int32Array;
  private mask: number;
  private live = 0;
  private occupied = 0;

  constructor(capacity = 1024) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.high = new Int32Array(size);
    this.low = new Int32Array(size);
    this.slots = new Int32Array(size).fill(EMPTY);
    this.mask = size - 1;
  }

  get size(): number {
    return this.live;
  }

  /** Slot of the label whose high and low 32 bits are given (as signed 32-bit integers), or −1. */
  getParts(high: number, low: number): number {
    for (let i = bucket(high, low) & this.mask; ; i = (i + 1) & this.mask) {
      const slot = this.slots[i];
      if (slot === EMPTY) return -1;
      if (slot !== DELETED && this.high[i] === high && this.low[i] === low) return slot;
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
    let free = -1;
    for (let i = bucket(high, low) & this.mask; ; i = (i + 1) & this.mask) {
      const current = this.slots[i];
      if (current === EMPTY) {
        if (free < 0) {
          free = i;
          this.occupied++;
        }
        break;
      }
      if (current === DELETED) {
        if (free < 0) free = i;
        continue;
      }
      if (this.high[i] === high && this.low[i] === low) {
        this.slots[i] = slot;
        return;
      }
    }
    this.high[free] = high;
    this.low[free] = low;
    this.slots[free] = slot;
    this.live++;
    if (this.occupied * 2 > this.slots.length) this.rehash();
  }

  delete(label: bigint): boolean {
    const high = highOf(label);
    const low = lowOf(label);
    for (let i = bucket(high, low) & this.mask; ; i = (i + 1) & this.mask) {
      const slot = this.slots[i];
      if (slot === EMPTY) return false;
      if (slot !== DELETED && this.high[i] === high && this.low[i] === low) {
        this.slots[i] = DELETED;
        this.live--;
        return true;
      }
    }
  }

  /** Slots of every live label, in table order. */
  *values(): IterableIterator<number> {
    for (const slot of this.slots) if (slot >= 0) yield slot;
  }

  /** Rebuilds the table without tombstones, doubling it when live entries fill more than a quarter. */
  private rehash(): void {
    const { high, low, slots } = this;
    let size = slots.length;
    if (this.live * 4 > size) size *= 2;
    this.high = new Int32Array(size);
    this.low = new Int32Array(size);
    this.slots = new Int32Array(size).fill(EMPTY);
    this.mask = size - 1;
    this.live = 0;
    this.occupied = 0;
    for (let j = 0; j < slots.length; j++) {
      if (slots[j] < 0) continue;
      let i = bucket(high[j], low[j]) & this.mask;
      while (this.slots[i] !== EMPTY) i = (i + 1) & this.mask;
      this.high[i] = high[j];
      this.low[i] = low[j];
      this.slots[i] = slots[j];
      this.live++;
      this.occupied++;
    }
  }
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
function bucket(high: number, low: number): number {
  let h = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  return Math.imul(h, 0xc2b2ae35) ^ (h >>> 13);
}
