import { ConnectionType, DateTimeScalar } from '@scifed/schema';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';

import { EAM_FORMATS, PAIR_KINDS, type EamFormat, type PairKind } from '../potentials/service.js';

const enumOf = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };

export const PairKindEnum = enumOf(PAIR_KINDS);
registerEnumType(PairKindEnum, {
  name: 'PairKind',
  description: 'Parametric pair potentials: LJ (LAMMPS lj/cut) and MORSE (LAMMPS morse).',
});

export const EamFormatEnum = enumOf(EAM_FORMATS);
registerEnumType(EamFormatEnum, {
  name: 'EamFormat',
  description: 'LAMMPS EAM file formats: EAM_FUNCFL (pair_style eam), EAM_SETFL (eam/alloy), EAM_FS (eam/fs).',
});

export const POTENTIAL_KINDS = [...PAIR_KINDS, ...EAM_FORMATS] as const;
export const PotentialKindEnum = enumOf(POTENTIAL_KINDS);
registerEnumType(PotentialKindEnum, { name: 'PotentialKind', description: 'How a potential is defined: pair parameters or an EAM file format.' });

export const BACKENDS = ['AUTO', 'REFERENCE', 'WASM', 'WEBGPU'] as const;
export type BackendName = (typeof BACKENDS)[number];
export const BackendEnum = enumOf(BACKENDS);
registerEnumType(BackendEnum, {
  name: 'Backend',
  description: 'Kernel backend: AUTO (WebGPU on a hardware adapter for large systems, else WebAssembly), REFERENCE (plain TypeScript, float64), WASM (float64), WEBGPU (float32).',
});

@ObjectType({ description: 'An interatomic potential: parametric pair or tabulated EAM.' })
export class Potential {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => PotentialKindEnum)
  kind!: string;

  @Field(() => String, { description: 'The LAMMPS pair_style that computes the same energies.' })
  lammpsStyle!: string;

  @Field(() => [String], { description: 'Elements the potential covers, in its species order.' })
  elements!: string[];

  @Field(() => Float, { description: 'Largest interaction cutoff, Å.' })
  cutoff!: number;

  @Field(() => String, { description: 'Where it came from: parameters, a file, or the built-in library.' })
  source!: string;

  @Field(() => String, { nullable: true, description: 'Literature reference (built-in potentials), or the first line of the imported file.' })
  citation!: string | null;

  @Field(() => Boolean, { description: 'True for the built-in library.' })
  builtin!: boolean;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}

export const PotentialConnection = ConnectionType('Potential', Potential);

@InputType({ description: 'Parameters of one element pair. LJ uses epsilon, sigma; MORSE uses d0, alpha, r0.' })
export class PairParametersInput {
  @Field(() => [String], { description: 'Two element symbols, e.g. ["Ar", "Ar"] or ["Cu", "Ni"].' })
  elements!: string[];

  @Field(() => Float, { nullable: true, description: 'LJ well depth ε, eV.' })
  epsilon?: number | null;

  @Field(() => Float, { nullable: true, description: 'LJ zero crossing σ, Å.' })
  sigma?: number | null;

  @Field(() => Float, { nullable: true, description: 'Morse well depth D0, eV.' })
  d0?: number | null;

  @Field(() => Float, { nullable: true, description: 'Morse width α, 1/Å.' })
  alpha?: number | null;

  @Field(() => Float, { nullable: true, description: 'Morse equilibrium distance r0, Å.' })
  r0?: number | null;

  @Field(() => Float, { description: 'Cutoff, Å.' })
  cutoff!: number;
}

@InputType({ description: 'A parametric pair potential.' })
export class PairPotentialInput {
  @Field(() => String, { description: 'Unique name.' })
  name!: string;

  @Field(() => PairKindEnum)
  kind!: PairKind;

  @Field(() => Boolean, { nullable: true, description: 'Shift energies to zero at the cutoff (LAMMPS pair_modify shift yes). Default false.' })
  shift?: boolean | null;

  @Field(() => [PairParametersInput], { description: 'One entry per element pair. Missing LJ cross pairs mix geometrically, as LAMMPS does by default.' })
  pairs!: PairParametersInput[];
}

