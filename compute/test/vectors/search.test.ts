import { afterAll, describe, expect, it } from 'vitest';

import { gpuContext, gpuUnavailableReason, KernelInputError, releaseGpu, searchVectors, type VectorMetric } from '../../src/index.js';
import { referenceDistance } from '../../src/vectors/reference.js';
import { validateSearch } from '../../src/vectors/validate.js';
import type { VectorSearchOptions } from '../../src/vectors/types.js';
import { expectSameTopK, random, randomVectors } from './helpers.js';

const gpu = await gpuContext();
const backends = ['wasm', 'webgpu'] as const;
// WebGPU cases are skipped, with the reason in their name, only where no adapter exists.
const suiteName = (backend: string) => (backend === 'webgpu' && !gpu ? `searchVectors on webgpu (skipped: ${gpuUnavailableReason()})` : `searchVectors on ${backend}`);
const METRICS: VectorMetric[] = ['l2sq', 'ip', 'cos'];
// f32 sums over dim ≤ 64 of values in [-1, 1] stay within 1e-5 of the float64 reference.
const TOLERANCE = 1e-5;

afterAll(releaseGpu);

async function compare(options: Omit<VectorSearchOptions, 'backend'>, backend: 'wasm' | 'webgpu'): Promise<void> {
  const expected = await searchVectors({ ...options, backend: 'reference' });
  const found = await searchVectors({ ...options, backend });
  expect(found.backend).toBe(backend);
  expect(found.k).toBe(expected.k);
  const problem = validateSearch(options);
  expectSameTopK(found, expected, (q, row) => Math.fround(referenceDistance(problem, q, row)), expected.k, TOLERANCE);
}

for (const backend of backends) describe.skipIf(backend === 'webgpu' && !gpu)(suiteName(backend), () => {
  it.each(METRICS)('random vectors, %s', async (metric) => {
    const dim = 37;
    await compare({ base: randomVectors(300, dim, 1), queries: randomVectors(9, dim, 2), dim, k: 10, metric }, backend);
  });

  // One query takes its own path in the wasm kernel; these dimensions cover each of its loop tails.
  it.each(METRICS.flatMap((metric) => [1, 5, 12, 13, 64].map((dim) => [metric, dim] as const)))('one query, %s, dim %i', async (metric, dim) => {
    await compare({ base: randomVectors(200, dim, 40 + dim), queries: randomVectors(1, dim, 41 + dim), dim, k: 7, metric }, backend);
  });

  it.each(METRICS)('k = n, %s', async (metric) => {
    const dim = 16;
    await compare({ base: randomVectors(40, dim, 3), queries: randomVectors(5, dim, 4), dim, k: 40, metric }, backend);
  });

  it('large k over several GPU segments', async () => {
    const dim = 8;
    await compare({ base: randomVectors(2500, dim, 5), queries: randomVectors(3, dim, 6), dim, k: 1024, metric: 'l2sq' }, backend);
  });

  it('duplicate vectors tie by row id', async () => {
    const dim = 12;
    const row = randomVectors(1, dim, 7);
    const base = new Float32Array(20 * dim);
    for (let r = 0; r < 20; r++) base.set(row, r * dim);
    const result = await searchVectors({ base, queries: randomVectors(2, dim, 8), dim, k: 20, metric: 'l2sq', backend });
    expect(Array.from(result.indices.subarray(0, 20))).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(new Set(result.distances.subarray(0, 20)).size).toBe(1);
  });

  it('zero vectors have cosine distance 1', async () => {
    const dim = 8;
    const base = randomVectors(6, dim, 9);
    base.fill(0, 2 * dim, 3 * dim);
    const queries = new Float32Array(2 * dim);
    queries.set(base.subarray(0, dim), dim);
    const result = await searchVectors({ base, queries, dim, k: 6, metric: 'cos', backend });
    expect(Array.from(result.distances.subarray(0, 6))).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Array.from(result.indices.subarray(0, 6))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(result.indices[6]).toBe(0);
    expect(result.distances[6]).toBeCloseTo(0, 6);
    expect(result.distances.every((d) => Number.isFinite(d))).toBe(true);
  });

  it('candidate subset returns only candidates', async () => {
    const dim = 24;
    const base = randomVectors(500, dim, 10);
    const next = random(11);
    const candidates = Int32Array.from(new Set(Array.from({ length: 120 }, () => Math.floor((next() + 1) * 250))));
    const options = { base, queries: randomVectors(6, dim, 12), dim, k: 15, metric: 'ip' as const, candidates };
    await compare(options, backend);
    const result = await searchVectors({ ...options, backend });
    const allowed = new Set(candidates);
    expect(result.indices.every((row) => allowed.has(row))).toBe(true);
  });

  it('fewer candidates than k returns all of them', async () => {
    const dim = 4;
    const candidates = new Uint32Array([7, 3, 11]);
    const result = await searchVectors({ base: randomVectors(20, dim, 13), queries: randomVectors(2, dim, 14), dim, k: 10, metric: 'l2sq', candidates, backend });
    expect(result.k).toBe(3);
    expect(result.indices.length).toBe(6);
    expect(Array.from(result.indices.subarray(0, 3)).sort((a, b) => a - b)).toEqual([3, 7, 11]);
  });

  it('integer-valued ties order by row id', async () => {
    const dim = 2;
    // Points on a circle of radius 5 around the query: equal squared distances 25.
    const base = new Float32Array([3, 4, 5, 0, 0, 5, -3, -4, 4, -3, 1, 1]);
    const result = await searchVectors({ base, queries: new Float32Array([0, 0]), dim, k: 6, metric: 'l2sq', backend });
    expect(Array.from(result.indices)).toEqual([5, 0, 1, 2, 3, 4]);
    expect(Array.from(result.distances)).toEqual([2, 25, 25, 25, 25, 25]);
  });
});

