import type { Backend } from '../backend.js';

/**
 * Energies and forces of one structure, LAMMPS `metal` units.
 *
 * virial W = Σ_pairs r_ij ⊗ f_ij (r_ij = x_i − x_j, f_ij the force on i
 * from j), Voigt order xx yy zz yz xz xy, eV. stress = −W / volume, eV/Å³,
 * the ASE sign convention (positive under tension).
 */
export interface ForceResult {
  /** Total potential energy, eV. */
  energy: number;
  /** Per-atom energies, N, eV; pair terms split half and half. */
  atomEnergies: Float64Array;
  /** Forces, 3N, eV/Å. */
  forces: Float64Array;
  virial: Float64Array;
  stress: Float64Array;
  backend: Backend;
  /** Unordered pairs in the neighbour list used (within cutoff + skin, images counted separately). */
  neighborCount: number;
}

/** Totals a kernel hands back before the public result is assembled. */
export interface KernelOutput {
  atomEnergies: Float64Array;
  forces: Float64Array;
  /** Voigt order xx yy zz yz xz xy, eV. */
  virial: Float64Array;
}
