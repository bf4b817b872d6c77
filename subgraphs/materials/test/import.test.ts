import { readFileSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { checkStructure } from '../src/crystal/checks.js';
import { openHarness, type Harness } from './helpers.js';

const FIXTURES = new URL('./fixtures/io/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8');

const IMPORT = `mutation ($format: StructureFormat!, $content: String!, $name: String, $elements: [String!]) {
  importStructures(format: $format, content: $content, name: $name, elements: $elements) {
    id name formula natoms elements sourceFormat fileName pbc positions species cell
  }
}`;

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
});
afterAll(async () => {
  await h.close();
});

describe('importStructures', () => {
  it('stores every frame with provenance', async () => {
    const { data, errors } = await h.run(IMPORT, { format: 'EXTXYZ', content: read('frames.extxyz'), name: 'frames.extxyz' });
    expect(errors).toBeUndefined();
    const structures = data.importStructures;
    expect(structures.map((s: { formula: string }) => s.formula)).toEqual(['CuNi', 'Al', 'H2O']);
    expect(structures[0].name).toBe('frames.extxyz #1');
    expect(structures[0].fileName).toBe('frames.extxyz');
    expect(structures[0].sourceFormat).toBe('EXTXYZ');
    expect(structures[0].pbc).toEqual([true, true, false]);
  });

  it('reads every format', async () => {
    const cases = [
      ['POSCAR', 'cu3au.poscar', 'AuCu3'],
      ['CIF', 'nacl.cif', 'ClNa'],
      ['CIF', 'rutile.cif', 'O2Ti'],
      ['LAMMPS_DATA', 'cuni.data', 'CuNi'],
    ] as const;
    for (const [format, file, formula] of cases) {
      const { data, errors } = await h.run(IMPORT, { format, content: read(file), name: file });
      expect(errors, file).toBeUndefined();
      expect(data.importStructures[0].formula, file).toBe(formula);
    }
  });

  it('exports and re-imports to 1e-8 Å', async () => {
    const { data } = await h.run(IMPORT, { format: 'POSCAR', content: read('cu3au.poscar'), name: 'cu3au.poscar' });
    const original = data.importStructures[0];
    for (const format of ['EXTXYZ', 'POSCAR', 'CIF']) {
      const exported = await h.run(`query ($id: ID!, $f: ExportFormat!) { structure(id: $id) { export(format: $f) } }`, { id: original.id, f: format });
      expect(exported.errors, format).toBeUndefined();
      const back = await h.run(IMPORT, { format, content: exported.data.structure.export });
      const positions: number[][] = back.data.importStructures[0].positions;
      positions.forEach((row, i) => row.forEach((v, k) => expect(Math.abs(v - original.positions[i][k]), `${format} atom ${i}`).toBeLessThan(1e-8)));
    }
  });

  it('maps LAMMPS types through elements', async () => {
    const { data } = await h.run(IMPORT, { format: 'LAMMPS_DATA', content: read('al-triclinic.data'), elements: ['Al'] });
    expect(data.importStructures[0].formula).toBe('Al');
  });

  it('names the line in a parse error', async () => {
    const { data, errors } = await h.run(IMPORT, { format: 'POSCAR', content: 'Cu\n1.0\n3 0 0\n0 3 0\n0 0 x\nCu\n1\nDirect\n0 0 0\n' });
    expect(data?.importStructures ?? null).toBeNull();
    expect(errors?.[0].code).toBe('BAD_USER_INPUT');
    expect(errors?.[0].message).toMatch(/POSCAR line 5/);
  });

  it('stores nothing when one frame fails', async () => {
    const before = await h.run('{ structures { totalCount } }');
    const content = '1\nLattice="3 0 0 0 3 0 0 0 3"\nCu 0 0 0\n2\nLattice="3 0 0 0 3 0 0 0 3"\nCu 0 0 0\nCu 0.05 0 0\n';
    const { errors } = await h.run(IMPORT, { format: 'EXTXYZ', content });
    expect(errors?.[0].code).toBe('BAD_USER_INPUT');
    expect(errors?.[0].message).toMatch(/frame 2: atom pairs 0–1 \(0.0500 Å\) are closer than 0.1 Å/);
    const after = await h.run('{ structures { totalCount } }');
    expect(after.data.structures.totalCount).toBe(before.data.structures.totalCount);
  });

  it('rejects a zero-volume periodic cell', async () => {
    const content = '1\nLattice="3 0 0 0 3 0 0 0 0"\nCu 0 0 0\n';
    const { errors } = await h.run(IMPORT, { format: 'EXTXYZ', content });
    expect(errors?.[0].message).toMatch(/zero volume .*cell vectors c \(indices 2\) are zero/);
  });

  it('finds close atoms across the periodic boundary', async () => {
    const content = '2\nLattice="3 0 0 0 3 0 0 0 3"\nCu 0.01 1 1\nCu 2.95 1 1\n';
    const { errors } = await h.run(IMPORT, { format: 'EXTXYZ', content });
    expect(errors?.[0].message).toMatch(/atom pairs 0–1 \(0.0600 Å\)/);
  });
});

describe('structures filters', () => {
  it('filters by elements and atom counts', async () => {
    const q = `query ($e: [String!], $min: Int, $max: Int) { structures(first: 100, elements: $e, minAtoms: $min, maxAtoms: $max) { totalCount edges { node { formula natoms } } } }`;
    const withCu = await h.run(q, { e: ['Cu'] });
    const formulas = withCu.data.structures.edges.map((e: { node: { formula: string } }) => e.node.formula);
    expect(formulas.length).toBeGreaterThan(0);
    expect(formulas.every((f: string) => /Cu/.test(f))).toBe(true);

    const big = await h.run(q, { min: 6 });
    expect(big.data.structures.edges.every((e: { node: { natoms: number } }) => e.node.natoms >= 6)).toBe(true);
    const small = await h.run(q, { max: 2 });
    expect(small.data.structures.edges.every((e: { node: { natoms: number } }) => e.node.natoms <= 2)).toBe(true);
    expect(big.data.structures.totalCount + small.data.structures.totalCount).toBeLessThanOrEqual((await h.run(q, {})).data.structures.totalCount);
  });

  it('rejects an unknown element', async () => {
    const { errors } = await h.run('{ structures(elements: ["Qq"]) { totalCount } }');
    expect(errors?.[0].code).toBe('BAD_USER_INPUT');
    expect(errors?.[0].message).toMatch(/"Qq"/);
  });
});

describe('checkStructure', () => {
  const limits = { maxAtoms: 3, minDistance: 0.1 };
  const cell = Float64Array.from([3, 0, 0, 0, 3, 0, 0, 0, 3]);

  it('names NaN positions', () => {
    const atoms = { cell, pbc: [true, true, true] as [boolean, boolean, boolean], positions: Float64Array.from([0, 0, 0, NaN, 1, 1]), species: ['Cu', 'Cu'] };
    expect(() => checkStructure(atoms, limits)).toThrow(/atoms 1 have NaN/);
  });

  it('enforces the atom limit', () => {
    const atoms = { cell, pbc: [true, true, true] as [boolean, boolean, boolean], positions: new Float64Array(12), species: ['Cu', 'Cu', 'Cu', 'Cu'] };
    expect(() => checkStructure(atoms, limits)).toThrow(/4 atoms, above the limit of 3/);
  });
});
