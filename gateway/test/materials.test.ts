import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { startStack, type Stack } from './stack.js';

// evaluate, relax and molecular-dynamics jobs sent through the gateway to
// the materials subgraph, on a 32-atom fcc Cu cell under the
// built-in Zhou 2004 Cu EAM.

let stack: Stack;
let structureId: string;
let potentialId: string;

beforeAll(async () => {
  stack = await startStack();
  const built = await stack.request<{ buildCrystal: { id: string } }>(
    'mutation { buildCrystal(input: { element: "Cu", prototype: FCC, a: 3.63, repeat: [2, 2, 2] }) { id } }',
  );
  structureId = built.body.data!.buildCrystal.id;
  const potentials = await stack.request<{ potentials: { edges: { node: { id: string; name: string } }[] } }>(
    '{ potentials(element: "Cu", first: 50) { edges { node { id name } } } }',
  );
  potentialId = potentials.body.data!.potentials.edges.find((edge) => edge.node.name === 'Zhou2004 Cu')!.node.id;
});
afterAll(async () => {
  await stack?.stop();
});

describe('materials through the gateway', () => {
  test('evaluate returns energy, forces and stress', async () => {
    const { status, body } = await stack.request<{ evaluate: { energy: number; energyPerAtom: number; forces: number[][]; stressGPa: number[]; maxForce: number; backend: string } }>(
      'query ($s: ID!, $p: ID!) { evaluate(structureId: $s, potentialId: $p, backend: WASM) { energy energyPerAtom forces stressGPa maxForce backend } }',
      { s: structureId, p: potentialId },
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const result = body.data!.evaluate;
    expect(result.backend).toBe('WASM');
    expect(result.forces).toHaveLength(32);
    // A perfect fcc crystal: every force vanishes by symmetry, and the cohesive energy of Cu is about −3.5 eV/atom.
    expect(result.maxForce).toBeLessThan(1e-9);
    expect(result.energyPerAtom).toBeLessThan(-3);
    expect(result.energyPerAtom).toBeGreaterThan(-4);
    expect(result.energy).toBeCloseTo(32 * result.energyPerAtom, 9);
    expect(result.stressGPa).toHaveLength(6);
  });

  test('relax stores a relaxed child structure', async () => {
    const { body } = await stack.request<{ relax: { converged: boolean; fmax: number; structure: { parentId: string; sourceFormat: string; cell: number[][] } } }>(
      'mutation ($i: RelaxInput!) { relax(input: $i) { converged fmax structure { parentId sourceFormat cell } } }',
      { i: { structureId, potentialId, optimizer: 'FIRE', fmax: 1e-3, maxSteps: 500, relaxCell: true } },
    );
    expect(body.errors).toBeUndefined();
    const result = body.data!.relax;
    expect(result.converged).toBe(true);
    expect(result.fmax).toBeLessThan(1e-3);
    expect(result.structure.parentId).toBe(structureId);
    expect(result.structure.sourceFormat).toBe('RELAX');
    // The Zhou 2004 Cu lattice constant is 3.615 Å; two conventional cells span about 7.23 Å.
    expect(result.structure.cell[0][0]).toBeGreaterThan(7.1);
    expect(result.structure.cell[0][0]).toBeLessThan(7.35);
  });

  test('an MD job runs to completion and is polled', async () => {
    const started = await stack.request<{ startMolecularDynamics: { id: string; status: string } }>(
      'mutation ($i: MolecularDynamicsInput!) { startMolecularDynamics(input: $i) { id status } }',
      { i: { structureId, potentialId, ensemble: 'NVT_LANGEVIN', temperature: 300, timestepFs: 2, steps: 50, sampleEvery: 25, friction: 0.02, seed: 3 } },
    );
    expect(started.body.errors).toBeUndefined();
    const id = started.body.data!.startMolecularDynamics.id;

    type Job = { status: string; error: string | null; progress: { step: number; total: number }; frames: { totalCount: number }; finalStructure: { parentId: string; sourceFormat: string } | null; trajectory: string };
    let job: Job | undefined;
    for (let poll = 0; poll < 600; poll++) {
      const { body } = await stack.request<{ job: Job }>(
        'query ($id: ID!) { job(id: $id) { status error progress { step total } frames { totalCount } finalStructure { parentId sourceFormat } trajectory } }',
        { id },
      );
      expect(body.errors).toBeUndefined();
      job = body.data!.job;
      if (job.status !== 'QUEUED' && job.status !== 'RUNNING') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(job?.error).toBeNull();
    expect(job?.status).toBe('COMPLETED');
    expect(job?.progress).toEqual({ step: 50, total: 50 });
    expect(job?.frames.totalCount).toBe(3);
    expect(job?.finalStructure).toEqual({ parentId: structureId, sourceFormat: 'MD' });
    expect(job?.trajectory.split('\n').filter((line) => line === '32')).toHaveLength(3);
  });

  test('an MD limit keeps its code through the gateway', async () => {
    const { body } = await stack.request(
      'mutation ($i: MolecularDynamicsInput!) { startMolecularDynamics(input: $i) { id } }',
      { i: { structureId, potentialId, temperature: 300, steps: 10_000_000 } },
    );
    expect(body.errors?.[0].extensions?.code).toBe('LIMIT_EXCEEDED');
    expect(body.errors?.[0].message).toMatch(/SCIFED_MD_MAX_STEPS/);
  });
});