@ObjectType({ description: 'Energy, forces and stress of a structure under a potential, LAMMPS metal units.' })
export class Evaluation {
  @Field(() => Float, { description: 'Potential energy, eV.' })
  energy!: number;

  @Field(() => Float, { description: 'Potential energy per atom, eV.' })
  energyPerAtom!: number;

  @Field(() => [Float], { description: 'Per-atom energies, eV (pair terms split evenly, as LAMMPS compute pe/atom).' })
  atomEnergies!: number[];

  @Field(() => [[Float]], { description: 'Forces, N×3, eV/Å.' })
  forces!: number[][];

  @Field(() => [Float], { description: 'Stress, Voigt xx yy zz yz xz xy, eV/Å³; −virial/volume, positive under tension (ASE convention).' })
  stress!: number[];

  @Field(() => [Float], { description: 'The stress in GPa.' })
  stressGPa!: number[];

  @Field(() => Float, { description: 'Largest per-atom force, eV/Å.' })
  maxForce!: number;

  @Field(() => BackendEnum, { description: 'Backend that computed the result.' })
  backend!: string;

  @Field(() => Float, { description: 'Kernel wall time, ms.' })
  milliseconds!: number;
}

export { Int };

export const OPTIMIZERS = ['FIRE', 'LBFGS'] as const;
export const OptimizerEnum = enumOf(OPTIMIZERS);
registerEnumType(OptimizerEnum, { name: 'Optimizer', description: 'FIRE (Bitzek et al. 2006) or L-BFGS, both with ASE default settings.' });

@InputType()
export class RelaxInput {
  @Field(() => ID)
  structureId!: string;

  @Field(() => ID)
  potentialId!: string;

  @Field(() => OptimizerEnum, { defaultValue: 'FIRE' })
  optimizer!: 'FIRE' | 'LBFGS';

  @Field(() => Float, { defaultValue: 0.01, description: 'Convergence threshold on every atomic force (and cell force with relaxCell), eV/Å.' })
  fmax!: number;

  @Field(() => Int, { defaultValue: 1000, description: 'Most optimizer steps (at most SCIFED_RELAX_MAX_STEPS).' })
  maxSteps!: number;

  @Field(() => Boolean, { defaultValue: false, description: 'Relax the cell as well (all nine components) toward pressureGPa.' })
  relaxCell!: boolean;

  @Field(() => Float, { defaultValue: 0, description: 'Target hydrostatic pressure with relaxCell, GPa.' })
  pressureGPa!: number;

  @Field(() => BackendEnum, { defaultValue: 'AUTO' })
  backend!: BackendName;
}

@ObjectType({ description: 'One optimizer step.' })
export class RelaxStepType {
  @Field(() => Int)
  step!: number;

  @Field(() => Float, { description: 'Energy, eV (enthalpy E + PV with relaxCell).' })
  energy!: number;

  @Field(() => Float, { description: 'Largest force, eV/Å.' })
  fmax!: number;
}

@InputType()
export class EquationOfStateInput {
  @Field(() => ID)
  structureId!: string;

  @Field(() => ID)
  potentialId!: string;

  @Field(() => [Float], { nullable: true, description: 'Linear strains applied to the cell; default −0.04 to 0.04 in steps of 0.01.' })
  strains?: number[] | null;

  @Field(() => BackendEnum, { defaultValue: 'AUTO' })
  backend!: BackendName;
}

@ObjectType({ description: 'Third-order Birch–Murnaghan fit of energy against volume.' })
export class EquationOfStateType {
  @Field(() => Float, { description: 'Equilibrium volume of the cell, Å³.' })
  v0!: number;

  @Field(() => Float, { description: 'Energy at V0, eV per cell.' })
  e0!: number;

  @Field(() => Float, { description: 'Bulk modulus at V0, GPa.' })
  b0GPa!: number;

  @Field(() => Float, { description: "Pressure derivative of the bulk modulus B0', dimensionless." })
  b0Prime!: number;

  @Field(() => [Float], { description: 'Cell volumes evaluated, Å³.' })
  volumes!: number[];

  @Field(() => [Float], { description: 'Energies at those volumes, eV.' })
  energies!: number[];
}
