import { afterAll, describe, expect, test } from 'vitest';

import {
  buildNeighborList, buildNeighborListAsync, cellGeometry, gpuContext, gpuUnavailableReason, KernelInputError, releaseGpu,
} from '../../src/index.js';
import { reachTolerance } from '../../src/forcefield/webgpu-neighbors.js';
import { fcc, random } from './structures.js';

/**
 * Brute-force oracle: every (j, image) with |x_j + n·cell − x_i| < reach,
 * over an image range wide enough for the cell's face heights.
 */
function bruteForceDistances(positions: Float64Array, cell: Float64Array, pbc: readonly boolean[], reach: number): number[][] {
  const n = positions.length / 3;
  const heights = cellGeometry(cell).heights;
  const range = [0, 1, 2].map((k) => (pbc[k] ? Math.ceil(reach / heights[k]) + 1 : 0));
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const found: number[] = [];
    for (let j = 0; j < n; j++) {
      for (let a = -range[0]; a <= range[0]; a++) for (let b = -range[1]; b <= range[1]; b++) for (let c = -range[2]; c <= range[2]; c++) {
        if (i === j && a === 0 && b === 0 && c === 0) continue;
        let sq = 0;
        for (let d = 0; d < 3; d++) {
          const delta = positions[3 * j + d] + a * cell[d] + b * cell[3 + d] + c * cell[6 + d] - positions[3 * i + d];
          sq += delta * delta;
        }
        if (sq < reach * reach) found.push(Math.sqrt(sq));
      }
    }
    out.push(found.sort((p, q) => p - q));
  }
  return out;
}

function listedDistances(list: ReturnType<typeof buildNeighborList>, positions: Float64Array): number[][] {
  const x = list.extendedPositions(positions);
  const { offsets, neighbors } = list.full!;
  const out: number[][] = [];
  for (let i = 0; i < list.n; i++) {
    const found: number[] = [];
    for (let q = offsets[i]; q < offsets[i + 1]; q++) {
      const j = neighbors[q];
      found.push(Math.hypot(x[3 * j] - x[3 * i], x[3 * j + 1] - x[3 * i + 1], x[3 * j + 2] - x[3 * i + 2]));
    }
    out.push(found.sort((p, q) => p - q));
  }
  return out;
}

function expectSameDistances(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(actual[i].length, `neighbour count of atom ${i}`).toBe(expected[i].length);
    for (let k = 0; k < expected[i].length; k++) expect(actual[i][k]).toBeCloseTo(expected[i][k], 10);
  }
}

const CASES = [
  { name: 'orthorhombic', structure: fcc({ lattice: 3.6, repeats: [3, 3, 3], jitter: 0.2 }), cutoff: 4.5 },
  { name: 'skewed triclinic', structure: fcc({ lattice: 3.6, repeats: [3, 2, 3], tilt: [0.45, -0.4, 0.3], jitter: 0.2, seed: 2 }), cutoff: 4.0 },
  { name: 'cell shorter than cutoff', structure: fcc({ lattice: 3.0, repeats: [1, 1, 1], tilt: [0.3, 0.2, -0.1], jitter: 0.1, seed: 3 }), cutoff: 5.0 },
  { name: 'mixed pbc', structure: { ...fcc({ lattice: 3.6, repeats: [2, 3, 2], jitter: 0.3, seed: 4 }), pbc: [true, false, true] as [boolean, boolean, boolean] }, cutoff: 4.2 },
  { name: 'no pbc', structure: { ...fcc({ lattice: 3.6, repeats: [2, 2, 2], jitter: 0.3, seed: 5 }), pbc: [false, false, false] as [boolean, boolean, boolean] }, cutoff: 4.2 },
];

/**
 * Distances of each atom's pairs in the half list, every pair entered on
 * both of its atoms (i and the owner of j), sorted: equal to the full
 * list's rows when the half list holds each pair exactly once.
 */
function halfListRows(list: ReturnType<typeof buildNeighborList>, positions: Float64Array): number[][] {
  const x = list.extendedPositions(positions);
  const owner = list.ownerOfExtended();
  const { offsets, neighbors } = list.half!;
  const rows: number[][] = Array.from({ length: list.n }, () => []);
  for (let i = 0; i < list.n; i++) {
    for (let q = offsets[i]; q < offsets[i + 1]; q++) {
      const j = neighbors[q];
      const r = Math.hypot(x[3 * j] - x[3 * i], x[3 * j + 1] - x[3 * i + 1], x[3 * j + 2] - x[3 * i + 2]);
      rows[i].push(r);
      rows[owner[j]].push(r);
    }
  }
  return rows.map((row) => row.sort((p, q) => p - q));
}

