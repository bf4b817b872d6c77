import { describe, expect, it } from 'vitest';

import { KernelInputError, ResidentVectors, searchVectors, type VectorMetric } from '../../src/index.js';
import { referenceDistance } from '../../src/vectors/reference.js';
import { validateSearch } from '../../src/vectors/validate.js';
import { expectSameTopK, randomVectors } from './helpers.js';

const METRICS: VectorMetric[] = ['l2sq', 'ip', 'cos'];
// f32 sums over dim ≤ 64 of values in [-1, 1] stay within 1e-5 of the float64 reference.
const TOLERANCE = 1e-5;

/** Compares a resident search with the float64 reference on the same base, queries and candidates. */
async function expectMatchesReference(resident: ResidentVectors, base: Float32Array, queries: Float32Array, k: number, metric: VectorMetric, candidates?: Int32Array) {
  const dim = resident.dim;
  const found = resident.search({ queries, k, metric, candidates });
  const expected = await searchVectors({ base, queries, dim, k, metric, candidates, backend: 'reference' });
  expect(found.backend).toBe('wasm');
  expect(found.k).toBe(expected.k);
  expect(found.queryCount).toBe(expected.queryCount);
  const problem = validateSearch({ base, queries, dim, k, metric, candidates });
  expectSameTopK(found, expected, (q, row) => Math.fround(referenceDistance(problem, q, row)), expected.k, TOLERANCE);
}

describe('ResidentVectors', () => {
  it.each(METRICS)('matches reference with and without candidates, %s', async (metric) => {
    const dim = 37;
    const base = randomVectors(500, dim, 11);
    const resident = new ResidentVectors(dim);
    resident.setBase(base);
    await expectMatchesReference(resident, base, randomVectors(6, dim, 12), 10, metric);
    const candidates = Int32Array.from({ length: 120 }, (_, i) => (i * 37 + 5) % 500);
    await expectMatchesReference(resident, base, randomVectors(5, dim, 13), 10, metric, candidates);
  });

  it('clamps k to short candidate list', async () => {
    const dim = 8;
    const base = randomVectors(50, dim, 21);
    const resident = new ResidentVectors(dim);
    resident.setBase(base);
    const result = resident.search({ queries: randomVectors(1, dim, 22), k: 10, metric: 'cos', candidates: Int32Array.of(7, 3, 41) });
    expect(result.k).toBe(3);
    expect([...result.indices].sort((a, b) => a - b)).toEqual([3, 7, 41]);
    await expectMatchesReference(resident, base, randomVectors(2, dim, 23), 10, 'l2sq', Int32Array.of(7, 3, 41));
  });

  it('sees in-place changes after setBase', async () => {
    const dim = 16;
    const base = randomVectors(200, dim, 31);
    const resident = new ResidentVectors(dim);
    resident.setBase(base);
    const query = randomVectors(1, dim, 32);
    const before = resident.search({ queries: query, k: 1, metric: 'l2sq' });
    // Row 150 becomes the query itself, so it must be the nearest afterwards.
    expect(before.indices[0]).not.toBe(150);
    base.set(query, 150 * dim);
    resident.setBase(base);
    const after = resident.search({ queries: query, k: 1, metric: 'l2sq' });
    expect(after.indices[0]).toBe(150);
    expect(after.distances[0]).toBe(0);
  });

  it('recopies base after arena reuse', async () => {
    const dim = 24;
    const baseA = randomVectors(300, dim, 41);
    const baseB = randomVectors(400, dim, 42);
    const a = new ResidentVectors(dim);
    const b = new ResidentVectors(dim);
    a.setBase(baseA);
    b.setBase(baseB);
    const queries = randomVectors(3, dim, 43);
    await expectMatchesReference(a, baseA, queries, 5, 'cos');
    await expectMatchesReference(b, baseB, queries, 5, 'cos');
    await expectMatchesReference(a, baseA, queries, 5, 'cos');
    // searchVectors lays out its own base at the start of the arena.
    await searchVectors({ base: randomVectors(300, dim, 44), queries, dim, k: 5, metric: 'cos', backend: 'wasm' });
    await expectMatchesReference(a, baseA, queries, 5, 'ip', Int32Array.of(1, 2, 3, 250, 299, 17));
  });

  it('rejects invalid input', () => {
    const resident = new ResidentVectors(4);
    expect(() => resident.search({ queries: new Float32Array(4), k: 1, metric: 'cos' })).toThrow(KernelInputError);
    expect(() => resident.setBase(new Float32Array(6))).toThrow(/multiple of dim = 4/);
    expect(() => resident.setBase(Float32Array.of(0, 1, Number.NaN, 0))).toThrow(/finite/);
    resident.setBase(randomVectors(10, 4, 51));
    expect(() => resident.search({ queries: new Float32Array(3), k: 1, metric: 'cos' })).toThrow(/queries/);
    expect(() => resident.search({ queries: new Float32Array(4), k: 11, metric: 'cos' })).toThrow(/k/);
    expect(() => resident.search({ queries: new Float32Array(4), k: 1, metric: 'cos', candidates: Int32Array.of(10) })).toThrow(/candidates/);
    expect(() => resident.search({ queries: new Float32Array(4), k: 1, metric: 'cos', candidates: Int32Array.of(2, 2) })).toThrow(/distinct/);
    expect(() => resident.search({ queries: new Float32Array(4), k: 1, metric: 'dot' as VectorMetric })).toThrow(/metric/);
  });
});
