import { afterAll, describe, expect, it } from 'vitest';

import { gpuContext, gpuUnavailableReason, quantizeInt8, releaseGpu, searchVectors, searchVectorsInt8 } from '../../src/index.js';
import { referenceDistance } from '../../src/vectors/reference.js';
import { validateInt8Search } from '../../src/vectors/validate.js';
import { expectSameTopK, random, randomVectors } from './helpers.js';

const gpu = await gpuContext();

afterAll(releaseGpu);

describe('quantizeInt8', () => {
  it('keeps each component within scale / 2', () => {
    const dim = 33;
    const vectors = randomVectors(20, dim, 31);
    const { values, scales } = quantizeInt8(vectors, dim);
    for (let i = 0; i < vectors.length; i++) {
      const scale = scales[Math.floor(i / dim)];
      expect(Math.abs(values[i] * scale - vectors[i])).toBeLessThanOrEqual(scale / 2 + 1e-7);
    }
  });

  it('maps the zero vector to scale 0', () => {
    const { values, scales } = quantizeInt8(new Float32Array(8), 4);
    expect(Array.from(scales)).toEqual([0, 0]);
    expect(values.every((v) => v === 0)).toBe(true);
  });

  it('inner products stay within the stated bound', () => {
    const dim = 64;
    const a = randomVectors(10, dim, 32);
    const b = randomVectors(10, dim, 33);
    const qa = quantizeInt8(a, dim);
    const qb = quantizeInt8(b, dim);
    for (let i = 0; i < 10; i++) {
      let exact = 0;
      let quantized = 0;
      let normA = 0;
      let normB = 0;
      for (let j = 0; j < dim; j++) {
        exact += a[i * dim + j] * b[i * dim + j];
        quantized += qa.values[i * dim + j] * qa.scales[i] * qb.values[i * dim + j] * qb.scales[i];
        normA += Math.abs(a[i * dim + j]);
        normB += Math.abs(b[i * dim + j]);
      }
      const bound = (qa.scales[i] * normB + qb.scales[i] * normA) / 2 + (dim * qa.scales[i] * qb.scales[i]) / 4;
      expect(Math.abs(quantized - exact)).toBeLessThanOrEqual(bound);
    }
  });
});

for (const backend of ['wasm', 'webgpu'] as const) {
  const skip = backend === 'webgpu' && !gpu;
  describe.skipIf(skip)(`searchVectorsInt8 on ${backend}${skip ? ` (skipped: ${gpuUnavailableReason()})` : ''}`, () => {
    it.each([16, 37, 384])('matches the reference at dim %i', async (dim) => {
      const base = quantizeInt8(randomVectors(200, dim, dim), dim);
      const queries = quantizeInt8(randomVectors(6, dim, dim + 1), dim);
      const options = { base: base.values, baseScales: base.scales, queries: queries.values, queryScales: queries.scales, dim, k: 12 };
      const expected = await searchVectorsInt8({ ...options, backend: 'reference' });
      const found = await searchVectorsInt8({ ...options, backend });
      expect(found.backend).toBe(backend);
      const problem = validateInt8Search(options);
      // Integer dot products are exact in every backend; only the f32 scaling
      // rounds, a few ulp of distances below 16, so under 1e-5.
      expectSameTopK(found, expected, (q, row) => Math.fround(referenceDistance(problem, q, row)), 12, 1e-5);
    });

    it('candidate subset with extreme values', async () => {
      const dim = 20;
      const next = random(40);
      const base = Int8Array.from({ length: 50 * dim }, () => (next() > 0 ? 127 : -127));
      const baseScales = Float32Array.from({ length: 50 }, () => 0.5 + next());
      const queries = Int8Array.from({ length: 2 * dim }, () => -127);
      const candidates = new Int32Array([49, 0, 17, 33, 2]);
      const options = { base, baseScales, queries, queryScales: new Float32Array([1, 2]), dim, k: 5, candidates };
      const expected = await searchVectorsInt8({ ...options, backend: 'reference' });
      const found = await searchVectorsInt8({ ...options, backend });
      const problem = validateInt8Search(options);
      expectSameTopK(found, expected, (q, row) => Math.fround(referenceDistance(problem, q, row)), 5, 1e-3);
    });
  });
}

describe('int8 search against float search', () => {
  it('recovers most of the float top-10', async () => {
    const dim = 96;
    const base = randomVectors(1000, dim, 50);
    const queries = randomVectors(8, dim, 51);
    const exact = await searchVectors({ base, queries, dim, k: 10, metric: 'ip', backend: 'wasm' });
    const qb = quantizeInt8(base, dim);
    const qq = quantizeInt8(queries, dim);
    const approx = await searchVectorsInt8({ base: qb.values, baseScales: qb.scales, queries: qq.values, queryScales: qq.scales, dim, k: 10, backend: 'wasm' });
    let hits = 0;
    for (let q = 0; q < 8; q++) {
      const truth = new Set(exact.indices.subarray(q * 10, q * 10 + 10));
      for (const row of approx.indices.subarray(q * 10, q * 10 + 10)) if (truth.has(row)) hits++;
    }
    // Quantization error (about 1% of each product here) may swap near neighbours, but not most of them.
    expect(hits / 80).toBeGreaterThanOrEqual(0.8);
  });

  it('rejects scales of the wrong length', async () => {
    const base = new Int8Array(8);
    await expect(searchVectorsInt8({ base, baseScales: new Float32Array(3), queries: new Int8Array(4), queryScales: new Float32Array(1), dim: 4, k: 1 })).rejects.toThrow(/baseScales: expected length 2/);
  });
});