const gpu = await gpuContext();
afterAll(releaseGpu);

describe.each(['reference', 'wasm'] as const)('buildNeighborList on %s', (backend) => {
  for (const { name, structure, cutoff } of CASES) {
    test(`full list matches brute force: ${name}`, () => {
      const list = buildNeighborList(structure.positions, structure.cell, structure.pbc, { cutoff, skin: 0.3, backend });
      expect(list.backend).toBe(backend);
      expectSameDistances(listedDistances(list, structure.positions), bruteForceDistances(structure.positions, structure.cell, structure.pbc, cutoff + 0.3));
    });

    test(`half list has each pair once per atom: ${name}`, () => {
      const list = buildNeighborList(structure.positions, structure.cell, structure.pbc, { cutoff, skin: 0.3, backend });
      expectSameDistances(halfListRows(list, structure.positions), bruteForceDistances(structure.positions, structure.cell, structure.pbc, cutoff + 0.3));
    });

    test(`half list holds each pair once: ${name}`, () => {
      const list = buildNeighborList(structure.positions, structure.cell, structure.pbc, { cutoff, backend });
      expect(list.half!.neighbors.length * 2).toBe(list.full!.neighbors.length);
      // Every half-list pair, seen from both owners, reproduces the full list's distance multiset.
      const x = list.extendedPositions(structure.positions);
      const fromHalf: number[] = [];
      const { offsets, neighbors } = list.half!;
      for (let i = 0; i < list.n; i++) for (let q = offsets[i]; q < offsets[i + 1]; q++) {
        const j = neighbors[q];
        const r = Math.hypot(x[3 * j] - x[3 * i], x[3 * j + 1] - x[3 * i + 1], x[3 * j + 2] - x[3 * i + 2]);
        fromHalf.push(r, r);
      }
      const fromFull = listedDistances(list, structure.positions).flat();
      fromHalf.sort((p, q) => p - q);
      fromFull.sort((p, q) => p - q);
      expect(fromHalf.length).toBe(fromFull.length);
      for (let k = 0; k < fromFull.length; k++) expect(fromHalf[k]).toBeCloseTo(fromFull[k], 10);
    });
  }

  test('keeps every image in a tiny cell', () => {
    // One atom in a 2 Å cubic cell: 6 images lie at 2 Å, inside 2.5 Å; the next 12 lie at 2.83 Å.
    const list = buildNeighborList(new Float64Array([0.1, 0.2, 0.3]), new Float64Array([2, 0, 0, 0, 2, 0, 0, 0, 2]), [true, true, true], { cutoff: 2.5, backend });
    expect(list.full!.neighbors.length).toBe(6);
    expect(list.half!.neighbors.length).toBe(3);
  });

  test('isolated atoms have no neighbours', () => {
    const positions = new Float64Array([0, 0, 0, 10, 0, 0, 0, 10, 0]);
    const list = buildNeighborList(positions, new Float64Array([30, 0, 0, 0, 30, 0, 0, 0, 30]), [false, false, false], { cutoff: 3, backend });
    expect(list.full!.neighbors.length).toBe(0);
    expect(list.ghostCount).toBe(0);
  });

  test('pair exactly at the cutoff is excluded', () => {
    const positions = new Float64Array([0, 0, 0, 2.5, 0, 0]);
    const list = buildNeighborList(positions, new Float64Array([20, 0, 0, 0, 20, 0, 0, 0, 20]), [false, false, false], { cutoff: 2.5, backend });
    expect(list.pairCount).toBe(0);
  });

  test('needsRebuild after a move beyond half the skin', () => {
    const structure = fcc({ lattice: 3.6, repeats: [2, 2, 2], jitter: 0.1 });
    const list = buildNeighborList(structure.positions, structure.cell, structure.pbc, { cutoff: 4, skin: 1, backend });
    const moved = Float64Array.from(structure.positions);
    moved[0] += 0.45;
    expect(list.needsRebuild(moved)).toBe(false);
    moved[0] += 0.1;
    expect(list.needsRebuild(moved)).toBe(true);
    const stretched = Float64Array.from(structure.cell);
    stretched[0] *= 1.01;
    expect(list.needsRebuild(structure.positions, stretched)).toBe(true);
  });

  test('stale list still finds pairs within the cutoff', () => {
    const structure = fcc({ lattice: 3.6, repeats: [2, 2, 2], jitter: 0.1, seed: 9 });
    const skin = 0.8;
    const list = buildNeighborList(structure.positions, structure.cell, structure.pbc, { cutoff: 4, skin, backend });
    const rand = random(11);
    const moved = structure.positions.map((v) => v + (skin / 2 / Math.sqrt(3)) * 0.99 * (2 * rand() - 1));
    expect(list.needsRebuild(moved)).toBe(false);
    const inside = listedDistances(list, moved).map((row) => row.filter((r) => r < 4));
    expectSameDistances(inside, bruteForceDistances(moved, structure.cell, structure.pbc, 4));
  });

  test('rejects a singular cell', () => {
    expect(() => buildNeighborList(new Float64Array(3), new Float64Array([1, 0, 0, 2, 0, 0, 0, 0, 1]), [true, true, true], { cutoff: 1 })).toThrow(KernelInputError);
  });

  test('rejects a non-positive cutoff', () => {
    expect(() => buildNeighborList(new Float64Array(3), new Float64Array([5, 0, 0, 0, 5, 0, 0, 0, 5]), [true, true, true], { cutoff: 0 })).toThrow(/cutoff/);
  });
});

