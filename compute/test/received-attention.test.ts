import { describe, expect, it } from 'vitest';

import { rankByReceivedAttention } from '../src/received-attention.js';

/** Direct float64 column sums of softmax(K Kᵀ / √d) for one head, row by row. */
function columnSums(keys: number[][]): number[] {
  const d = keys[0].length;
  const sums = new Array(keys.length).fill(0);
  for (const q of keys) {
    const scores = keys.map((k) => k.reduce((s, x, i) => s + x * q[i], 0) / Math.sqrt(d));
    const exps = scores.map((s) => Math.exp(s));
    const total = exps.reduce((a, b) => a + b, 0);
    exps.forEach((e, j) => (sums[j] += e / total));
  }
  return sums;
}

describe('rankByReceivedAttention', () => {
  it('matches direct column sums', () => {
    const perHead = [
      [[1, 0], [0.9, 0.1], [0, 2], [1, 1]],
      [[0, 1], [3, 0], [0.5, 0.5], [-1, 0]],
    ];
    const keys = new Float32Array(4 * 2 * 2);
    for (let t = 0; t < 4; t++) for (let h = 0; h < 2; h++) keys.set(perHead[h][t], (t * 2 + h) * 2);
    const result = rankByReceivedAttention({ keys, tokens: 4, heads: 2, dim: 2, keep: 2 });
    for (let h = 0; h < 2; h++) {
      const expected = columnSums(perHead[h].map((k) => k.map(Math.fround)));
      expected.forEach((value, j) => expect(result.received[h * 4 + j]).toBeCloseTo(value, 12));
      const total = expected.reduce((a, b) => a + b, 0);
      expect(total).toBeCloseTo(4, 12);
      const best = [0, 1, 2, 3].sort((a, b) => expected[b] - expected[a] || a - b).slice(0, 2);
      expect(Array.from(result.indices.subarray(h * 2, h * 2 + 2))).toEqual(best);
    }
  });

  it('ranks a repeated key above unique ones', () => {
    const rows = [[0, 0, 4], [4, 0, 0], [0, 4, 0], [4, 0, 0], [4, 0, 0]];
    const keys = Float32Array.from(rows.flat());
    const result = rankByReceivedAttention({ keys, tokens: 5, heads: 1, dim: 3, keep: 1 });
    expect(result.indices[0]).toBe(1);
  });

  it('clamps keep to the token count', () => {
    const keys = new Float32Array(3 * 4).fill(1);
    const result = rankByReceivedAttention({ keys, tokens: 3, heads: 1, dim: 4, keep: 8 });
    expect(result.kept).toBe(3);
    expect(Array.from(result.indices)).toEqual([0, 1, 2]);
  });

  it('rejects keys of the wrong length', () => {
    expect(() => rankByReceivedAttention({ keys: new Float32Array(5), tokens: 3, heads: 1, dim: 2, keep: 1 })).toThrow(/length 6/);
  });
});
