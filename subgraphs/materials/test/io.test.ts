import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import type { AtomsData } from '../src/crystal/prototypes.js';
import { cellFromParameters, inverse3 } from '../src/io/common.js';
import { readStructures, writeStructure, type StructureFormat } from '../src/io/index.js';

// Fixtures and the expected values come from scripts/make_io_fixtures.py:
// ASE 3.22 read each file, and its cell and positions are the oracle.
const FIXTURES = new URL('./fixtures/io/', import.meta.url);

interface Expected {
  cell: number[][];
  pbc: boolean[];
  species: string[];
  positions: number[][];
}

function fixture(name: string): { content: string; expected: Expected[] } {
  return {
    content: readFileSync(new URL(name, FIXTURES), 'utf8'),
    expected: JSON.parse(readFileSync(new URL(`${name}.expected.json`, FIXTURES), 'utf8')) as Expected[],
  };
}

/** Smallest distance between x and y over lattice translations of periodic axes, Å. */
function periodicDistance(x: number[], y: number[], cell: Float64Array, pbc: readonly boolean[]): number {
  if (!pbc.some(Boolean)) return Math.hypot(x[0] - y[0], x[1] - y[1], x[2] - y[2]);
  const inv = inverse3(cell);
  const d = [x[0] - y[0], x[1] - y[1], x[2] - y[2]];
  const s = [0, 1, 2].map((k) => d[0] * inv[k] + d[1] * inv[3 + k] + d[2] * inv[6 + k]);
  const wrapped = s.map((v, k) => (pbc[k] ? v - Math.round(v) : v));
  const back = [0, 1, 2].map((k) => wrapped[0] * cell[k] + wrapped[1] * cell[3 + k] + wrapped[2] * cell[6 + k]);
  return Math.hypot(back[0], back[1], back[2]);
}

/** Checks atoms against ASE's reading: same cell and pbc, and each atom matched to one of ASE's of the same species. */
function expectSameAtoms(atoms: AtomsData, expected: Expected, ordered: boolean) {
  expect(atoms.pbc).toEqual(expected.pbc);
  expected.cell.flat().forEach((value, k) => expect(atoms.cell[k]).toBeCloseTo(value, 10));
  expect(atoms.species.length).toBe(expected.species.length);
  if (ordered) expect(atoms.species).toEqual(expected.species);
  const used = new Set<number>();
  for (let i = 0; i < atoms.species.length; i++) {
    const mine = [atoms.positions[i * 3], atoms.positions[i * 3 + 1], atoms.positions[i * 3 + 2]];
    const candidates = ordered ? [i] : expected.species.map((_, j) => j).filter((j) => !used.has(j) && expected.species[j] === atoms.species[i]);
    const distances = candidates.map((j) => periodicDistance(mine, expected.positions[j], atoms.cell, atoms.pbc));
    const best = Math.min(...distances);
    expect(best, `atom ${i} (${atoms.species[i]})`).toBeLessThan(1e-8);
    used.add(candidates[distances.indexOf(best)]);
  }
}

function checkFixture(format: StructureFormat, name: string, ordered: boolean, elements?: string[]) {
  const { content, expected } = fixture(name);
  const frames = readStructures(format, content, { elements });
  expect(frames.length).toBe(expected.length);
  frames.forEach((frame, k) => expectSameAtoms(frame, expected[k], ordered));
  return frames;
}

describe('extended XYZ reader', () => {
  it('matches ASE on three frames', () => {
    const frames = checkFixture('EXTXYZ', 'frames.extxyz', true);
    expect(frames[0].info?.energy).toBe(-7.25);
    expect(frames[0].arrays?.forces.values).toEqual([0.1, 0.2, 0.3, -0.1, -0.2, -0.3]);
    expect(frames[1].info?.comment).toBe('three atoms');
    expect(frames[2].pbc).toEqual([false, false, false]);
  });

  it('accepts every pbc spelling', () => {
    for (const spelling of ['"T T F"', "'True True False'", '"1 1 0"', '"true true false"', '[T, T, F]']) {
      const text = `1\nLattice="3 0 0 0 3 0 0 0 3" pbc=${spelling}\nCu 0 0 0\n`;
      expect(readStructures('EXTXYZ', text)[0].pbc, spelling).toEqual([true, true, false]);
    }
  });

  it('reads Z when species is absent', () => {
    const text = '1\nProperties=Z:I:1:pos:R:3\n29 0 0 0\n';
    expect(readStructures('EXTXYZ', text)[0].species).toEqual(['Cu']);
  });

  it('names the line of a bad position', () => {
    const text = '2\nLattice="3 0 0 0 3 0 0 0 3"\nCu 0 0 0\nCu 1 x 1\n';
    expect(() => readStructures('EXTXYZ', text)).toThrow(/extended XYZ line 4: .*"x"/);
  });

  it('names the line of a short frame', () => {
    expect(() => readStructures('EXTXYZ', '3\n\nCu 0 0 0\n')).toThrow(/line 4: expected atom 2 of 3/);
  });

  it('rejects an unknown element with its line', () => {
    expect(() => readStructures('EXTXYZ', '1\n\nXx 0 0 0\n')).toThrow(/line 3: species "Xx"/);
  });
});

