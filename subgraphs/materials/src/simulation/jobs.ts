import { randomUUID } from 'node:crypto';

import type { BackendChoice } from '@scifed/compute';
import { InputError, logger } from '@scifed/schema';

import { checkStructure, type StructureLimits } from '../crystal/checks.js';
import { writeExtxyz } from '../io/index.js';
import { speciesIndices } from '../potentials/service.js';
import type { MaterialsStore, MdJobRecord, PotentialRecord, StructureRecord } from '../store.js';
import { checkSettings, DEFAULT_SKIN, massesOf, MolecularDynamics, type Ensemble } from './dynamics.js';

/**
 * Molecular-dynamics jobs run in the background of the subgraph process.
 *
 * A job integrates in slices of at most SLICE_MS of wall time and yields to
 * the event loop between slices (setImmediate), so requests keep being
 * served. A job belongs to the process, not to the request that started it,
 * so a client that disconnects does not stop it. Sampled frames go to DuckDB
 * as they are taken. A job that is QUEUED or RUNNING when the process stops
 * stays so in the file, and the next start marks it FAILED with
 * RESTART_REASON.
 */

export const RESTART_REASON = 'the server restarted during the run';

/**
 * Wall time one job integrates before yielding to the event loop, ms.
 * NOTE: the check runs between steps, so one step of a large system (about
 * 0.1 s at 32,000 EAM atoms on WebAssembly) can hold the loop longer.
 */
const SLICE_MS = 50;

/** Shortest interval between progress writes to DuckDB, ms (frames are written when taken). */
const PROGRESS_WRITE_MS = 500;

export interface MdJobRequest {
  ensemble: Ensemble;
  /** K */
  temperature: number;
  timestepFs: number;
  steps: number;
  sampleEvery: number;
  /** 1/fs */
  friction: number;
  seed: number;
  backend: BackendChoice;
}

export interface MdJobLimits extends StructureLimits {
  /** SCIFED_MD_MAX_STEPS */
  mdMaxSteps: number;
  /** SCIFED_MD_MAX_JOBS */
  mdMaxJobs: number;
}

interface ActiveJob {
  /** Set by cancel(): the job stops at the next step and is marked CANCELLED. */
  cancelled: boolean;
  /** Steps done so far, ahead of the last progress write. */
  step: number;
  done: Promise<void>;
}

/** Starts, tracks and cancels the jobs of one store. */
export class MdJobs {
  private readonly active = new Map<string, ActiveJob>();
  private stopping = false;

  private constructor(private readonly store: MaterialsStore, private readonly limits: MdJobLimits) {}

  /** Opens the job runner, marking jobs left unfinished by an earlier process FAILED. */
  static async open(store: MaterialsStore, limits: MdJobLimits): Promise<MdJobs> {
    const failed = await store.failUnfinishedJobs(RESTART_REASON);
    if (failed.length > 0) logger.warn({ jobs: failed }, 'marked molecular-dynamics jobs FAILED: the server restarted during their run');
    return new MdJobs(store, limits);
  }

  /** Validates the request, stores the job as QUEUED and starts it in the background. */
  async start(structure: StructureRecord, potential: PotentialRecord, request: MdJobRequest): Promise<MdJobRecord> {
    const { mdMaxSteps, mdMaxJobs } = this.limits;
    if (!Number.isInteger(request.steps) || request.steps < 1) throw new InputError(`steps must be a positive integer, got ${request.steps}.`);
    if (request.steps > mdMaxSteps) {
      throw new InputError(`steps is ${request.steps}, above the limit of ${mdMaxSteps} (SCIFED_MD_MAX_STEPS); split the run into several jobs.`, 'LIMIT_EXCEEDED');
    }
    if (!Number.isInteger(request.sampleEvery) || request.sampleEvery < 1) {
      throw new InputError(`sampleEvery must be a positive integer number of steps, got ${request.sampleEvery}.`);
    }
    checkSettings({ ...request, skin: DEFAULT_SKIN }, structure.natoms);
    massesOf(structure.species);
    speciesIndices(structure.species, potential);
    if (this.stopping) throw new InputError('the server is shutting down; start the job again once it is back.');
    if (this.active.size >= mdMaxJobs) {
      throw new InputError(
        `${this.active.size} molecular-dynamics jobs are running, the limit (SCIFED_MD_MAX_JOBS) is ${mdMaxJobs}; wait for one to finish or cancel one with cancelJob.`,
        'LIMIT_EXCEEDED',
      );
    }

    const job = await this.store.insertJob({
      id: randomUUID(),
      structureId: structure.id,
      potentialId: potential.id,
      ensemble: request.ensemble,
      temperature: request.temperature,
      timestepFs: request.timestepFs,
      steps: request.steps,
      sampleEvery: request.sampleEvery,
      friction: request.friction,
      seed: request.seed,
      backendRequested: request.backend,
    });
    const active: ActiveJob = { cancelled: false, step: 0, done: Promise.resolve() };
    this.active.set(job.id, active);
    active.done = this.run(job, structure, potential, request, active)
      .catch((error: unknown) => logger.error({ err: error, job: job.id }, 'could not record the end of a molecular-dynamics job'))
      .finally(() => this.active.delete(job.id));
    return job;
  }

