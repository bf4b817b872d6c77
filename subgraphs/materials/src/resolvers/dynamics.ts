import { randomInt } from 'node:crypto';

import { connectionFrom, notFound, pageRequest } from '@scifed/schema';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';

import type { MaterialsContext, MaterialsLimits } from '../context.js';
import { JobProgress, MDFrameConnection, MDJob, MolecularDynamicsInput } from '../schema/dynamics.js';
import { Potential } from '../schema/simulation.js';
import { Structure } from '../schema/types.js';
import { MAX_SEED } from '../simulation/dynamics.js';
import { trajectoryText } from '../simulation/jobs.js';
import type { MdJobRecord, PotentialRecord, StructureRecord } from '../store.js';
import { backendChoice, loadPair } from './potential.js';

type Context = MaterialsContext & { limits: MaterialsLimits };

@Resolver(() => MDJob)
export class DynamicsResolver {
  @Mutation(() => MDJob, { description: 'Starts a molecular-dynamics job in the background and returns it QUEUED; poll it with job(id).' })
  async startMolecularDynamics(@Arg('input', () => MolecularDynamicsInput) input: MolecularDynamicsInput, @Ctx() ctx: Context): Promise<MdJobRecord> {
    const { structure, potential } = await loadPair(ctx, input.structureId, input.potentialId);
    return ctx.jobs.start(structure, potential, {
      ensemble: input.ensemble,
      temperature: input.temperature,
      timestepFs: input.timestepFs,
      steps: input.steps,
      sampleEvery: input.sampleEvery,
      friction: input.friction,
      seed: input.seed ?? randomInt(MAX_SEED + 1),
      backend: backendChoice(input.backend),
    });
  }

  @Query(() => MDJob, { nullable: true, description: 'One molecular-dynamics job by id; null when none has that id.' })
  job(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<MdJobRecord | null> {
    return ctx.jobs.get(id);
  }

  @Mutation(() => MDJob, { description: 'Cancels a QUEUED or RUNNING job and returns it CANCELLED; a finished job is returned unchanged.' })
  async cancelJob(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<MdJobRecord> {
    const job = await ctx.jobs.cancel(id);
    if (!job) throw notFound('MDJob', id, 'Use the id that startMolecularDynamics returned.');
    return job;
  }

  @FieldResolver(() => JobProgress)
  progress(@Root() job: MdJobRecord): JobProgress {
    return { step: job.step, total: job.steps, fraction: job.step / job.steps };
  }

  @FieldResolver(() => Structure, { description: 'The starting structure.' })
  async structure(@Root() job: MdJobRecord, @Ctx() ctx: Context): Promise<StructureRecord | null> {
    return ctx.structureById.load(job.structureId);
  }

  @FieldResolver(() => Potential)
  potential(@Root() job: MdJobRecord, @Ctx() ctx: Context): Promise<PotentialRecord | null> {
    return ctx.store.potentialById(job.potentialId);
  }

  @FieldResolver(() => Structure, { nullable: true, description: 'The last state, stored as a new structure (sourceFormat MD, parentId the starting structure) when the job COMPLETED.' })
  async finalStructure(@Root() job: MdJobRecord, @Ctx() ctx: Context): Promise<StructureRecord | null> {
    return job.resultStructureId ? ctx.structureById.load(job.resultStructureId) : null;
  }

  @FieldResolver(() => MDFrameConnection, { description: 'Sampled frames in step order.' })
  async frames(
    @Root() job: MdJobRecord,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const page = pageRequest(first, after);
    const { records, total } = await ctx.store.framesOf(job.id, page);
    return connectionFrom(records, page, total);
  }

  @FieldResolver(() => String, { description: 'Every sampled frame as multi-frame extended XYZ, positions wrapped into the cell; info keys step, time_fs, energy (potential, eV), kinetic_energy, total_energy, temperature_K, pressure_GPa.' })
  async trajectory(@Root() job: MdJobRecord, @Ctx() ctx: Context): Promise<string> {
    // NOTE: the whole trajectory is built in memory and sent in one response,
    // about 60 bytes per atom and frame; choose sampleEvery so that stays small.
    const structure = await ctx.structureById.load(job.structureId);
    if (!structure) throw notFound('Structure', job.structureId, 'The starting structure of this job is no longer stored.');
    return trajectoryText(ctx.store, job, structure.species, structure.pbc);
  }
}
