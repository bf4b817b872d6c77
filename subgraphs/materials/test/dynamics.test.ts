import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { buildCrystal } from '../src/crystal/prototypes.js';
import { builtinName, seedBuiltinPotentials } from '../src/potentials/service.js';
import { BOLTZMANN_EV_PER_K, EV_IN_AMU_A2_PER_FS2, MolecularDynamics, type DynamicsSettings } from '../src/simulation/dynamics.js';
import { SeededRandom } from '../src/simulation/random.js';
import { MaterialsStore, type PotentialRecord } from '../src/store.js';

// Integrator physics on a 108-atom fcc Cu cell (3×3×3 conventional cells,
// a = 3.615 Å) under the built-in Zhou 2004 Cu EAM, WebAssembly backend.

let dir: string;
let store: MaterialsStore;
let copper: PotentialRecord;
const cell = () => buildCrystal({ element: 'Cu', prototype: 'FCC', a: 3.615, repeat: [3, 3, 3] }, 1000);
const NVE: DynamicsSettings = { ensemble: 'NVE', temperature: 300, timestepFs: 1, friction: 0.01, seed: 7, backend: 'wasm', skin: 1 };

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'scifed-md-'));
  store = await MaterialsStore.open(dir);
  await seedBuiltinPotentials(store);
  copper = (await store.potentialByName(builtinName(['Cu'])))!;
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('units', () => {
  test('eV in amu·Å²/fs² matches the metal-unit value', () => {
    // LAMMPS metal units: mvv2e = 1.0364269e-4 eV per amu·Å²/ps², so 1 eV = 1/(mvv2e·1e6) amu·Å²/fs².
    // LAMMPS gives eight digits, so they agree to about 1e-7 relative.
    expect(Math.abs(EV_IN_AMU_A2_PER_FS2 * 1.0364269e-4 * 1e6 - 1)).toBeLessThan(1e-7);
  });
});

describe('SeededRandom', () => {
  test('normal deviates have mean 0 and variance 1', () => {
    const random = new SeededRandom(42);
    let sum = 0;
    let squares = 0;
    const n = 200_000;
    for (let k = 0; k < n; k++) {
      const x = random.nextNormal();
      sum += x;
      squares += x * x;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(Math.abs(squares / n - 1)).toBeLessThan(0.01);
  });

  test('same seed, same sequence', () => {
    const a = new SeededRandom(3);
    const b = new SeededRandom(3);
    const c = new SeededRandom(4);
    const first = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(first);
  });
});

describe('initial velocities', () => {
  test('exact target temperature and zero momentum', async () => {
    const md = await MolecularDynamics.start(cell(), copper, NVE);
    expect(md.thermo().temperature).toBeCloseTo(300, 9);
    const scale = 63.546 * Math.sqrt(BOLTZMANN_EV_PER_K * 300 * EV_IN_AMU_A2_PER_FS2 / 63.546);
    for (const p of md.momentum()) expect(Math.abs(p)).toBeLessThan(1e-12 * scale);
  });

  test('zero kelvin gives zero velocities', async () => {
    const md = await MolecularDynamics.start(cell(), copper, { ...NVE, temperature: 0 });
    expect(md.thermo().kineticEnergy).toBe(0);
  });
});

describe('velocity Verlet NVE', () => {
  test('conserves energy to 2e-5 eV/atom over 2000 steps', async () => {
    const atoms = cell();
    const md = await MolecularDynamics.start(atoms, copper, NVE);
    const e0 = md.thermo().totalEnergy;
    let worst = 0;
    for (let chunk = 0; chunk < 20; chunk++) {
      await md.advance(100);
      worst = Math.max(worst, Math.abs(md.thermo().totalEnergy - e0));
    }
    // Measured about 2e-6 eV/atom: the bound leaves a factor 10 for backend rounding.
    expect(worst / atoms.species.length).toBeLessThan(2e-5);
    // The crystal started at 300 K in its ideal sites, so half the kinetic energy moves into potential energy.
    expect(md.thermo().temperature).toBeGreaterThan(100);
    expect(md.thermo().temperature).toBeLessThan(250);
  });

  test('keeps total momentum at zero', async () => {
    const md = await MolecularDynamics.start(cell(), copper, NVE);
    await md.advance(200);
    for (const p of md.momentum()) expect(Math.abs(p)).toBeLessThan(1e-9);
  });

  test('rebuilds the neighbour list once atoms move skin/2', async () => {
    // A hot run with a tiny skin must rebuild; energy stays conserved across rebuilds.
    const atoms = cell();
    const md = await MolecularDynamics.start(atoms, copper, { ...NVE, temperature: 1200, skin: 0.1 });
    const e0 = md.thermo().totalEnergy;
    await md.advance(300);
    expect(md.neighborBuilds).toBeGreaterThan(2);
    expect(Math.abs(md.thermo().totalEnergy - e0) / atoms.species.length).toBeLessThan(1e-4);
  });
});

describe('Langevin BAOAB', () => {
  test('averages the target temperature', async () => {
    const md = await MolecularDynamics.start(cell(), copper, { ...NVE, ensemble: 'NVT_LANGEVIN', temperature: 500, friction: 0.05 });
    await md.advance(500);
    let sum = 0;
    const samples = 500;
    for (let k = 0; k < samples; k++) {
      await md.advance(4);
      sum += md.thermo().temperature;
    }
    // Single-sample spread is 500 K·sqrt(2/(3N)) ≈ 39 K; 500 samples with a
    // 10 fs correlation time bring the mean's spread to about 2 K.
    expect(Math.abs(sum / samples - 500)).toBeLessThan(15);
    for (const p of md.momentum()) expect(Math.abs(p)).toBeLessThan(1e-9);
  });

  test('same seed, same trajectory; another seed differs', async () => {
    const run = async (seed: number) => {
      const md = await MolecularDynamics.start(cell(), copper, { ...NVE, ensemble: 'NVT_LANGEVIN', seed });
      await md.advance(50);
      return Float64Array.from(md.positions);
    };
    const first = await run(11);
    expect(await run(11)).toEqual(first);
    expect(await run(12)).not.toEqual(first);
  });
});

describe('input checks', () => {
  test('rejects a non-positive time step', async () => {
    await expect(MolecularDynamics.start(cell(), copper, { ...NVE, timestepFs: 0 })).rejects.toThrow(/timestepFs must be a positive number.*got 0/);
  });

  test('rejects zero friction for Langevin', async () => {
    await expect(MolecularDynamics.start(cell(), copper, { ...NVE, ensemble: 'NVT_LANGEVIN', friction: 0 })).rejects.toThrow(/friction must be a positive rate/);
  });
});
