import { InputError, isElementSymbol } from '@scifed/schema';

/**
 * Crystal prototypes in their conventional cells, as ASE's `bulk(..., cubic=True)`
 * and LAMMPS's `lattice` command build them. Lengths in Å; cell rows are the
 * lattice vectors a, b, c; basis positions are fractional.
 */
export type Prototype = 'FCC' | 'BCC' | 'HCP' | 'DIAMOND' | 'SC';

export const PROTOTYPES: readonly Prototype[] = ['FCC', 'BCC', 'HCP', 'DIAMOND', 'SC'];

const BASES: Record<Prototype, number[][]> = {
  SC: [[0, 0, 0]],
  BCC: [[0, 0, 0], [0.5, 0.5, 0.5]],
  FCC: [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]],
  // Two interpenetrating fcc lattices offset by a quarter of the body diagonal.
  DIAMOND: [
    [0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0],
    [0.25, 0.25, 0.25], [0.25, 0.75, 0.75], [0.75, 0.25, 0.75], [0.75, 0.75, 0.25],
  ],
  // Hexagonal cell with a at 120 degrees to b; ASE's basis for hcp.
  HCP: [[1 / 3, 2 / 3, 0.25], [2 / 3, 1 / 3, 0.75]],
};

/** Ideal c/a of hcp for touching hard spheres, sqrt(8/3). */
export const IDEAL_HCP_C_OVER_A = Math.sqrt(8 / 3);

export interface CrystalRequest {
  element: string;
  prototype: Prototype;
  /** Lattice constant, Å. */
  a: number;
  /** hcp only: c lattice constant, Å (default a·sqrt(8/3)). */
  c?: number | null;
  /** Repetitions along a, b and c (default [1, 1, 1]). */
  repeat?: number[] | null;
}

export interface AtomsData {
  /** Cell rows a, b, c, Å, row-major 3×3. */
  cell: Float64Array;
  pbc: [boolean, boolean, boolean];
  /** Cartesian positions, Å, x0 y0 z0 x1 ... */
  positions: Float64Array;
  /** Element symbol per atom. */
  species: string[];
}

/** Builds a periodic crystal from a prototype, repeated `repeat` times; throws InputError on bad input. */
export function buildCrystal(request: CrystalRequest, maxAtoms: number): AtomsData {
  const { element, prototype, a } = request;
  if (!isElementSymbol(element)) {
    throw new InputError(`element ${JSON.stringify(element)} is not a chemical element symbol; use a symbol such as "Cu" or "Fe".`);
  }
  if (!PROTOTYPES.includes(prototype)) {
    throw new InputError(`prototype ${JSON.stringify(prototype)} is unknown; use one of ${PROTOTYPES.join(', ')}.`);
  }
  if (!(Number.isFinite(a) && a > 0)) {
    throw new InputError(`a (lattice constant) must be a positive number of Å, got ${a}.`);
  }
  const c = request.c ?? (prototype === 'HCP' ? a * IDEAL_HCP_C_OVER_A : a);
  if (!(Number.isFinite(c) && c > 0)) {
    throw new InputError(`c (lattice constant) must be a positive number of Å, got ${request.c}.`);
  }
  if (request.c != null && prototype !== 'HCP') {
    throw new InputError(`c applies only to the HCP prototype; omit it for ${prototype}.`);
  }
  const repeat = request.repeat ?? [1, 1, 1];
  if (repeat.length !== 3 || repeat.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new InputError(`repeat must be three positive integers such as [2, 2, 2], got ${JSON.stringify(repeat)}.`);
  }

  const basis = BASES[prototype];
  const natoms = basis.length * repeat[0] * repeat[1] * repeat[2];
  if (natoms > maxAtoms) {
    throw new InputError(
      `repeat ${JSON.stringify(repeat)} gives ${natoms} atoms, above the limit of ${maxAtoms} (SCIFED_MAX_ATOMS); use a smaller repeat.`,
      'LIMIT_EXCEEDED',
    );
  }

  const unit =
    prototype === 'HCP'
      ? [a, 0, 0, -a / 2, (a * Math.sqrt(3)) / 2, 0, 0, 0, c]
      : [a, 0, 0, 0, a, 0, 0, 0, a];
  const cell = new Float64Array(9);
  for (let row = 0; row < 3; row++) for (let col = 0; col < 3; col++) cell[row * 3 + col] = unit[row * 3 + col] * repeat[row];

  const positions = new Float64Array(natoms * 3);
  let atom = 0;
  for (let i = 0; i < repeat[0]; i++) {
    for (let j = 0; j < repeat[1]; j++) {
      for (let k = 0; k < repeat[2]; k++) {
        for (const [fa, fb, fc] of basis) {
          const u = i + fa;
          const v = j + fb;
          const w = k + fc;
          for (let axis = 0; axis < 3; axis++) {
            positions[atom * 3 + axis] = u * unit[axis] + v * unit[3 + axis] + w * unit[6 + axis];
          }
          atom++;
        }
      }
    }
  }
  return { cell, pbc: [true, true, true], positions, species: new Array<string>(natoms).fill(element) };
}
