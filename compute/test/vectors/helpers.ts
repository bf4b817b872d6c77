import { expect } from 'vitest';

/** Deterministic uniform numbers in [-1, 1) (mulberry32), so failures reproduce. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

export function randomVectors(rows: number, dim: number, seed: number): Float32Array {
  const next = random(seed);
  return Float32Array.from({ length: rows * dim }, next);
}

/**
 * Compares a top-k result with the reference. Distances must agree within
 * `tolerance`; an index may differ from the reference only where the
 * reference distances are within `tolerance` of each other (a near tie that
 * f32 rounding may order either way), and then the returned row's exact
 * distance, from `exact`, must match the returned distance.
 */
export function expectSameTopK(
  found: { indices: Int32Array; distances: Float32Array },
  expected: { indices: Int32Array; distances: Float32Array },
  exact: (query: number, row: number) => number,
  k: number,
  tolerance: number,
): void {
  expect(found.indices.length).toBe(expected.indices.length);
  for (let i = 0; i < expected.indices.length; i++) {
    const query = Math.floor(i / k);
    expect(Math.abs(found.distances[i] - expected.distances[i]), `distance ${i}`).toBeLessThanOrEqual(tolerance);
    if (found.indices[i] !== expected.indices[i]) {
      expect(Math.abs(exact(query, found.indices[i]) - found.distances[i]), `row ${found.indices[i]} at ${i}`).toBeLessThanOrEqual(tolerance);
    }
  }
  // No row may appear twice in one query's list.
  for (let q = 0; q < expected.indices.length / k; q++) {
    const rows = found.indices.subarray(q * k, (q + 1) * k);
    expect(new Set(rows).size, `distinct rows of query ${q}`).toBe(k);
  }
}
