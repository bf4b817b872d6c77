import { KernelInputError } from '../errors.js';
import { checkFinite, checkPositive } from '../validate.js';

/**
 * Potential descriptions shared by every backend. Pair coefficients are
 * flattened per species pair (index a·S + b, symmetric) in the form LAMMPS
 * precomputes in init_one, so kernels do no per-pair setup.
 */

/** Coefficients per species pair, 4 each: lj1 lj2 lj3 lj4 (lj/cut) or d0 alpha r0 morse1 (morse). */
export const PAIR_COEFFICIENTS = 4;

export interface PairPotential {
  kind: 'lj/cut' | 'morse';
  elements: string[];
  /** S·S·PAIR_COEFFICIENTS, see PAIR_COEFFICIENTS. */
  coefficients: Float64Array;
  /** Squared cutoff per species pair, S·S, Å². */
  cutoffSquared: Float64Array;
  /** Energy subtracted inside the cutoff per species pair, S·S, eV (0 unless shift). */
  offset: Float64Array;
  /** Largest cutoff over species pairs, Å. */
  cutoff: number;
}

/** A symmetric per-pair parameter: one number for every pair, or an S × S matrix. */
export type PairParameter = number | number[][];

export interface LennardJonesSpec {
  /** Element names, one per species index. Default ['X']. */
  elements?: string[];
  /** Well depth ε, eV. */
  epsilon: PairParameter;
  /** Zero crossing σ, Å. */
  sigma: PairParameter;
  /** Cutoff, Å. */
  cutoff: PairParameter;
  /** Subtract the energy at the cutoff (LAMMPS `pair_modify shift yes`). Default false. */
  shift?: boolean;
}

export interface MorseSpec {
  elements?: string[];
  /** Well depth D0, eV. */
  d0: PairParameter;
  /** Width α, 1/Å. */
  alpha: PairParameter;
  /** Equilibrium distance r0, Å. */
  r0: PairParameter;
  cutoff: PairParameter;
  shift?: boolean;
}

function expandPair(name: string, value: PairParameter, s: number): Float64Array {
  const out = new Float64Array(s * s);
  if (typeof value === 'number') return out.fill(value);
  if (!Array.isArray(value) || value.length !== s || value.some((row) => !Array.isArray(row) || row.length !== s)) {
    throw new KernelInputError(name, `a number or a ${s} × ${s} matrix`, JSON.stringify(value));
  }
  for (let a = 0; a < s; a++) {
    for (let b = 0; b < s; b++) {
      if (value[a][b] !== value[b][a]) {
        throw new KernelInputError(`${name}[${a}][${b}]`, `a symmetric matrix (${value[b][a]} as at [${b}][${a}])`, String(value[a][b]));
      }
      out[a * s + b] = value[a][b];
    }
  }
  return out;
}

function pairSetup(elements: string[] | undefined, cutoffParam: PairParameter) {
  const names = elements ?? ['X'];
  if (names.length === 0) throw new KernelInputError('elements', 'at least one element', '[]');
  const s = names.length;
  const cutoff = expandPair('cutoff', cutoffParam, s);
  for (let k = 0; k < cutoff.length; k++) checkPositive('cutoff', cutoff[k]);
  return { names, s, cutoff };
}

/**
 * Lennard-Jones 12-6 as LAMMPS `pair_style lj/cut`:
 * E(r) = 4ε[(σ/r)^12 − (σ/r)^6] − E_shift for r < rc.
 */
export function lennardJones(spec: LennardJonesSpec): PairPotential {
  const { names, s, cutoff } = pairSetup(spec.elements, spec.cutoff);
  const epsilon = expandPair('epsilon', spec.epsilon, s);
  const sigma = expandPair('sigma', spec.sigma, s);
  checkFinite('epsilon', epsilon);
  for (const value of sigma) checkPositive('sigma', value);

  const coefficients = new Float64Array(s * s * PAIR_COEFFICIENTS);
  const offset = new Float64Array(s * s);
  for (let p = 0; p < s * s; p++) {
    const e = epsilon[p], sg6 = sigma[p] ** 6, sg12 = sg6 * sg6;
    coefficients.set([48 * e * sg12, 24 * e * sg6, 4 * e * sg12, 4 * e * sg6], p * PAIR_COEFFICIENTS);
    if (spec.shift) {
      const ratio6 = (sigma[p] / cutoff[p]) ** 6;
      offset[p] = 4 * e * (ratio6 * ratio6 - ratio6);
    }
  }
  return { kind: 'lj/cut', elements: names, coefficients, cutoffSquared: cutoff.map((c) => c * c), offset, cutoff: Math.max(...cutoff) };
}

/**
 * Morse as LAMMPS `pair_style morse`:
 * E(r) = D0[e^{−2α(r−r0)} − 2e^{−α(r−r0)}] − E_shift for r < rc.
 */
