import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { startStack, type Stack } from './stack.js';

// Structures in all four formats and LAMMPS potential files, through the gateway.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const IO_FIXTURES = path.join(ROOT, 'subgraphs/materials/test/fixtures/io');
const LAMMPS_FIXTURES = path.join(ROOT, 'compute/fixtures/lammps');
const POTENTIALS = process.env.LAMMPS_POTENTIALS ?? '/usr/share/lammps/potentials';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

interface Expected {
  cell: number[][];
  species: string[];
  positions: number[][];
}

interface Imported {
  id: string;
  cell: number[][];
  species: string[];
  positions: number[][];
}

async function importStructures(format: string, content: string, elements?: string[]): Promise<Imported[]> {
  const { body } = await stack.request<{ importStructures: Imported[] }>(
    'mutation ($f: StructureFormat!, $c: String!, $e: [String!]) { importStructures(format: $f, content: $c, elements: $e) { id cell species positions } }',
    { f: format, c: content, e: elements },
  );
  expect(body.errors, `${format} import`).toBeUndefined();
  return body.data!.importStructures;
}

function expectClose(actual: number[][], expected: number[][], tolerance: number, label: string): void {
  expect(actual.length, label).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    for (let k = 0; k < 3; k++) expect(Math.abs(actual[i][k] - expected[i][k]), `${label} [${i}][${k}]`).toBeLessThan(tolerance);
  }
}

describe('structure formats through the gateway', () => {
  const cases: [string, string, string[] | undefined][] = [
    ['EXTXYZ', 'frames.extxyz', undefined],
    ['POSCAR', 'cu3au.poscar', undefined],
    ['CIF', 'rutile.cif', undefined],
    ['LAMMPS_DATA', 'al-triclinic.data', ['Al']],
  ];
  for (const [format, file, elements] of cases) {
    test(`${format} matches ASE's reading`, async () => {
      const content = readFileSync(path.join(IO_FIXTURES, file), 'utf8');
      const expected = JSON.parse(readFileSync(path.join(IO_FIXTURES, `${file}.expected.json`), 'utf8')) as Expected[];
      const structures = await importStructures(format, content, elements);
      expect(structures).toHaveLength(expected.length);
      structures.forEach((structure, frame) => {
        expect(structure.species).toEqual(expected[frame].species);
        expectClose(structure.cell, expected[frame].cell, 1e-10, `${file} cell`);
        expectClose(structure.positions, expected[frame].positions, 1e-8, `${file} positions`);
      });
    });
  }

  test('export round trips keep positions to 1e-8 Å', async () => {
    const [original] = await importStructures('POSCAR', readFileSync(path.join(IO_FIXTURES, 'cu3au.poscar'), 'utf8'));
    for (const format of ['EXTXYZ', 'POSCAR', 'CIF']) {
      const { body } = await stack.request<{ structure: { export: string } }>('query ($id: ID!, $f: ExportFormat!) { structure(id: $id) { export(format: $f) } }', {
        id: original.id,
        f: format,
      });
      expect(body.errors, format).toBeUndefined();
      const [again] = await importStructures(format, body.data!.structure.export);
      expectClose(again.positions, original.positions, 1e-8, `${format} round trip`);
    }
  });
});

interface LammpsFixture {
  potential: { style: string; file: string; elements: string[] };
  cell: number[];
  pbc: boolean[];
  species: number[];
  positions: number[];
  energy: number;
  forces: number[];
}

const EAM_FORMATS: Record<string, string> = { eam: 'EAM_FUNCFL', 'eam/alloy': 'EAM_SETFL', 'eam/fs': 'EAM_FS' };

describe('LAMMPS potential files through the gateway', () => {
  for (const name of ['eam-cu-small-triclinic', 'eam-alloy-cuni-slab', 'eam-fs-cuzr-triclinic']) {
    const fixture = JSON.parse(readFileSync(path.join(LAMMPS_FIXTURES, `${name}.json`), 'utf8')) as LammpsFixture;
    const file = path.join(POTENTIALS, fixture.potential.file);
    test.skipIf(!existsSync(file))(`${name} agrees with LAMMPS`, async () => {
      const content = readFileSync(file, 'utf8');
      const format = EAM_FORMATS[fixture.potential.style];
      const potential = await stack.request<{ importPotential: { id: string } }>(
        'mutation ($f: EamFormat!, $c: String!, $n: String!, $e: [String!]) { importPotential(format: $f, content: $c, name: $n, elements: $e) { id } }',
        { f: format, c: content, n: name, e: format === 'EAM_FUNCFL' ? fixture.potential.elements : undefined },
      );
      expect(potential.body.errors, JSON.stringify(potential.body.errors)).toBeUndefined();

      const n = fixture.species.length;
      const lattice = fixture.cell.map((x) => x.toPrecision(17)).join(' ');
      const pbc = fixture.pbc.map((p) => (p ? 'T' : 'F')).join(' ');
      const lines = [String(n), `Lattice="${lattice}" Properties=species:S:1:pos:R:3 pbc="${pbc}"`];
      for (let i = 0; i < n; i++) {
        const xyz = [0, 1, 2].map((k) => fixture.positions[3 * i + k].toPrecision(17)).join(' ');
        lines.push(`${fixture.potential.elements[fixture.species[i]]} ${xyz}`);
      }
      const [structure] = await importStructures('EXTXYZ', `${lines.join('\n')}\n`);

      const { body } = await stack.request<{ evaluate: { energy: number; forces: number[][]; backend: string } }>(
        'query ($s: ID!, $p: ID!) { evaluate(structureId: $s, potentialId: $p, backend: WASM) { energy forces backend } }',
        { s: structure.id, p: potential.body.data!.importPotential.id },
      );
      expect(body.errors).toBeUndefined();
      expect(body.data!.evaluate.backend).toBe('WASM');
      expect(Math.abs(body.data!.evaluate.energy - fixture.energy) / Math.abs(fixture.energy)).toBeLessThan(1e-6);
      const forces = body.data!.evaluate.forces.flat();
      for (let i = 0; i < forces.length; i++) expect(Math.abs(forces[i] - fixture.forces[i]), `force ${i}`).toBeLessThan(1e-6);
    });
  }
});
