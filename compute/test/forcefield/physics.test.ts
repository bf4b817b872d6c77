import { describe, expect, test } from 'vitest';

import { computeForces, type Structure } from '../../src/index.js';
import { testPotentials } from './potentials.js';
import { fcc, withPositions } from './structures.js';

// Physics checks on the reference backend (the other backends are held to
// it in backends.test.ts): analytic forces against central differences of
// the energy, Newton's third law, and invariance under rigid translation and
// under wrapping atoms by lattice vectors.

const cases = testPotentials();

function structureFor(species: number, lattice: number, seed: number): Structure {
  return fcc({ lattice, repeats: [2, 2, 2], tilt: [0.15, -0.1, 0.2], jitter: 0.15, species, seed });
}

describe.each(cases)('$name', ({ potential, species, lattice }) => {
  test('forces match finite differences', async () => {
    const structure = structureFor(species, lattice, 21);
    const analytic = await computeForces(structure, potential, { backend: 'reference' });
    const h = 1e-5;
    for (const k of [0, 1, 2, 13, 50, 94]) {
      const plus = Float64Array.from(structure.positions);
      const minus = Float64Array.from(structure.positions);
      plus[k] += h;
      minus[k] -= h;
      const ePlus = (await computeForces(withPositions(structure, plus), potential, { backend: 'reference' })).energy;
      const eMinus = (await computeForces(withPositions(structure, minus), potential, { backend: 'reference' })).energy;
      // Central difference error ~h²·E''' plus spline-knot kinks: 1e-6 eV/Å plus 1e-5 relative.
      expect(Math.abs(analytic.forces[k] + (ePlus - eMinus) / (2 * h)), `component ${k}`).toBeLessThan(1e-6 + 1e-5 * Math.abs(analytic.forces[k]));
    }
  });

  test('virial matches strain derivative', async () => {
    // W_ab = −∂E/∂ε_ab at zero strain, with positions and cell deformed together.
    const structure = structureFor(species, lattice, 22);
    const { virial } = await computeForces(structure, potential, { backend: 'reference' });
    const h = 1e-6;
    const voigt: [number, number][] = [[0, 0], [1, 1], [2, 2], [1, 2], [0, 2], [0, 1]];
    for (let v = 0; v < 6; v++) {
      const [a, b] = voigt[v];
      const energyAt = async (e: number) => {
        const strain = (row: Float64Array) => {
          const out = Float64Array.from(row);
          for (let r = 0; r < row.length / 3; r++) {
            // Symmetric strain: x_a += e/2 x_b and x_b += e/2 x_a (or e x_a on the diagonal).
            const xa = row[3 * r + a], xb = row[3 * r + b];
            if (a === b) out[3 * r + a] += e * xa;
            else { out[3 * r + a] += 0.5 * e * xb; out[3 * r + b] += 0.5 * e * xa; }
          }
          return out;
        };
        return (await computeForces({ ...structure, positions: strain(structure.positions), cell: strain(structure.cell) }, potential, { backend: 'reference' })).energy;
      };
      const derivative = ((await energyAt(h)) - (await energyAt(-h))) / (2 * h);
      expect(Math.abs(virial[v] + derivative), `Voigt component ${v}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(virial[v])));
    }
  });

  test('forces sum to zero', async () => {
    const { forces } = await computeForces(structureFor(species, lattice, 23), potential, { backend: 'reference' });
    for (let d = 0; d < 3; d++) {
      let sum = 0;
      let scale = 0;
      for (let i = d; i < forces.length; i += 3) { sum += forces[i]; scale += Math.abs(forces[i]); }
      expect(Math.abs(sum)).toBeLessThan(1e-12 * Math.max(1, scale));
    }
  });

  test('energy invariant under translation and wrapping', async () => {
    const structure = structureFor(species, lattice, 24);
    const base = await computeForces(structure, potential, { backend: 'reference' });
    const moved = Float64Array.from(structure.positions);
    for (let i = 0; i < moved.length / 3; i++) {
      // Rigid shift, plus every third atom sent −1..+1 lattice vectors away.
      const m = [(i % 3) - 1, ((i + 1) % 3) - 1, 0];
      for (let d = 0; d < 3; d++) moved[3 * i + d] += 0.37 + m[0] * structure.cell[d] + m[1] * structure.cell[3 + d];
    }
    const shifted = await computeForces(withPositions(structure, moved), potential, { backend: 'reference' });
    expect(Math.abs(shifted.energy - base.energy)).toBeLessThan(1e-10 * Math.abs(base.energy));
    for (let k = 0; k < base.forces.length; k++) expect(shifted.forces[k]).toBeCloseTo(base.forces[k], 9);
  });
});

test('isolated atoms have zero energy and force', async () => {
  const [{ potential }] = cases;
  const structure: Structure = {
    positions: new Float64Array([0, 0, 0, 20, 0, 0]),
    cell: new Float64Array([40, 0, 0, 0, 40, 0, 0, 0, 40]),
    pbc: [false, false, false],
    species: new Int32Array(2),
  };
  for (const backend of ['reference', 'wasm'] as const) {
    const result = await computeForces(structure, potential, { backend });
    expect(result.energy).toBe(0);
    expect(Array.from(result.forces)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(result.neighborCount).toBe(0);
  }
});
