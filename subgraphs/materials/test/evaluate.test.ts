import { existsSync, readdirSync, readFileSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { writeExtxyz } from '../src/io/index.js';
import { openHarness, type Harness } from './helpers.js';

// LAMMPS agreement through the GraphQL API. The fixtures are the kernel
// layer's: compute/fixtures/lammps/generate.ts ran Debian's lmp (29 Sep 2021)
// `run 0` on each structure and recorded energy, per-atom energy, forces and
// virial. EAM files are read from Debian's lammps-data at run time, never
// copied into the repository; those cases skip where the path is absent.
const POTENTIALS = process.env.LAMMPS_POTENTIALS ?? '/usr/share/lammps/potentials';
const FIXTURE_DIR = new URL('../../../compute/fixtures/lammps/', import.meta.url);

interface Fixture {
  name: string;
  potential:
    | { style: 'lj/cut'; epsilon: number[][]; sigma: number[][]; cutoff: number[][]; shift: boolean }
    | { style: 'morse'; d0: number; alpha: number; r0: number; cutoff: number }
    | { style: 'eam' | 'eam/alloy' | 'eam/fs'; file: string; elements: string[] };
  cell: number[];
  pbc: [boolean, boolean, boolean];
  species: number[];
  positions: number[];
  energy: number;
  forces: number[];
  virial: number[];
  volume: number;
}

const fixtures: Fixture[] = readdirSync(FIXTURE_DIR)
  .filter((name) => name.endsWith('.json'))
  .map((name) => JSON.parse(readFileSync(new URL(name, FIXTURE_DIR), 'utf8')) as Fixture);

// LJ fixtures use abstract types 1 and 2; any two elements stand in for them.
const LJ_ELEMENTS = ['Ar', 'Kr'];

function elementsOf(fixture: Fixture): string[] {
  const spec = fixture.potential;
  if (spec.style === 'lj/cut') return LJ_ELEMENTS.slice(0, spec.epsilon.length);
  if (spec.style === 'morse') return ['Cu'];
  return spec.elements;
}

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
});
afterAll(async () => {
  await h.close();
});

async function potentialFor(fixture: Fixture): Promise<string> {
  const spec = fixture.potential;
  const name = `${fixture.name} potential`;
  if (spec.style === 'lj/cut') {
    const pairs = [];
    for (let a = 0; a < spec.epsilon.length; a++) {
      for (let b = a; b < spec.epsilon.length; b++) {
        pairs.push({ elements: [LJ_ELEMENTS[a], LJ_ELEMENTS[b]], epsilon: spec.epsilon[a][b], sigma: spec.sigma[a][b], cutoff: spec.cutoff[a][b] });
      }
    }
    const { data, errors } = await h.run('mutation ($i: PairPotentialInput!) { createPairPotential(input: $i) { id } }', { i: { name, kind: 'LJ', shift: spec.shift, pairs } });
    expect(errors).toBeUndefined();
    return data.createPairPotential.id;
  }
  if (spec.style === 'morse') {
    const pairs = [{ elements: ['Cu', 'Cu'], d0: spec.d0, alpha: spec.alpha, r0: spec.r0, cutoff: spec.cutoff }];
    const { data, errors } = await h.run('mutation ($i: PairPotentialInput!) { createPairPotential(input: $i) { id } }', { i: { name, kind: 'MORSE', pairs } });
    expect(errors).toBeUndefined();
    return data.createPairPotential.id;
  }
  const format = { eam: 'EAM_FUNCFL', 'eam/alloy': 'EAM_SETFL', 'eam/fs': 'EAM_FS' }[spec.style];
  const content = readFileSync(`${POTENTIALS}/${spec.file}`, 'utf8');
  const { data, errors } = await h.run('mutation ($f: EamFormat!, $c: String!, $n: String!) { importPotential(format: $f, content: $c, name: $n) { id elements } }', { f: format, c: content, n: name });
  expect(errors).toBeUndefined();
  return data.importPotential.id;
}

async function structureFor(fixture: Fixture): Promise<string> {
  const elements = elementsOf(fixture);
  // The writer keeps every digit, so the API receives LAMMPS's exact positions.
  const content = writeExtxyz([{ cell: fixture.cell, pbc: fixture.pbc, positions: fixture.positions, species: fixture.species.map((s) => elements[s]) }]);
  const { data, errors } = await h.run('mutation ($c: String!) { importStructures(format: EXTXYZ, content: $c) { id } }', { c: content });
  expect(errors).toBeUndefined();
  return data.importStructures[0].id;
}

const EVALUATE = `query ($s: ID!, $p: ID!, $b: Backend) {
  evaluate(structureId: $s, potentialId: $p, backend: $b) { energy energyPerAtom forces stress stressGPa maxForce backend }
}`;

describe('evaluate against LAMMPS', () => {
  for (const fixture of fixtures) {
    const spec = fixture.potential;
    const missing = 'file' in spec && !existsSync(`${POTENTIALS}/${spec.file}`) ? `${POTENTIALS}/${spec.file} is absent (Debian lammps-data)` : undefined;
    it.skipIf(missing !== undefined)(`${fixture.name} on WASM and REFERENCE${missing ? ` (skipped: ${missing})` : ''}`, async () => {
      const [potentialId, structureId] = [await potentialFor(fixture), await structureFor(fixture)];
      for (const backend of ['WASM', 'REFERENCE']) {
        const { data, errors } = await h.run(EVALUATE, { s: structureId, p: potentialId, b: backend });
        expect(errors).toBeUndefined();
        const result = data.evaluate;
        expect(result.backend).toBe(backend);
        expect(Math.abs(result.energy - fixture.energy) / Math.abs(fixture.energy), `${backend} energy`).toBeLessThan(1e-6);
        const flat = (result.forces as number[][]).flat();
        let worst = 0;
        flat.forEach((f, k) => (worst = Math.max(worst, Math.abs(f - fixture.forces[k]))));
        expect(worst, `${backend} max force error, eV/Å`).toBeLessThan(1e-6);
        if (fixture.pbc.every(Boolean)) {
          fixture.virial.forEach((w, k) => expect(Math.abs(result.stress[k] + w / fixture.volume), `stress ${k}`).toBeLessThan(1e-8));
        }
      }
    });
  }
});

describe('evaluate errors', () => {
  it('names species missing from the potential', async () => {
    const { data: built } = await h.run('mutation { buildCrystal(input: {element: "Au", prototype: FCC, a: 4.08}) { id } }');
    const { data: pots } = await h.run('{ potentials(first: 100) { edges { node { id name } } } }');
    const cu = pots.potentials.edges.find((e: { node: { name: string } }) => e.node.name === 'Zhou2004 Cu').node.id;
    const { errors } = await h.run(EVALUATE, { s: built.buildCrystal.id, p: cu });
    expect(errors?.[0].code).toBe('BAD_USER_INPUT');
    expect(errors?.[0].message).toMatch(/no parameters for Au/);
  });

  it('returns NOT_FOUND for an unknown potential', async () => {
    const { data: built } = await h.run('mutation { buildCrystal(input: {element: "Cu", prototype: FCC, a: 3.6}) { id } }');
    const { errors } = await h.run(EVALUATE, { s: built.buildCrystal.id, p: 'nope' });
    expect(errors?.[0].code).toBe('NOT_FOUND');
  });
});
