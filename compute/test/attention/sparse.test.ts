import { afterAll, describe, expect, it } from 'vitest';

import { encodeHalf, gpuContext, gpuUnavailableReason, KernelInputError, quantizeInt8, releaseGpu, sparseAttention } from '../../src/index.js';
import type { SparseAttentionOptions } from '../../src/index.js';
import { decodeHalf } from '../../src/attention/half.js';
import { randomVectors } from '../vectors/helpers.js';

const gpu = await gpuContext();

afterAll(releaseGpu);

interface Dense {
  indices: number[][];
  scores: number[][];
  weights: number[][];
  readout: number[][];
}

/**
 * Float64 dense attention from already-decoded f32 keys and values: every
 * score, a full sort, softmax over the first topK at or above minScore.
 */
function dense(queries: Float32Array, keys: Float32Array, values: Float32Array, tokens: number, heads: number, dim: number, topK: number, minScore = -Infinity): Dense {
  const out: Dense = { indices: [], scores: [], weights: [], readout: [] };
  for (let h = 0; h < heads; h++) {
    const ranked: { token: number; score: number }[] = [];
    for (let j = 0; j < tokens; j++) {
      let dot = 0;
      for (let i = 0; i < dim; i++) dot += queries[h * dim + i] * keys[(j * heads + h) * dim + i];
      const score = dot / Math.sqrt(dim);
      if (score >= minScore) ranked.push({ token: j, score });
    }
    ranked.sort((a, b) => b.score - a.score || a.token - b.token);
    const chosen = ranked.slice(0, topK);
    const best = chosen.length ? chosen[0].score : 0;
    const raw = chosen.map((c) => Math.exp(c.score - best));
    const total = raw.reduce((a, b) => a + b, 0);
    const readout = new Array<number>(dim).fill(0);
    chosen.forEach((c, s) => {
      for (let i = 0; i < dim; i++) readout[i] += (raw[s] / total) * values[(c.token * heads + h) * dim + i];
    });
    out.indices.push(chosen.map((c) => c.token));
    out.scores.push(chosen.map((c) => c.score));
    out.weights.push(raw.map((w) => w / total));
    out.readout.push(readout);
  }
  return out;
}

function dequantize(values: Int8Array, scales: Float32Array, dim: number): Float32Array {
  return Float32Array.from(values, (v, i) => v * scales[Math.floor(i / dim)]);
}

/**
 * Checks a result against the dense oracle. A selected token may differ from
 * the oracle's only in a near tie: its exact score must then be within
 * `tolerance` of the oracle's score at that rank.
 */
function expectMatchesDense(result: Awaited<ReturnType<typeof sparseAttention>>, oracle: Dense, topK: number, dim: number, tolerance: number, exactScore: (h: number, token: number) => number): void {
  oracle.indices.forEach((expected, h) => {
    expect(result.selected[h], `selected of head ${h}`).toBe(expected.length);
    for (let s = 0; s < topK; s++) {
      const at = h * topK + s;
      if (s >= expected.length) {
        expect(result.indices[at], `padding index ${at}`).toBe(-1);
        expect(result.weights[at], `padding weight ${at}`).toBe(0);
        continue;
      }
      expect(Math.abs(result.scores[at] - oracle.scores[h][s]), `score ${at}`).toBeLessThanOrEqual(tolerance);
      if (result.indices[at] !== expected[s]) {
        expect(Math.abs(exactScore(h, result.indices[at]) - oracle.scores[h][s]), `near tie at ${at}`).toBeLessThanOrEqual(2 * tolerance);
      }
      expect(Math.abs(result.weights[at] - oracle.weights[h][s]), `weight ${at}`).toBeLessThanOrEqual(tolerance * 4);
    }
    for (let i = 0; i < dim; i++) {
      expect(Math.abs(result.readout[h * dim + i] - oracle.readout[h][i]), `readout ${h},${i}`).toBeLessThanOrEqual(tolerance * 4);
    }
  });
}

const tokens = 300;
const heads = 3;
const dim = 40;
const topK = 16;
const queries = randomVectors(heads, dim, 61);
const keys = randomVectors(tokens * heads, dim, 62);
const values = randomVectors(tokens * heads, dim, 63);

function exactScoreOf(decodedKeys: Float32Array) {
  return (h: number, token: number) => {
    let dot = 0;
    for (let i = 0; i < dim; i++) dot += queries[h * dim + i] * decodedKeys[(token * heads + h) * dim + i];
    return dot / Math.sqrt(dim);
  };
}