describe('buildNeighborListAsync on webgpu', () => {
  for (const { name, structure, cutoff } of CASES) {
    test(`lists every f64 pair, extras within tolerance: ${name}`, async (ctx) => {
      if (!gpu) ctx.skip(`no WebGPU adapter: ${gpuUnavailableReason()}`);
      const reach = cutoff + 0.3;
      const list = await buildNeighborListAsync(structure.positions, structure.cell, structure.pbc, { cutoff, skin: 0.3, backend: 'webgpu' });
      expect(list.backend).toBe('webgpu');
      const exact = buildNeighborList(structure.positions, structure.cell, structure.pbc, { cutoff, skin: 0.3, backend: 'wasm' });
      const x = list.extendedPositions(structure.positions);
      const maxCoordinate = x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const tolerance = reachTolerance(maxCoordinate, reach);
      for (const kind of ['full', 'half'] as const) {
        const device = list[kind]!;
        const reference = exact[kind]!;
        for (let i = 0; i < list.n; i++) {
          const found = new Set(device.neighbors.subarray(device.offsets[i], device.offsets[i + 1]));
          for (const j of reference.neighbors.subarray(reference.offsets[i], reference.offsets[i + 1])) {
            expect(found.has(j), `${kind} list of atom ${i} lacks ${j}`).toBe(true);
            found.delete(j);
          }
          for (const j of found) {
            const r = Math.hypot(x[3 * j] - x[3 * i], x[3 * j + 1] - x[3 * i + 1], x[3 * j + 2] - x[3 * i + 2]);
            expect(r, `extra ${kind} pair ${i}-${j}`).toBeLessThan(reach + tolerance);
          }
        }
      }
    });
  }

  test('splits the list across bindings', async (ctx) => {
    if (!gpu) ctx.skip(`no WebGPU adapter: ${gpuUnavailableReason()}`);
    const { structure, cutoff } = CASES[1];
    const whole = await buildNeighborListAsync(structure.positions, structure.cell, structure.pbc, { cutoff, backend: 'webgpu', half: false });
    process.env.SCIFED_WEBGPU_MAX_BINDING = '1024';
    try {
      const split = await buildNeighborListAsync(structure.positions, structure.cell, structure.pbc, { cutoff, backend: 'webgpu', half: false });
      expect(split.full!.neighbors.byteLength).toBeGreaterThan(4 * 1024);
      expect(split.full!.offsets).toEqual(whole.full!.offsets);
      expect(split.full!.neighbors).toEqual(whole.full!.neighbors);
    } finally {
      delete process.env.SCIFED_WEBGPU_MAX_BINDING;
    }
  });

  test('synchronous build rejects webgpu', () => {
    const { structure, cutoff } = CASES[0];
    expect(() => buildNeighborList(structure.positions, structure.cell, structure.pbc, { cutoff, backend: 'webgpu' })).toThrow(KernelInputError);
  });
});
