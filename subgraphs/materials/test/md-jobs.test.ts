import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { createSubgraphApolloServer } from '@scifed/schema';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { createMaterialsSubgraph } from '../src/index.js';
import { parseExtxyz } from '../src/io/extxyz.js';
import { RESTART_REASON } from '../src/simulation/jobs.js';
import { openHarness, type Harness } from './helpers.js';

// Molecular-dynamics jobs through the subgraph schema: lifecycle, frames,
// trajectory export, cancel, restart and limits. Small Cu cells under the
// built-in Zhou 2004 Cu EAM keep every run well under a second.

const START = `mutation ($i: MolecularDynamicsInput!) { startMolecularDynamics(input: $i) { id status seed steps } }`;
const JOB = `query ($id: ID!) {
  job(id: $id) {
    id status error backend seed progress { step total fraction }
    frames(first: 100) { totalCount edges { node { step timeFs potentialEnergy kineticEnergy totalEnergy temperature pressureGPa } } }
    finalStructure { id parentId sourceFormat natoms positions cell }
  }
}`;

let h: Harness;
let potentialId: string;
let structureId: string;
beforeAll(async () => {
  h = await openHarness();
  const { data } = await h.run('{ potentials(element: "Cu", first: 50) { edges { node { id name } } } }');
  potentialId = data.potentials.edges.find((e: { node: { name: string } }) => e.node.name === 'Zhou2004 Cu').node.id;
  structureId = await copper(h, [2, 2, 2]);
});
afterAll(async () => {
  await h.close();
});

async function copper(harness: Harness, repeat: number[]): Promise<string> {
  const { data } = await harness.run('mutation ($r: [Int!]) { buildCrystal(input: {element: "Cu", prototype: FCC, a: 3.615, repeat: $r, name: "cu"}) { id } }', { r: repeat });
  return data.buildCrystal.id;
}

/** Polls job(id) every 20 ms until its status is one of `statuses`, for at most 30 s. */
async function waitFor(harness: Harness, id: string, statuses: string[]) {
  for (let k = 0; k < 1500; k++) {
    const { data, errors } = await harness.run(JOB, { id });
    expect(errors).toBeUndefined();
    if (statuses.includes(data.job.status)) return data.job;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`job ${id} did not reach ${statuses.join(' or ')} within 30 s`);
}

const input = (extra: Record<string, unknown> = {}) => ({ structureId, potentialId, temperature: 300, steps: 40, sampleEvery: 10, seed: 5, backend: 'WASM', ...extra });

describe('startMolecularDynamics', () => {
  test('runs to COMPLETED with frames and a final structure', async () => {
    const started = await h.run(START, { i: input() });
    expect(started.errors).toBeUndefined();
    expect(started.data.startMolecularDynamics.status).toBe('QUEUED');
    const job = await waitFor(h, started.data.startMolecularDynamics.id, ['COMPLETED', 'FAILED']);
    expect(job.error).toBeNull();
    expect(job.status).toBe('COMPLETED');
    expect(job.backend).toBe('WASM');
    expect(job.progress).toEqual({ step: 40, total: 40, fraction: 1 });
    const frames = job.frames.edges.map((e: { node: unknown }) => e.node);
    expect(frames.map((f: { step: number }) => f.step)).toEqual([0, 10, 20, 30, 40]);
    expect(frames[0].temperature).toBeCloseTo(300, 9);
    expect(frames[2].timeFs).toBe(20);
    for (const f of frames) expect(f.totalEnergy).toBeCloseTo(f.potentialEnergy + f.kineticEnergy, 12);
    expect(job.finalStructure.parentId).toBe(structureId);
    expect(job.finalStructure.sourceFormat).toBe('MD');
    expect(job.finalStructure.natoms).toBe(32);
  });

  test('trajectory round-trips through the extended XYZ reader', async () => {
    const started = await h.run(START, { i: input({ steps: 20, sampleEvery: 5 }) });
    const id = started.data.startMolecularDynamics.id;
    const job = await waitFor(h, id, ['COMPLETED', 'FAILED']);
    expect(job.status).toBe('COMPLETED');
    const { data } = await h.run('query ($id: ID!) { job(id: $id) { trajectory } }', { id });
    const frames = parseExtxyz(data.job.trajectory);
    expect(frames).toHaveLength(5);
    expect(frames.map((f) => f.info?.step)).toEqual([0, 5, 10, 15, 20]);
    const stored = job.frames.edges.map((e: { node: { totalEnergy: number; temperature: number } }) => e.node);
    frames.forEach((frame, k) => {
      expect(frame.species).toHaveLength(32);
      expect(frame.pbc).toEqual([true, true, true]);
      expect(frame.info?.total_energy).toBe(stored[k].totalEnergy);
      expect(frame.info?.temperature_K).toBe(stored[k].temperature);
    });
    // The last frame is the saved final structure, digit for digit.
    const last = frames[4];
    expect(Array.from(last.positions)).toEqual(job.finalStructure.positions.flat());
    expect(Array.from(last.cell)).toEqual(job.finalStructure.cell.flat());
  });

  test('same seed gives the same Langevin frames', async () => {
    const run = async (seed: number) => {
      const started = await h.run(START, { i: input({ ensemble: 'NVT_LANGEVIN', seed, friction: 0.02 }) });
      const job = await waitFor(h, started.data.startMolecularDynamics.id, ['COMPLETED', 'FAILED']);
      expect(job.seed).toBe(seed);
      return job.frames.edges.map((e: { node: unknown }) => e.node);
    };
    const first = await run(99);
    expect(await run(99)).toEqual(first);
    expect(await run(100)).not.toEqual(first);
  });

  test('cancelJob stops a running job', async () => {
    const started = await h.run(START, { i: input({ steps: 1_000_000, sampleEvery: 1000 }) });
    const id = started.data.startMolecularDynamics.id;
    const running = await waitFor(h, id, ['RUNNING', 'FAILED']);
    expect(running.status).toBe('RUNNING');
    const { data, errors } = await h.run('mutation ($id: ID!) { cancelJob(id: $id) { status progress { step total } } }', { id });
    expect(errors).toBeUndefined();
    expect(data.cancelJob.status).toBe('CANCELLED');
    expect(data.cancelJob.progress.step).toBeLessThan(1_000_000);
    const after = await waitFor(h, id, ['CANCELLED']);
    expect(after.finalStructure).toBeNull();
  });

  test('cancelJob on an unknown id is NOT_FOUND', async () => {
    const { errors } = await h.run('mutation { cancelJob(id: "nope") { status } }');
    expect(errors?.[0].code).toBe('NOT_FOUND');
    expect(errors?.[0].message).toMatch(/"nope"/);
  });

  test('job on an unknown id is null', async () => {
    const { data } = await h.run('{ job(id: "nope") { id } }');
    expect(data.job).toBeNull();
  });

  test('invalid settings are BAD_USER_INPUT and store no job', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ensemble: 'NVT_LANGEVIN', friction: 0 }, /friction must be a positive rate/],
      [{ timestepFs: -1 }, /timestepFs must be a positive number.*got -1/],
      [{ sampleEvery: 0 }, /sampleEvery must be a positive integer.*got 0/],
      [{ temperature: -5 }, /temperature must be .*got -5/],
      [{ steps: 0 }, /steps must be a positive integer, got 0/],
    ];
    const before = await h.subgraph.store.db.query<{ n: bigint }>('SELECT count(*) AS n FROM md_jobs');
    for (const [extra, message] of cases) {
      const { errors } = await h.run(START, { i: input(extra) });
      expect(errors?.[0].code, JSON.stringify(extra)).toBe('BAD_USER_INPUT');
      expect(errors?.[0].message).toMatch(message);
    }
    const after = await h.subgraph.store.db.query<{ n: bigint }>('SELECT count(*) AS n FROM md_jobs');
    expect(after[0].n).toBe(before[0].n);
  });
});