for (const backend of ['reference', 'wasm', 'webgpu'] as const) {
  const skip = backend === 'webgpu' && !gpu;
  describe.skipIf(skip)(`sparseAttention on ${backend}${skip ? ` (skipped: ${gpuUnavailableReason()})` : ''}`, () => {
    const base = { queries, tokens, heads, dim, topK, backend } satisfies Partial<SparseAttentionOptions>;

    it('f32 keys and values match float64 dense attention', async () => {
      const result = await sparseAttention({ ...base, keys, values });
      expect(result.backend).toBe(backend);
      // f32 sums of 40 products of values in [-1, 1]: within 1e-5.
      expectMatchesDense(result, dense(queries, keys, values, tokens, heads, dim, topK), topK, dim, 1e-5, exactScoreOf(keys));
    });

    it('f16 storage matches dense attention on the decoded halves', async () => {
      const halfKeys = encodeHalf(keys);
      const halfValues = encodeHalf(values);
      const decodedKeys = decodeHalf(halfKeys);
      const result = await sparseAttention({ ...base, keys: halfKeys, values: halfValues });
      expectMatchesDense(result, dense(queries, decodedKeys, decodeHalf(halfValues), tokens, heads, dim, topK), topK, dim, 1e-5, exactScoreOf(decodedKeys));
    });

    it('int8 storage matches dense attention on the dequantized values', async () => {
      const quantizedKeys = quantizeInt8(keys, dim);
      const quantizedValues = quantizeInt8(values, dim);
      const decodedKeys = dequantize(quantizedKeys.values, quantizedKeys.scales, dim);
      const result = await sparseAttention({
        ...base,
        keys: quantizedKeys.values,
        keyScales: quantizedKeys.scales,
        values: quantizedValues.values,
        valueScales: quantizedValues.scales,
      });
      // The wasm kernel rounds queries to int16: max|q|/65534 · Σ|k| / √dim ≤ 1/65534 · 40 / 6.3 < 1e-4.
      const tolerance = backend === 'wasm' ? 1e-4 : 1e-5;
      const oracle = dense(queries, decodedKeys, dequantize(quantizedValues.values, quantizedValues.scales, dim), tokens, heads, dim, topK);
      expectMatchesDense(result, oracle, topK, dim, tolerance, exactScoreOf(decodedKeys));
    });

    it('mixed storage: int8 keys with f16 values', async () => {
      const quantizedKeys = quantizeInt8(keys, dim);
      const halfValues = encodeHalf(values);
      const result = await sparseAttention({ ...base, keys: quantizedKeys.values, keyScales: quantizedKeys.scales, values: halfValues });
      const decodedKeys = dequantize(quantizedKeys.values, quantizedKeys.scales, dim);
      const oracle = dense(queries, decodedKeys, decodeHalf(halfValues), tokens, heads, dim, topK);
      expectMatchesDense(result, oracle, topK, dim, backend === 'wasm' ? 1e-4 : 1e-5, exactScoreOf(decodedKeys));
    });

    it('topK above the token count pads with -1', async () => {
      const few = 5;
      const result = await sparseAttention({ ...base, tokens: few, keys: keys.subarray(0, few * heads * dim), values: values.subarray(0, few * heads * dim) });
      expectMatchesDense(result, dense(queries, keys, values, few, heads, dim, topK), topK, dim, 1e-5, exactScoreOf(keys));
      expect(Array.from(result.selected)).toEqual([5, 5, 5]);
    });

    it('empty heads return zeros, never NaN', async () => {
      const none = await sparseAttention({ ...base, tokens: 0, keys: new Float32Array(0), values: new Float32Array(0) });
      expect(none.indices.every((i) => i === -1)).toBe(true);
      expect(none.weights.every((w) => w === 0)).toBe(true);
      expect(none.readout.every((v) => v === 0)).toBe(true);

      // A threshold above every score empties some heads and trims others.
      const minScore = 0.4;
      const trimmed = await sparseAttention({ ...base, keys, values, minScore });
      expectMatchesDense(trimmed, dense(queries, keys, values, tokens, heads, dim, topK, minScore), topK, dim, 1e-5, exactScoreOf(keys));
      const empty = await sparseAttention({ ...base, keys, values, minScore: 100 });
      expect(Array.from(empty.selected)).toEqual([0, 0, 0]);
      expect(empty.readout.every((v) => v === 0)).toBe(true);
      expect(empty.weights.every((w) => w === 0)).toBe(true);
    });

    it('large scores stay finite (stable softmax)', async () => {
      const loud = queries.map((q) => q * 1e4);
      const result = await sparseAttention({ ...base, queries: loud, keys, values });
      expect(result.weights.every(Number.isFinite)).toBe(true);
      expect(result.readout.every(Number.isFinite)).toBe(true);
      for (let h = 0; h < heads; h++) {
        const sum = result.weights.subarray(h * topK, (h + 1) * topK).reduce((a, b) => a + b, 0);
        expect(sum).toBeCloseTo(1, 5);
      }
    });

    it('duplicate keys tie by token id', async () => {
      const repeated = new Float32Array(10 * heads * dim);
      for (let j = 0; j < 10; j++) repeated.set(keys.subarray(0, heads * dim), j * heads * dim);
      const result = await sparseAttention({ ...base, tokens: 10, topK: 4, keys: repeated, values: values.subarray(0, 10 * heads * dim) });
      expect(Array.from(result.indices.subarray(0, 4))).toEqual([0, 1, 2, 3]);
      expect(Array.from(result.weights.subarray(0, 4))).toEqual([0.25, 0.25, 0.25, 0.25]);
    });
  });
}