describe('POSCAR reader', () => {
  it('matches ASE on VASP 5 direct', () => {
    checkFixture('POSCAR', 'cu3au.poscar', true);
  });

  it('matches ASE on VASP 4 with species on line 1', () => {
    checkFixture('POSCAR', 'feal-vasp4.poscar', true);
  });

  it('matches ASE on a negative (volume) scale', () => {
    const [frame] = checkFixture('POSCAR', 'si-volume.contcar', true);
    expect(frame.arrays?.selectiveDynamics.values).toEqual([false, false, false, true, true, true]);
  });

  it('takes VASP 4 species from elements', () => {
    const text = 'no symbols here\n1.0\n3 0 0\n0 3 0\n0 0 3\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n';
    expect(() => readStructures('POSCAR', text)).toThrow(/POSCAR line 6: .*pass elements/);
    expect(readStructures('POSCAR', text, { elements: ['Cs', 'Cl'] })[0].species).toEqual(['Cs', 'Cl']);
  });

  it('names the line of a missing coordinate', () => {
    const text = 'Cu\n1.0\n3 0 0\n0 3 0\n0 0 3\nCu\n2\nDirect\n0 0 0\n';
    expect(() => readStructures('POSCAR', text)).toThrow(/POSCAR line 10: expected coordinates of atom 2 of 2/);
  });

  it('names the line of a bad lattice vector', () => {
    const text = 'Cu\n1.0\n3 0 0\n0 three 0\n0 0 3\nCu\n1\nDirect\n0 0 0\n';
    expect(() => readStructures('POSCAR', text)).toThrow(/POSCAR line 4: .*lattice vector b.*"three"/);
  });
});

describe('CIF reader', () => {
  it('expands Fm-3m NaCl to 8 atoms', () => {
    checkFixture('CIF', 'nacl.cif', false);
  });

  it('expands rutile from labels and symmetry_equivalent_pos', () => {
    checkFixture('CIF', 'rutile.cif', false);
  });

  it('drops duplicates at special positions in hcp Mg', () => {
    checkFixture('CIF', 'mg-hcp.cif', false);
  });

  it('reads a non-looped operation and uncertainties', () => {
    checkFixture('CIF', 'triclinic-p1.cif', true);
  });

  it('rejects partial occupancy naming the site and line', () => {
    const text = [
      'data_alloy', '_cell_length_a 3.6', '_cell_length_b 3.6', '_cell_length_c 3.6',
      '_cell_angle_alpha 90', '_cell_angle_beta 90', '_cell_angle_gamma 90',
      'loop_', '_atom_site_label', '_atom_site_fract_x', '_atom_site_fract_y', '_atom_site_fract_z', '_atom_site_occupancy',
      'Cu1 0 0 0 1.0', 'Au1 0.5 0.5 0 0.25',
    ].join('\n');
    expect(() => readStructures('CIF', text)).toThrow(/CIF line 15: site Au1 has occupancy 0.25/);
  });

  it('rejects a space group without operations', () => {
    const text = [
      'data_x', '_cell_length_a 3', '_cell_length_b 3', '_cell_length_c 3', '_cell_angle_alpha 90', '_cell_angle_beta 90',
      '_cell_angle_gamma 90', "_symmetry_space_group_name_H-M 'F m -3 m'", 'loop_', '_atom_site_label', '_atom_site_fract_x',
      '_atom_site_fract_y', '_atom_site_fract_z', 'Cu 0 0 0',
    ].join('\n');
    expect(() => readStructures('CIF', text)).toThrow(/CIF line 8: space group "F m -3 m"/);
  });

  it('names the line of a missing cell length', () => {
    const text = ['data_x', '_cell_length_a 3', 'loop_', '_atom_site_label', '_atom_site_fract_x', '_atom_site_fract_y', '_atom_site_fract_z', 'Cu 0 0 0'].join('\n');
    expect(() => readStructures('CIF', text)).toThrow(/CIF line 1: .*_cell_length_b/);
  });
});