describe('limits and restart', () => {
  const saved = { steps: process.env.SCIFED_MD_MAX_STEPS, jobs: process.env.SCIFED_MD_MAX_JOBS };
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'scifed-md-jobs-'));
    process.env.SCIFED_MD_MAX_STEPS = '100000';
    process.env.SCIFED_MD_MAX_JOBS = '1';
  });
  afterAll(() => {
    for (const [name, value] of [['SCIFED_MD_MAX_STEPS', saved.steps], ['SCIFED_MD_MAX_JOBS', saved.jobs]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Opens the subgraph on `dataDir` again, as a restarted server does. */
  async function open(): Promise<Harness> {
    const subgraph = await createMaterialsSubgraph({ dataDir });
    const server = createSubgraphApolloServer(subgraph.schema);
    return {
      subgraph,
      async run(query, variables) {
        const response = await server.executeOperation({ query, variables }, { contextValue: await subgraph.context() });
        if (response.body.kind !== 'single') throw new Error('expected a single result');
        const { data, errors } = response.body.singleResult;
        return { data: data ?? undefined, errors: errors?.map((e) => ({ message: e.message, code: String(e.extensions?.code) })) };
      },
      close: () => subgraph.close(),
    };
  }

  test('step and job limits, then restart', async () => {
    const first = await open();
    const { data } = await first.run('{ potentials(element: "Cu", first: 50) { edges { node { id name } } } }');
    const potential = data.potentials.edges.find((e: { node: { name: string } }) => e.node.name === 'Zhou2004 Cu').node.id;
    const structure = await copper(first, [2, 2, 2]);
    const request = { structureId: structure, potentialId: potential, temperature: 300, steps: 100_000, sampleEvery: 1000, backend: 'WASM' };

    const tooLong = await first.run(START, { i: { ...request, steps: 100_001 } });
    expect(tooLong.errors?.[0].code).toBe('LIMIT_EXCEEDED');
    expect(tooLong.errors?.[0].message).toMatch(/100001.*100000 \(SCIFED_MD_MAX_STEPS\)/);

    const started = await first.run(START, { i: request });
    expect(started.errors).toBeUndefined();
    const id = started.data.startMolecularDynamics.id;
    const second = await first.run(START, { i: request });
    expect(second.errors?.[0].code).toBe('LIMIT_EXCEEDED');
    expect(second.errors?.[0].message).toMatch(/SCIFED_MD_MAX_JOBS\) is 1/);

    await waitFor(first, id, ['RUNNING']);
    await first.close();

    const restarted = await open();
    const job = await restarted.run('query ($id: ID!) { job(id: $id) { status error progress { step total } } }', { id });
    expect(job.data.job.status).toBe('FAILED');
    expect(job.data.job.error).toBe(RESTART_REASON);
    expect(job.data.job.progress.total).toBe(100_000);
    // The restarted process runs new jobs again.
    const again = await restarted.run(START, { i: { ...request, steps: 10 } });
    expect(again.errors).toBeUndefined();
    expect((await waitFor(restarted, again.data.startMolecularDynamics.id, ['COMPLETED', 'FAILED'])).status).toBe('COMPLETED');
    await restarted.close();
  });
});