export function morse(spec: MorseSpec): PairPotential {
  const { names, s, cutoff } = pairSetup(spec.elements, spec.cutoff);
  const d0 = expandPair('d0', spec.d0, s);
  const alpha = expandPair('alpha', spec.alpha, s);
  const r0 = expandPair('r0', spec.r0, s);
  checkFinite('d0', d0);
  checkFinite('alpha', alpha);
  checkFinite('r0', r0);

  const coefficients = new Float64Array(s * s * PAIR_COEFFICIENTS);
  const offset = new Float64Array(s * s);
  for (let p = 0; p < s * s; p++) {
    coefficients.set([d0[p], alpha[p], r0[p], 2 * d0[p] * alpha[p]], p * PAIR_COEFFICIENTS);
    if (spec.shift) {
      const dexp = Math.exp(-alpha[p] * (cutoff[p] - r0[p]));
      offset[p] = d0[p] * (dexp * dexp - 2 * dexp);
    }
  }
  return { kind: 'morse', elements: names, coefficients, cutoffSquared: cutoff.map((c) => c * c), offset, cutoff: Math.max(...cutoff) };
}

/** Coefficients per spline knot, in LAMMPS pair_eam order (see interpolateSpline). */
export const SPLINE_COEFFICIENTS = 7;

/**
 * Tabulated EAM in the internal form of LAMMPS pair_eam after file2array and
 * array2spline: every function on one r grid (nr knots, spacing dr) or one ρ
 * grid (nrho, drho), each as a local cubic with 7 coefficients per knot.
 *
 * E = Σ_i F_a(ρ_i) + ½ Σ_i Σ_j φ_ab(r_ij), ρ_i = Σ_j f_{a←b}(r_ij),
 * with a the element of i and b of j. The z2r tables hold r·φ(r) (eV·Å).
 */
export interface EamPotential {
  kind: 'eam' | 'eam/alloy' | 'eam/fs';
  elements: string[];
  /** Atomic masses, amu, per element. */
  masses: number[];
  nrho: number;
  /** ρ grid spacing (density units of the file). */
  drho: number;
  nr: number;
  /** r grid spacing, Å. */
  dr: number;
  /** Pair cutoff, Å (LAMMPS cutmax). */
  cutoff: number;
  /**
   * Density above which F is extrapolated linearly with slope F'(rhomax):
   * (nrho − 1)·drho of the file, as LAMMPS sets it (for funcfl one drho past
   * the regridded table's last knot).
   */
  rhomax: number;
  /** Embedding splines, one per element, each nrho·7. */
  frho: Float64Array;
  /** Density splines, each nr·7. */
  rhor: Float64Array;
  /** r·φ splines, each nr·7. */
  z2r: Float64Array;
  /** S·S: rhor spline giving the density at an atom of element a (row) from a neighbour of element b (column). */
  densityIndex: Int32Array;
  /** S·S: z2r spline of the pair a, b (symmetric). */
  pairIndex: Int32Array;
}

export type Potential = PairPotential | EamPotential;

export function isEam(potential: Potential): potential is EamPotential {
  return potential.kind === 'eam' || potential.kind === 'eam/alloy' || potential.kind === 'eam/fs';
}

/**
 * Builds the 7-coefficient local cubic spline of LAMMPS PairEAM::interpolate
 * through `values` (n ≥ 5 knots, spacing delta), written at `out[base ..]`.
 * Per knot m: [0..2] are the derivative's coefficients (divided by delta),
 * [3..6] the value's: f(p) = ((c3 p + c4) p + c5) p + c6, f'(p) = (c0 p + c1) p + c2
 * with p ∈ [0, 1] the fraction past knot m. Knot slopes use the 5-point
 * central difference (f[m−2] − f[m+2] + 8(f[m+1] − f[m−1]))/12, lower order
 * at the two ends.
 */
export function interpolateSpline(values: ArrayLike<number>, delta: number, out: Float64Array, base: number): void {
  const n = values.length;
  const c = (m: number, k: number) => base + m * SPLINE_COEFFICIENTS + k;
  for (let m = 0; m < n; m++) out[c(m, 6)] = values[m];

  out[c(0, 5)] = out[c(1, 6)] - out[c(0, 6)];
  out[c(1, 5)] = 0.5 * (out[c(2, 6)] - out[c(0, 6)]);
  out[c(n - 2, 5)] = 0.5 * (out[c(n - 1, 6)] - out[c(n - 3, 6)]);
  out[c(n - 1, 5)] = out[c(n - 1, 6)] - out[c(n - 2, 6)];
  for (let m = 2; m < n - 2; m++) {
    out[c(m, 5)] = (out[c(m - 2, 6)] - out[c(m + 2, 6)] + 8.0 * (out[c(m + 1, 6)] - out[c(m - 1, 6)])) / 12.0;
  }
  for (let m = 0; m < n - 1; m++) {
    out[c(m, 4)] = 3.0 * (out[c(m + 1, 6)] - out[c(m, 6)]) - 2.0 * out[c(m, 5)] - out[c(m + 1, 5)];
    out[c(m, 3)] = out[c(m, 5)] + out[c(m + 1, 5)] - 2.0 * (out[c(m + 1, 6)] - out[c(m, 6)]);
  }
  out[c(n - 1, 4)] = 0.0;
  out[c(n - 1, 3)] = 0.0;
  for (let m = 0; m < n; m++) {
    out[c(m, 2)] = out[c(m, 5)] / delta;
    out[c(m, 1)] = (2.0 * out[c(m, 4)]) / delta;
    out[c(m, 0)] = (3.0 * out[c(m, 3)]) / delta;
  }
}