describe('LAMMPS data reader', () => {
  it('matches ASE on an orthogonal box with masses', () => {
    checkFixture('LAMMPS_DATA', 'cuni.data', true);
  });

  it('matches ASE on a triclinic box', () => {
    checkFixture('LAMMPS_DATA', 'al-triclinic.data', true, ['Al']);
  });

  it('requires elements without masses', () => {
    const { content } = fixture('al-triclinic.data');
    expect(() => readStructures('LAMMPS_DATA', content)).toThrow(/type 1 has no mass.*pass elements/);
  });

  it('maps types from given elements', () => {
    const { content } = fixture('cuni.data');
    expect(readStructures('LAMMPS_DATA', content, { elements: ['Au', 'Ag'] })[0].species).toEqual(['Au', 'Ag', 'Au', 'Ag']);
  });

  it('rejects another atom style with its line', () => {
    const text = 'x\n\n1 atoms\n1 atom types\n0 1 xlo xhi\n0 1 ylo yhi\n0 1 zlo zhi\n\nAtoms # charge\n\n1 1 0.0 0 0 0\n';
    expect(() => readStructures('LAMMPS_DATA', text, { elements: ['Cu'] })).toThrow(/LAMMPS data line 9: atom style "charge"/);
  });

  it('names the line of a bad atom row', () => {
    const text = 'x\n\n1 atoms\n1 atom types\n0 1 xlo xhi\n0 1 ylo yhi\n0 1 zlo zhi\n\nAtoms\n\n1 3 0 0 0\n';
    expect(() => readStructures('LAMMPS_DATA', text, { elements: ['Cu'] })).toThrow(/LAMMPS data line 11: atom type 3/);
  });
});

describe('writers round trip', () => {
  // A triclinic cell in the standard orientation (a along x, b in xy), so CIF keeps the same Cartesian frame.
  const cell = cellFromParameters(4.123456789, 4.5, 5.25, 83.3, 97.7, 104.1);
  const fractional = [0.1, 0.2, 0.3, 0.7, 0.15, 0.55, 0.333333333333, 0.9, 0.05, 0.5, 0.5, 0.5];
  const positions = new Float64Array(12);
  for (let i = 0; i < 4; i++) {
    for (let k = 0; k < 3; k++) {
      positions[i * 3 + k] = fractional[i * 3] * cell[k] + fractional[i * 3 + 1] * cell[3 + k] + fractional[i * 3 + 2] * cell[6 + k];
    }
  }
  const atoms: AtomsData = { cell, pbc: [true, true, true], positions, species: ['Ni', 'Al', 'Ni', 'Ni'] };

  for (const format of ['EXTXYZ', 'POSCAR', 'CIF'] as const) {
    it(`keeps positions through ${format}`, () => {
      const [back] = readStructures(format, writeStructure(format, atoms, 'NiAl test'));
      expect(back.species).toEqual(atoms.species);
      for (let k = 0; k < 9; k++) expect(Math.abs(back.cell[k] - cell[k])).toBeLessThan(1e-10);
      for (let k = 0; k < 12; k++) expect(Math.abs(back.positions[k] - positions[k])).toBeLessThan(1e-8);
    });
  }

  it('keeps a molecule through EXTXYZ', () => {
    const molecule: AtomsData = { cell: new Float64Array(9), pbc: [false, false, false], positions: Float64Array.from([0, 0, 0.1192, 0, 0.7632, -0.477]), species: ['O', 'H'] };
    const [back] = readStructures('EXTXYZ', writeStructure('EXTXYZ', molecule));
    expect(back.pbc).toEqual([false, false, false]);
    expect(Array.from(back.positions)).toEqual(Array.from(molecule.positions));
  });

  it('rejects a molecule as POSCAR', () => {
    const molecule: AtomsData = { cell: new Float64Array(9), pbc: [false, false, false], positions: new Float64Array(3), species: ['O'] };
    expect(() => writeStructure('POSCAR', molecule)).toThrow(/export EXTXYZ instead/);
  });
});
