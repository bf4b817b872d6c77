import { describe, expect, it } from 'vitest';

import { highOf, LabelSlots, lowOf } from '../src/vectors/label-slots.js';
import { markPassing } from '../src/vectors/search.js';

/** Deterministic 63-bit labels like DuckDB's hash(key) >> 1 (mulberry32 pairs). */
function labels(count: number, seed: number): bigint[] {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return Array.from({ length: count }, () => ((BigInt(next()) << 32n) | BigInt(next())) >> 1n);
}

describe('LabelSlots', () => {
  it('agrees with a Map through inserts, updates and deletes', () => {
    const map = new LabelSlots(4);
    const expected = new Map<bigint, number>();
    const all = labels(5000, 3);
    all.forEach((label, i) => {
      map.set(label, i);
      expected.set(label, i);
    });
    // Delete every third label, then re-add half of those with new slots.
    all.forEach((label, i) => {
      if (i % 3 !== 0) return;
      expect(map.delete(label)).toBe(true);
      expected.delete(label);
    });
    all.forEach((label, i) => {
      if (i % 6 !== 0) return;
      map.set(label, 100_000 + i);
      expected.set(label, 100_000 + i);
    });
    expect(map.size).toBe(expected.size);
    for (const label of all) {
      expect(map.get(label)).toBe(expected.get(label));
      expect(map.getParts(highOf(label), lowOf(label))).toBe(expected.get(label) ?? -1);
    }
    expect([...map.values()].sort((a, b) => a - b)).toEqual([...expected.values()].sort((a, b) => a - b));
    expect(map.delete(all[3])).toBe(false);
  });

  it('tells apart labels that differ only in high bits', () => {
    const map = new LabelSlots();
    const low = 0xdeadbeefn;
    map.set(low, 1);
    map.set((1n << 40n) | low, 2);
    map.set((1n << 62n) | low, 3);
    expect(map.get(low)).toBe(1);
    expect(map.get((1n << 40n) | low)).toBe(2);
    expect(map.get((1n << 62n) | low)).toBe(3);
    expect(map.get((1n << 41n) | low)).toBeUndefined();
  });

  it('splits labels into signed 32-bit halves', () => {
    const label = (0x7fffffffn << 32n) | 0xffffffffn;
    expect(highOf(label)).toBe(0x7fffffff);
    expect(lowOf(label)).toBe(-1);
    expect(new Int32Array([0xffffffff])[0]).toBe(lowOf(label));
  });
});

describe('markPassing', () => {
  it('marks exactly the passing labels', () => {
    const labels: bigint[] = [];
    for (let i = 0; i < 500; i++) labels.push((BigInt(i % 7) << 32n) | BigInt(i * 2654435761 % 4294967296));
    // These differ from each other only in their high half.
    for (let i = 0; i < 20; i++) labels.push(BigInt(i) << 32n);
    const found = BigInt64Array.from(labels.filter((_, i) => i % 3 === 0));
    const passingLabels = BigInt64Array.from(labels.filter((_, i) => i % 2 === 0));
    const passing = { parts: new Int32Array(passingLabels.buffer), count: passingLabels.length };
    const marked = markPassing(new Int32Array(found.buffer), found.length, passing);
    const expected = new Set(passingLabels);
    expect(Array.from(marked)).toEqual(Array.from(found, (label) => (expected.has(label) ? 1 : 0)));
    expect(marked.filter((m) => m === 1).length).toBeGreaterThan(50);
  });
});
