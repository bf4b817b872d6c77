import { KernelInputError } from '../errors.js';
import { checkFinite, checkInteger, checkLength } from '../validate.js';

/**
 * An atomic structure in structure-of-arrays form, LAMMPS `metal` units.
 *
 * - positions: Float64Array(3N), x0 y0 z0 x1 ..., Å. Atoms may lie outside
 *   the cell; periodic axes are wrapped internally.
 * - cell: Float64Array(9), the lattice vectors a, b, c as rows (ASE and
 *   LAMMPS convention), Å. Must be non-singular even when no axis is periodic,
 *   because the neighbour search bins atoms in fractional coordinates.
 * - pbc: periodicity along a, b, c.
 * - species: Int32Array(N), each an index into the potential's element list.
 */
export interface Structure {
  positions: Float64Array;
  cell: Float64Array;
  pbc: readonly [boolean, boolean, boolean];
  species: Int32Array;
}

/** Derived geometry of a cell whose rows are the lattice vectors. */
export interface CellGeometry {
  /** |det(cell)|, Å³. */
  volume: number;
  /** Inverse of the cell matrix, row-major: fractional s = x · inverse. */
  inverse: Float64Array;
  /** Distance between the two faces spanned by the other two vectors, per axis, Å. */
  heights: [number, number, number];
}

function cross(u: ArrayLike<number>, uo: number, v: ArrayLike<number>, vo: number): [number, number, number] {
  return [
    u[uo + 1] * v[vo + 2] - u[uo + 2] * v[vo + 1],
    u[uo + 2] * v[vo] - u[uo] * v[vo + 2],
    u[uo] * v[vo + 1] - u[uo + 1] * v[vo],
  ];
}

/**
 * Computes volume, inverse and face-to-face heights of a cell, or throws
 * KernelInputError when the cell is singular (relative determinant below 1e-12).
 */
export function cellGeometry(cell: Float64Array, argument = 'cell'): CellGeometry {
  // Rows of the inverse's transpose are the reciprocal vectors (b × c)/det etc.
  const bc = cross(cell, 3, cell, 6);
  const ca = cross(cell, 6, cell, 0);
  const ab = cross(cell, 0, cell, 3);
  const det = cell[0] * bc[0] + cell[1] * bc[1] + cell[2] * bc[2];
  const norm = (o: number) => Math.hypot(cell[o], cell[o + 1], cell[o + 2]);
  const scale = norm(0) * norm(3) * norm(6);
  if (!(scale > 0) || Math.abs(det) <= 1e-12 * scale) {
    throw new KernelInputError(argument, 'three linearly independent lattice vectors (non-zero volume)', `determinant ${det}`, 'Give every axis a lattice vector, even a non-periodic one.');
  }
  const inverse = new Float64Array(9);
  for (let k = 0; k < 3; k++) {
    inverse[k] = bc[k] / det;
    inverse[3 + k] = ca[k] / det;
    inverse[6 + k] = ab[k] / det;
  }
  // inverse above holds reciprocal vectors as rows; transpose so that s = x · inverse.
  const transposed = new Float64Array(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) transposed[r * 3 + c] = inverse[c * 3 + r];
  const volume = Math.abs(det);
  const area = (v: [number, number, number]) => Math.hypot(v[0], v[1], v[2]);
  return { volume, inverse: transposed, heights: [volume / area(bc), volume / area(ca), volume / area(ab)] };
}

/** Checks shapes, finiteness, species range and the cell; returns N and the cell geometry. */
export function validateStructure(structure: Structure, speciesCount: number): { n: number; geometry: CellGeometry } {
  const { positions, cell, pbc, species } = structure;
  if (!(positions instanceof Float64Array)) throw new KernelInputError('positions', 'a Float64Array', typeof positions);
  if (positions.length % 3 !== 0) {
    throw new KernelInputError('positions', 'a length divisible by 3 (x y z per atom)', `length ${positions.length}`);
  }
  const n = positions.length / 3;
  checkFinite('positions', positions, 3);
  checkLength('cell', cell, 9, '3 lattice vectors × 3 components');
  checkFinite('cell', cell, 3);
  if (!Array.isArray(pbc) || pbc.length !== 3 || pbc.some((p) => typeof p !== 'boolean')) {
    throw new KernelInputError('pbc', 'three booleans', JSON.stringify(pbc));
  }
  if (!(species instanceof Int32Array)) throw new KernelInputError('species', 'an Int32Array', typeof species);
  checkLength('species', species, n, 'one element index per atom');
  for (let i = 0; i < n; i++) checkInteger(`species[${i}]`, species[i], 0, speciesCount - 1);
  return { n, geometry: cellGeometry(cell) };
}