  /** The stored job with the live step count of a running one; null for an unknown id. */
  async get(id: string): Promise<MdJobRecord | null> {
    const job = await this.store.jobById(id);
    const active = this.active.get(id);
    if (job && active && job.status === 'RUNNING') job.step = Math.max(job.step, active.step);
    return job;
  }

  /**
   * Asks a QUEUED or RUNNING job to stop and waits until it is CANCELLED.
   * A finished job is returned unchanged; null for an unknown id.
   */
  async cancel(id: string): Promise<MdJobRecord | null> {
    const active = this.active.get(id);
    if (active) {
      active.cancelled = true;
      await active.done;
    }
    return this.store.jobById(id);
  }

  /** Stops every job's loop and waits for them; their rows stay unfinished, so the next start marks them FAILED. */
  async close(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.active.values()].map((job) => job.done));
  }

  private async run(job: MdJobRecord, structure: StructureRecord, potential: PotentialRecord, request: MdJobRequest, active: ActiveJob): Promise<void> {
    const store = this.store;
    try {
      // Yield once so startMolecularDynamics returns before the first force call.
      await nextTick();
      if (this.stopping) return;
      if (active.cancelled) {
        await store.updateJob(job.id, { status: 'CANCELLED', finished: true });
        return;
      }
      await store.updateJob(job.id, { status: 'RUNNING', started: true });
      const md = await MolecularDynamics.start(structure, potential, { ...request, skin: DEFAULT_SKIN });
      await store.updateJob(job.id, { backend: md.backend.toUpperCase() });
      await this.sample(job.id, md);

      let lastWrite = performance.now();
      while (md.step < job.steps && !active.cancelled && !this.stopping) {
        const sliceEnd = performance.now() + SLICE_MS;
        while (md.step < job.steps && !active.cancelled && performance.now() < sliceEnd) {
          await md.advance(1);
          active.step = md.step;
          if (md.step % job.sampleEvery === 0 || md.step === job.steps) await this.sample(job.id, md);
        }
        if (performance.now() - lastWrite >= PROGRESS_WRITE_MS) {
          await store.updateJob(job.id, { step: md.step });
          lastWrite = performance.now();
        }
        await nextTick();
      }

      if (this.stopping) return;
      if (active.cancelled) {
        await store.updateJob(job.id, { status: 'CANCELLED', step: md.step, finished: true });
        return;
      }
      const final = md.atoms();
      checkStructure(final, this.limits, 'the final MD structure');
      const [saved] = await store.insertStructures([
        { atoms: final, meta: { name: structure.name ? `${structure.name} (MD)` : null, sourceFormat: 'MD', parentId: structure.id } },
      ]);
      await store.updateJob(job.id, { status: 'COMPLETED', step: md.step, resultStructureId: saved.id, finished: true });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.error({ err: error, job: job.id }, 'molecular-dynamics job failed');
      if (!this.stopping) await store.updateJob(job.id, { status: 'FAILED', step: active.step, error: message, finished: true });
    }
  }

  private async sample(jobId: string, md: MolecularDynamics): Promise<void> {
    const atoms = md.atoms();
    await this.store.insertFrame(jobId, md.thermo(), atoms.cell, atoms.positions);
  }
}

/** Writes a job's stored frames as multi-frame extended XYZ, thermodynamic values in each frame's info. */
export async function trajectoryText(store: MaterialsStore, job: MdJobRecord, species: readonly string[], pbc: readonly boolean[]): Promise<string> {
  const frames = await store.trajectoryOf(job.id);
  return writeExtxyz(
    frames.map((frame) => ({
      cell: frame.cell,
      pbc,
      positions: frame.positions,
      species,
      info: {
        step: frame.step,
        time_fs: frame.timeFs,
        energy: frame.potentialEnergy,
        kinetic_energy: frame.kineticEnergy,
        total_energy: frame.totalEnergy,
        temperature_K: frame.temperature,
        pressure_GPa: frame.pressureGPa,
      },
    })),
  );
}

function nextTick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
