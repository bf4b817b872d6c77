import { afterAll, describe, expect, test } from 'vitest';

import {
  buildNeighborList, computeForces, gpuContext, gpuUnavailableReason, KernelInputError, releaseGpu, searchVectors,
  type ForceResult, type Structure,
} from '../../src/index.js';
import { testPotentials } from './potentials.js';
import { fcc, random, withPositions } from './structures.js';

// WebAssembly must agree with the reference to 1e-9 relative (both f64, in a
// different summation order). WebGPU runs in f32: energy within 1e-5
// relative, each force and virial component within 1e-3 of the largest
// magnitude in the result.

const gpu = await gpuContext();
afterAll(releaseGpu);

const STRUCTURES: { name: string; make: (species: number, lattice: number) => Structure }[] = [
  { name: 'random triclinic', make: (s, a) => fcc({ lattice: a, repeats: [3, 2, 2], tilt: [0.3, -0.2, 0.25], jitter: 0.2, species: s, seed: 31 }) },
  { name: 'tiny cell below cutoff', make: (s, a) => fcc({ lattice: a, repeats: [1, 1, 1], tilt: [0.2, 0.1, -0.3], jitter: 0.1, species: s, seed: 32 }) },
  { name: 'mixed pbc slab', make: (s, a) => ({ ...fcc({ lattice: a, repeats: [2, 2, 3], jitter: 0.2, species: s, seed: 33 }), pbc: [true, false, true] }) },
];

const maxAbs = (values: ArrayLike<number>) => Array.from(values).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

function expectClose(actual: ForceResult, expected: ForceResult, energyTolerance: number, componentTolerance: number): void {
  expect(Math.abs(actual.energy - expected.energy)).toBeLessThanOrEqual(energyTolerance * Math.max(1, Math.abs(expected.energy)));
  const forceScale = Math.max(1, maxAbs(expected.forces));
  for (let k = 0; k < expected.forces.length; k++) {
    expect(Math.abs(actual.forces[k] - expected.forces[k]), `force component ${k}`).toBeLessThanOrEqual(componentTolerance * forceScale);
  }
  const energyScale = Math.max(1, maxAbs(expected.atomEnergies));
  for (let i = 0; i < expected.atomEnergies.length; i++) {
    expect(Math.abs(actual.atomEnergies[i] - expected.atomEnergies[i]), `energy of atom ${i}`).toBeLessThanOrEqual(componentTolerance * energyScale);
  }
  const virialScale = Math.max(1, maxAbs(expected.virial));
  for (let k = 0; k < 6; k++) {
    expect(Math.abs(actual.virial[k] - expected.virial[k]), `virial component ${k}`).toBeLessThanOrEqual(componentTolerance * virialScale);
  }
  expect(actual.neighborCount).toBe(expected.neighborCount);
}

describe.each(testPotentials())('$name', ({ potential, species, lattice }) => {
  for (const { name, make } of STRUCTURES) {
    test(`wasm matches reference: ${name}`, async () => {
      const structure = make(species, lattice);
      const reference = await computeForces(structure, potential, { backend: 'reference' });
      const wasm = await computeForces(structure, potential, { backend: 'wasm' });
      expect(wasm.backend).toBe('wasm');
      expectClose(wasm, reference, 1e-9, 1e-9);
    });

    test(`webgpu matches reference: ${name}`, async (ctx) => {
      if (!gpu) ctx.skip(`no WebGPU adapter: ${gpuUnavailableReason()}`);
      const structure = make(species, lattice);
      const reference = await computeForces(structure, potential, { backend: 'reference' });
      const webgpu = await computeForces(structure, potential, { backend: 'webgpu' });
      expect(webgpu.backend).toBe('webgpu');
      expectClose(webgpu, reference, 1e-5, 1e-3);
    });
  }

  test('reused list with skin gives fresh-list results', async () => {
    const structure = fcc({ lattice, repeats: [2, 2, 2], tilt: [0.1, 0.1, 0.1], jitter: 0.1, species, seed: 34 });
    const list = buildNeighborList(structure.positions, structure.cell, structure.pbc, { cutoff: potential.cutoff, skin: 1.0 });
    const rand = random(35);
    const moved = structure.positions.map((v) => v + 0.25 * (2 * rand() - 1));
    expect(list.needsRebuild(moved)).toBe(false);
    const fresh = await computeForces(withPositions(structure, moved), potential, { backend: 'reference' });
    for (const backend of ['reference', 'wasm'] as const) {
      const reused = await computeForces(withPositions(structure, moved), potential, { backend, neighborList: list });
      expect(Math.abs(reused.energy - fresh.energy)).toBeLessThanOrEqual(1e-9 * Math.abs(fresh.energy));
      for (let k = 0; k < fresh.forces.length; k++) expect(Math.abs(reused.forces[k] - fresh.forces[k])).toBeLessThanOrEqual(1e-9 * Math.max(1, maxAbs(fresh.forces)));
    }
  });
});

