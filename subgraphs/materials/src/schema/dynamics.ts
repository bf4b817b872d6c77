import { ConnectionType, DateTimeScalar } from '@scifed/schema';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';

import type { Ensemble } from '../simulation/dynamics.js';
import type { JobStatus } from '../store.js';
import { BackendEnum, type BackendName } from './simulation.js';

export const EnsembleEnum = { NVE: 'NVE', NVT_LANGEVIN: 'NVT_LANGEVIN' } as const;
registerEnumType(EnsembleEnum, {
  name: 'Ensemble',
  description: 'Statistical ensemble of a molecular-dynamics run.',
  valuesConfig: {
    NVE: { description: 'Constant energy: velocity Verlet.' },
    NVT_LANGEVIN: { description: 'Constant temperature: Langevin dynamics, BAOAB splitting, total momentum kept at zero.' },
  },
});

export const JobStatusEnum = { QUEUED: 'QUEUED', RUNNING: 'RUNNING', COMPLETED: 'COMPLETED', FAILED: 'FAILED', CANCELLED: 'CANCELLED' } as const;
registerEnumType(JobStatusEnum, {
  name: 'JobStatus',
  description: 'State of a background job. QUEUED and RUNNING are unfinished; the others are final.',
});

@InputType({ description: 'A molecular-dynamics run, LAMMPS metal units.' })
export class MolecularDynamicsInput {
  @Field(() => ID)
  structureId!: string;

  @Field(() => ID)
  potentialId!: string;

  @Field(() => EnsembleEnum, { defaultValue: 'NVE' })
  ensemble!: Ensemble;

  @Field(() => Float, { description: 'Temperature of the initial Maxwell–Boltzmann velocities and of the thermostat, K.' })
  temperature!: number;

  @Field(() => Float, { defaultValue: 1, description: 'Time step, fs.' })
  timestepFs!: number;

  @Field(() => Int, { description: 'Steps to integrate (at most SCIFED_MD_MAX_STEPS).' })
  steps!: number;

  @Field(() => Int, { defaultValue: 100, description: 'A frame is stored every this many steps, and at the first and last step.' })
  sampleEvery!: number;

  @Field(() => Float, { defaultValue: 0.01, description: 'Langevin friction γ, 1/fs (LAMMPS fix langevin damp = 1/γ); NVT_LANGEVIN only.' })
  friction!: number;

  @Field(() => Int, { nullable: true, description: 'Random seed of the velocities and the thermostat noise, 0 to 2147483647; drawn at random when absent and reported on the job.' })
  seed?: number | null;

  @Field(() => BackendEnum, { defaultValue: 'AUTO' })
  backend!: BackendName;
}

@ObjectType({ description: 'Thermodynamic state at one sampled step.' })
export class MDFrame {
  @Field(() => Int)
  step!: number;

  @Field(() => Float, { description: 'Simulated time, fs.' })
  timeFs!: number;

  @Field(() => Float, { description: 'Potential energy, eV.' })
  potentialEnergy!: number;

  @Field(() => Float, { description: 'Kinetic energy, eV.' })
  kineticEnergy!: number;

  @Field(() => Float, { description: 'Potential plus kinetic energy, eV.' })
  totalEnergy!: number;

  @Field(() => Float, { description: 'Temperature, K: 2·KE / ((3N − 3)·k_B).' })
  temperature!: number;

  @Field(() => Float, { description: 'Pressure (2·KE + virial trace) / 3V, GPa.' })
  pressureGPa!: number;
}

export const MDFrameConnection = ConnectionType('MDFrame', MDFrame);

@ObjectType({ description: 'Progress of a job.' })
export class JobProgress {
  @Field(() => Int, { description: 'Steps completed.' })
  step!: number;

  @Field(() => Int, { description: 'Steps requested.' })
  total!: number;

  @Field(() => Float, { description: 'step / total, 0 to 1.' })
  fraction!: number;
}

@ObjectType({ description: 'A molecular-dynamics run in the background. Poll it with job(id); it keeps running when the client disconnects.' })
export class MDJob {
  @Field(() => ID)
  id!: string;

  @Field(() => JobStatusEnum)
  status!: JobStatus;

  @Field(() => String, { nullable: true, description: 'Why the job FAILED.' })
  error!: string | null;

  @Field(() => EnsembleEnum)
  ensemble!: Ensemble;

  @Field(() => Float, { description: 'K' })
  temperature!: number;

  @Field(() => Float, { description: 'fs' })
  timestepFs!: number;

  @Field(() => Int)
  steps!: number;

  @Field(() => Int)
  sampleEvery!: number;

  @Field(() => Float, { description: 'Langevin friction, 1/fs.' })
  friction!: number;

  @Field(() => Int, { description: 'Random seed used.' })
  seed!: number;

  @Field(() => BackendEnum, { nullable: true, description: 'Backend that computes the forces, once the job has started.' })
  backend!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: Date | null;
}