describe('storage error bounds', () => {
  it('f16 moves each element by at most 2^-11 relative', () => {
    const decoded = decodeHalf(encodeHalf(values));
    for (let i = 0; i < values.length; i++) expect(Math.abs(decoded[i] - values[i])).toBeLessThanOrEqual(Math.abs(values[i]) * 2 ** -11 + 2 ** -25);
  });

  it('readout error from f16 and int8 values stays within the bound', async () => {
    const exact = await sparseAttention({ queries, keys, values, tokens, heads, dim, topK, backend: 'wasm' });
    const half = await sparseAttention({ queries, keys, values: encodeHalf(values), tokens, heads, dim, topK, backend: 'wasm' });
    const quantized = quantizeInt8(values, dim);
    const int8 = await sparseAttention({ queries, keys, values: quantized.values, valueScales: quantized.scales, tokens, heads, dim, topK, backend: 'wasm' });
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < dim; i++) {
        // Σ_s w_s · |error of v_s|: 2^-11 |v| for f16, scale / 2 for int8 (plus f32 rounding).
        let halfBound = 1e-6;
        let int8Bound = 1e-6;
        for (let s = 0; s < topK; s++) {
          const token = exact.indices[h * topK + s];
          const w = exact.weights[h * topK + s];
          halfBound += w * Math.abs(values[(token * heads + h) * dim + i]) * 2 ** -11;
          int8Bound += (w * quantized.scales[token * heads + h]) / 2;
        }
        expect(Math.abs(half.readout[h * dim + i] - exact.readout[h * dim + i])).toBeLessThanOrEqual(halfBound);
        expect(Math.abs(int8.readout[h * dim + i] - exact.readout[h * dim + i])).toBeLessThanOrEqual(int8Bound);
      }
    }
  });
});

describe('sparseAttention validation', () => {
  const base = { queries, keys, values, tokens, heads, dim, topK };

  it('rejects mismatched key length', async () => {
    await expect(sparseAttention({ ...base, keys: keys.subarray(1) })).rejects.toThrow(KernelInputError);
    await expect(sparseAttention({ ...base, values: values.subarray(0, 10) })).rejects.toThrow(/values: expected length 36000/);
  });

  it('rejects NaN queries and infinite halves', async () => {
    const bad = queries.slice();
    bad[3] = Number.NaN;
    await expect(sparseAttention({ ...base, queries: bad })).rejects.toThrow(/queries: expected finite numbers/);
    const halves = encodeHalf(keys);
    halves[10] = 0x7c00;
    await expect(sparseAttention({ ...base, keys: halves })).rejects.toThrow(/keys: expected finite half-precision values/);
  });

  it('requires scales for int8 storage', async () => {
    const q = quantizeInt8(keys, dim);
    await expect(sparseAttention({ ...base, keys: q.values })).rejects.toThrow(/keyScales/);
    await expect(sparseAttention({ ...base, keys: q.values, keyScales: q.scales.subarray(1) })).rejects.toThrow(/keyScales: expected length 900/);
  });

  it('rejects topK above 1024', async () => {
    await expect(sparseAttention({ ...base, topK: 1025 })).rejects.toThrow(/topK/);
  });
});