describe.each(testPotentials())('$name, list handling', ({ potential, species, lattice }) => {
  test('webgpu list split across bindings matches reference', async (ctx) => {
    if (!gpu) ctx.skip(`no WebGPU adapter: ${gpuUnavailableReason()}`);
    const structure = fcc({ lattice, repeats: [3, 2, 2], tilt: [0.3, -0.2, 0.25], jitter: 0.2, species, seed: 36 });
    const reference = await computeForces(structure, potential, { backend: 'reference' });
    // A 2 KiB binding limit splits this list into several slices.
    process.env.SCIFED_WEBGPU_MAX_BINDING = '2048';
    try {
      const list = buildNeighborList(structure.positions, structure.cell, structure.pbc, { cutoff: potential.cutoff, half: false });
      expect(list.full!.neighbors.byteLength).toBeGreaterThan(2 * 2048);
      const split = await computeForces(structure, potential, { backend: 'webgpu', neighborList: list });
      expectClose(split, reference, 1e-5, 1e-3);
    } finally {
      delete process.env.SCIFED_WEBGPU_MAX_BINDING;
    }
  });

  test('resident wasm list survives other kernels', async () => {
    const structure = fcc({ lattice, repeats: [2, 2, 2], jitter: 0.15, species, seed: 37 });
    const list = buildNeighborList(structure.positions, structure.cell, structure.pbc, { cutoff: potential.cutoff, skin: 0.5, backend: 'wasm' });
    const first = await computeForces(structure, potential, { backend: 'wasm', neighborList: list });
    // A vector search lays out the shared arena and overwrites the resident list.
    const base = Float32Array.from({ length: 64 * 8 }, (_, k) => Math.sin(k));
    await searchVectors({ base, dim: 8, queries: base.subarray(0, 8), k: 3, metric: 'l2sq', backend: 'wasm' });
    const again = await computeForces(structure, potential, { backend: 'wasm', neighborList: list });
    const reference = await computeForces(structure, potential, { backend: 'reference', neighborList: list });
    expect(again.forces).toEqual(first.forces);
    expect(again.energy).toBe(first.energy);
    expectClose(again, reference, 1e-9, 1e-9);
  });
});

describe('input validation', () => {
  const [{ potential }] = testPotentials();
  const good = fcc({ lattice: 3.6, repeats: [1, 1, 1] });

  test('rejects positions not divisible by 3', async () => {
    await expect(computeForces({ ...good, positions: new Float64Array(4) }, potential)).rejects.toThrow(/positions/);
  });

  test('rejects species length mismatch', async () => {
    await expect(computeForces({ ...good, species: new Int32Array(3) }, potential)).rejects.toMatchObject({ argument: 'species', found: 'length 3' });
  });

  test('rejects NaN coordinates', async () => {
    const positions = Float64Array.from(good.positions);
    positions[4] = Number.NaN;
    await expect(computeForces({ ...good, positions }, potential)).rejects.toThrow(/row 1, component 1/);
  });

  test('rejects a species outside the potential', async () => {
    await expect(computeForces({ ...good, species: new Int32Array([0, 0, 0, 5]) }, potential)).rejects.toThrow(KernelInputError);
  });

  test('rejects a singular cell', async () => {
    await expect(computeForces({ ...good, cell: new Float64Array([3, 0, 0, 6, 0, 0, 0, 0, 3]) }, potential)).rejects.toMatchObject({ argument: 'cell' });
  });

  test('rejects a stale neighbour list', async () => {
    const list = buildNeighborList(good.positions, good.cell, good.pbc, { cutoff: potential.cutoff, skin: 0.2 });
    const moved = Float64Array.from(good.positions);
    moved[0] += 0.5;
    await expect(computeForces(withPositions(good, moved), potential, { neighborList: list })).rejects.toMatchObject({ argument: 'neighborList' });
  });

  test('rejects an unknown backend name', async () => {
    await expect(computeForces(good, potential, { backend: 'cuda' as never })).rejects.toMatchObject({ argument: 'backend' });
  });
});
