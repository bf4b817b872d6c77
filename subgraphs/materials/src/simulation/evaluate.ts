import { BackendUnavailableError, computeForces, KernelInputError, type BackendChoice, type ForceOptions, type ForceResult, type Potential, type Structure } from '@scifed/compute';
import { InputError } from '@scifed/schema';

import type { AtomsData } from '../crystal/prototypes.js';
import { determinant } from '../io/common.js';
import type { PotentialRecord } from '../store.js';
import { kernelPotential, speciesIndices } from '../potentials/service.js';

/** eV/Å³ → GPa: 1 eV = 1.602176634e-19 J (exact, SI 2019), 1 Å³ = 1e-30 m³. */
export const EV_PER_CUBIC_ANGSTROM_IN_GPA = 160.2176634;

/** A structure and potential ready for the kernel layer. */
export interface Prepared {
  structure: Structure;
  potential: Potential;
  /** Volume used for stress, Å³: the cell's, or the bounding box's for a molecule. */
  volume: number;
}

/**
 * Converts stored atoms for the kernel layer. A structure with no periodic
 * axis and a singular cell (a molecule) gets an orthogonal box around its
 * atoms, padded by the cutoff, because the kernel's neighbour search needs a
 * non-singular cell; atoms are translated into it, which changes no energy.
 */
export function prepare(atoms: AtomsData, record: PotentialRecord): Prepared {
  const potential = kernelPotential(record);
  const species = speciesIndices(atoms.species, record);
  let cell = Float64Array.from(atoms.cell);
  let positions = Float64Array.from(atoms.positions);
  const lengths = [0, 1, 2].map((r) => Math.hypot(cell[r * 3], cell[r * 3 + 1], cell[r * 3 + 2]));
  const singular = Math.abs(determinant(cell)) <= 1e-9 * lengths[0] * lengths[1] * lengths[2] || lengths.some((l) => l === 0);
  if (!atoms.pbc.some(Boolean) && singular) {
    const lo = [Infinity, Infinity, Infinity];
    const hi = [-Infinity, -Infinity, -Infinity];
    for (let i = 0; i < positions.length; i++) {
      lo[i % 3] = Math.min(lo[i % 3], positions[i]);
      hi[i % 3] = Math.max(hi[i % 3], positions[i]);
    }
    const pad = potential.cutoff;
    cell = Float64Array.from([hi[0] - lo[0] + 2 * pad, 0, 0, 0, hi[1] - lo[1] + 2 * pad, 0, 0, 0, hi[2] - lo[2] + 2 * pad]);
    positions = positions.map((x, i) => x - lo[i % 3] + pad);
  }
  return {
    structure: { positions, cell, pbc: atoms.pbc, species },
    potential,
    volume: Math.abs(determinant(cell)),
  };
}

/** Runs the kernel, turning kernel input and backend errors into user input errors. */
export async function forcesOf(prepared: Prepared, backend: BackendChoice, neighborList?: ForceOptions['neighborList']): Promise<ForceResult> {
  try {
    return await computeForces(prepared.structure, prepared.potential, { backend, neighborList });
  } catch (error) {
    if (error instanceof KernelInputError || error instanceof BackendUnavailableError) throw new InputError(error.message);
    throw error;
  }
}

export interface Evaluation {
  /** eV */
  energy: number;
  energyPerAtom: number;
  atomEnergies: number[];
  /** N×3, eV/Å */
  forces: number[][];
  /** Voigt xx yy zz yz xz xy, eV/Å³, −virial/volume (ASE sign). */
  stress: number[];
  stressGPa: number[];
  /** Largest per-atom force norm, eV/Å. */
  maxForce: number;
  backend: string;
  milliseconds: number;
}

export function maxForceOf(forces: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < forces.length; i += 3) max = Math.max(max, Math.hypot(forces[i], forces[i + 1], forces[i + 2]));
  return max;
}

/** Energy, forces and stress of stored atoms under a stored potential. */
export async function evaluate(atoms: AtomsData, record: PotentialRecord, backend: BackendChoice): Promise<Evaluation> {
  const prepared = prepare(atoms, record);
  const started = performance.now();
  const result = await forcesOf(prepared, backend);
  const milliseconds = performance.now() - started;
  const n = atoms.species.length;
  const forces: number[][] = [];
  for (let i = 0; i < n; i++) forces.push([result.forces[i * 3], result.forces[i * 3 + 1], result.forces[i * 3 + 2]]);
  const stress = Array.from(result.virial, (w) => -w / prepared.volume);
  return {
    energy: result.energy,
    energyPerAtom: result.energy / n,
    atomEnergies: Array.from(result.atomEnergies),
    forces,
    stress,
    stressGPa: stress.map((s) => s * EV_PER_CUBIC_ANGSTROM_IN_GPA),
    maxForce: maxForceOf(result.forces),
    backend: result.backend.toUpperCase(),
    milliseconds,
  };
}