describe('searchVectors validation', () => {
  const dim = 4;
  const base = randomVectors(5, dim, 20);
  const queries = randomVectors(1, dim, 21);

  it('rejects k larger than n', async () => {
    await expect(searchVectors({ base, queries, dim, k: 6, metric: 'l2sq' })).rejects.toThrow(KernelInputError);
    await expect(searchVectors({ base, queries, dim, k: 6, metric: 'l2sq' })).rejects.toThrow(/k: expected at most n = 5/);
  });

  it('rejects k above 1024', async () => {
    const big = randomVectors(2000, 1, 22);
    await expect(searchVectors({ base: big, queries: new Float32Array([0]), dim: 1, k: 1025, metric: 'l2sq' })).rejects.toThrow(/\[1, 1024\]/);
  });

  it('rejects lengths that are not multiples of dim', async () => {
    await expect(searchVectors({ base: base.subarray(1), queries, dim, k: 1, metric: 'l2sq' })).rejects.toThrow(/base: expected a length that is a multiple of dim = 4/);
    await expect(searchVectors({ base, queries: new Float32Array(3), dim, k: 1, metric: 'l2sq' })).rejects.toThrow(/queries/);
  });

  it('rejects NaN and infinity', async () => {
    const bad = base.slice();
    bad[6] = Number.NaN;
    await expect(searchVectors({ base: bad, queries, dim, k: 1, metric: 'l2sq' })).rejects.toThrow(/base: expected finite numbers, found NaN at row 1, component 2/);
    const infinite = queries.slice();
    infinite[0] = Infinity;
    await expect(searchVectors({ base, queries: infinite, dim, k: 1, metric: 'l2sq' })).rejects.toThrow(/queries/);
  });

  it('rejects bad candidates and metrics', async () => {
    await expect(searchVectors({ base, queries, dim, k: 1, metric: 'l2sq', candidates: new Int32Array([5]) })).rejects.toThrow(/candidates: expected row ids in \[0, 5\)/);
    await expect(searchVectors({ base, queries, dim, k: 1, metric: 'l2sq', candidates: new Int32Array([1, 1]) })).rejects.toThrow(/distinct/);
    await expect(searchVectors({ base, queries, dim, k: 1, metric: 'dot' as VectorMetric })).rejects.toThrow(/metric/);
  });
});

describe.skipIf(!gpu)(`gpuTopK binding split${gpu ? '' : ` (skipped: ${gpuUnavailableReason()})`}`, () => {
  it('merges chunks when the base exceeds one storage binding', async () => {
    const { gpuTopK } = await import('../../src/vectors/gpu-topk.js');
    const dim = 16;
    const base = randomVectors(3000, dim, 70);
    const queries = randomVectors(4, dim, 71);
    // A 16 KiB binding limit forces 256-row chunks, so 12 chunks must merge.
    const context = { ...gpu!, maxStorageBinding: 16384 };
    const split = await gpuTopK(context, {
      element: 'f32', metric: 'l2sq', dim, rows: base, rowCount: 3000, rowStride: dim, queryColumnStride: 0, queries, queryCount: 4, k: 50,
    });
    const expected = await searchVectors({ base, queries, dim, k: 50, metric: 'l2sq', backend: 'reference' });
    const problem = validateSearch({ base, queries, dim, k: 50, metric: 'l2sq' });
    expectSameTopK({ indices: split.ids, distances: split.keys }, expected, (q, row) => Math.fround(referenceDistance(problem, q, row)), 50, TOLERANCE);
  });
});
