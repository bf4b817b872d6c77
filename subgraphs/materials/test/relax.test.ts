import { existsSync, readFileSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fitBirchMurnaghan } from '../src/simulation/eos.js';
import { openHarness, type Harness } from './helpers.js';

// Reference values from scripts/make_cu_eos_fixture.py: LAMMPS box/relax and
// an energy–volume scan with Cu_u3.eam, the same potential file used here.
const POTENTIALS = process.env.LAMMPS_POTENTIALS ?? '/usr/share/lammps/potentials';
const CU_FILE = `${POTENTIALS}/Cu_u3.eam`;
const reference = JSON.parse(readFileSync(new URL('./fixtures/lammps/cu-eos.json', import.meta.url), 'utf8'));

let h: Harness;
let potentialId: string;
beforeAll(async () => {
  h = await openHarness();
  if (existsSync(CU_FILE)) {
    const { data } = await h.run('mutation ($c: String!) { importPotential(format: EAM_FUNCFL, content: $c, name: "Cu_u3") { id } }', { c: readFileSync(CU_FILE, 'utf8') });
    potentialId = data.importPotential.id;
  }
});
afterAll(async () => {
  await h.close();
});

const RELAX = `mutation ($i: RelaxInput!) {
  relax(input: $i) { converged fmax nsteps energy steps { step energy fmax } structure { id parentId sourceFormat cell positions } }
}`;

async function cuCrystal(a: number, repeat = [1, 1, 1]): Promise<string> {
  const { data } = await h.run('mutation ($a: Float!, $r: [Int!]) { buildCrystal(input: {element: "Cu", prototype: FCC, a: $a, repeat: $r}) { id } }', { a, r: repeat });
  return data.buildCrystal.id;
}

describe.skipIf(!existsSync(CU_FILE))(`Cu against LAMMPS (needs ${CU_FILE})`, () => {
  it('cell relaxation matches the LAMMPS lattice constant to 0.1%', async () => {
    const structureId = await cuCrystal(3.5);
    const { data, errors } = await h.run(RELAX, { i: { structureId, potentialId, optimizer: 'FIRE', fmax: 1e-4, maxSteps: 2000, relaxCell: true } });
    expect(errors).toBeUndefined();
    const result = data.relax;
    expect(result.converged).toBe(true);
    expect(result.structure.parentId).toBe(structureId);
    expect(result.structure.sourceFormat).toBe('RELAX');
    const a = result.structure.cell[0][0];
    expect(Math.abs(a - reference.a0) / reference.a0).toBeLessThan(1e-3);
  });

  it('bulk modulus matches LAMMPS to 0.1%', async () => {
    const structureId = await cuCrystal(reference.a0);
    const { data, errors } = await h.run(
      'query ($i: EquationOfStateInput!) { equationOfState(input: $i) { v0 e0 b0GPa b0Prime } }',
      { i: { structureId, potentialId, strains: reference.strains } },
    );
    expect(errors).toBeUndefined();
    const eos = data.equationOfState;
    expect(Math.abs(eos.b0GPa - reference.b0GPa) / reference.b0GPa).toBeLessThan(1e-3);
    expect(Math.abs(eos.v0 - reference.v0) / reference.v0).toBeLessThan(1e-3);
    expect(Math.abs(eos.e0 - reference.e0) / Math.abs(reference.e0)).toBeLessThan(1e-6);
  });

  it('L-BFGS and FIRE relax a rattled cell', async () => {
    const structureId = await cuCrystal(3.615, [2, 2, 2]);
    const { data: built } = await h.run('query ($id: ID!) { structure(id: $id) { export(format: EXTXYZ) } }', { id: structureId });
    // Displace atom 0 by 0.1 Å along x through an edited EXTXYZ line.
    const lines = built.structure.export.split('\n');
    const first = lines[2].split(' ');
    first[1] = String(Number(first[1]) + 0.1);
    lines[2] = first.join(' ');
    const { data: imported } = await h.run('mutation ($c: String!) { importStructures(format: EXTXYZ, content: $c) { id } }', { c: lines.join('\n') });
    for (const optimizer of ['FIRE', 'LBFGS']) {
      const { data, errors } = await h.run(RELAX, { i: { structureId: imported.importStructures[0].id, potentialId, optimizer, fmax: 1e-3, maxSteps: 500 } });
      expect(errors, optimizer).toBeUndefined();
      expect(data.relax.converged, optimizer).toBe(true);
      expect(data.relax.steps[0].fmax, optimizer).toBeGreaterThan(0.1);
      expect(data.relax.energy, optimizer).toBeLessThan(data.relax.steps[0].energy);
    }
  });
});

describe('Birch–Murnaghan fit', () => {
  it('recovers the parameters of exact data', () => {
    const [v0, e0, b0, bp] = [47, -3.5, 0.8, 4.5];
    const volumes = [42, 44, 46, 47, 48, 50, 52];
    const energies = volumes.map((v) => {
      const eta = (v0 / v) ** (2 / 3) - 1;
      return e0 + ((9 * v0 * b0) / 16) * (eta ** 3 * bp + eta ** 2 * (6 - 4 * (v0 / v) ** (2 / 3)));
    });
    const fit = fitBirchMurnaghan(volumes, energies);
    expect(fit.v0).toBeCloseTo(v0, 8);
    expect(fit.e0).toBeCloseTo(e0, 10);
    expect(fit.b0GPa / 160.2176634).toBeCloseTo(b0, 6);
    expect(fit.b0Prime).toBeCloseTo(bp, 4);
  });

  it('rejects data without a minimum', () => {
    expect(() => fitBirchMurnaghan([40, 41, 42, 43, 44], [5, 4, 3, 2, 1])).toThrow(/no minimum/);
  });
});
