import type { NeighborList } from './neighbor-list.js';
import { PAIR_COEFFICIENTS, SPLINE_COEFFICIENTS, type EamPotential, type PairPotential } from './potentials.js';
import type { KernelOutput } from './result.js';

/**
 * Plain TypeScript force kernels, written for clarity; the WebAssembly and
 * WebGPU backends are tested against them. They walk the full neighbour list
 * (every pair seen from both atoms), so they also cross-check the half list
 * that the WebAssembly kernels use:
 *   E_i = F_a(ρ_i) + ½ Σ_j φ(r_ij),  f_i = −Σ_j dE/dr_ij · (x_i − x_j)/r_ij,
 *   W = ½ Σ_i Σ_j (x_i − x_j) ⊗ f_ij.
 */

interface PairTerm {
  /** Energy, eV. */
  energy: number;
  /** −(dE/dr)/r, eV/Å², so that f_i = fpair · (x_i − x_j). */
  fpair: number;
}

function pairTerm(potential: PairPotential, p: number, rsq: number): PairTerm {
  const c = potential.coefficients;
  const k = p * PAIR_COEFFICIENTS;
  if (potential.kind === 'lj/cut') {
    const r2inv = 1 / rsq;
    const r6inv = r2inv * r2inv * r2inv;
    return {
      energy: r6inv * (c[k + 2] * r6inv - c[k + 3]) - potential.offset[p],
      fpair: r6inv * (c[k] * r6inv - c[k + 1]) * r2inv,
    };
  }
  const r = Math.sqrt(rsq);
  const dexp = Math.exp(-c[k + 1] * (r - c[k + 2]));
  return {
    energy: c[k] * (dexp * dexp - 2 * dexp) - potential.offset[p],
    fpair: (c[k + 3] * (dexp * dexp - dexp)) / r,
  };
}

function emptyOutput(n: number): KernelOutput {
  return { atomEnergies: new Float64Array(n), forces: new Float64Array(3 * n), virial: new Float64Array(6) };
}

/** Adds ½ (x_i − x_j) ⊗ f_ij for one direction of a pair. */
function addHalfVirial(virial: Float64Array, dx: number, dy: number, dz: number, fpair: number): void {
  const h = 0.5 * fpair;
  virial[0] += h * dx * dx;
  virial[1] += h * dy * dy;
  virial[2] += h * dz * dz;
  virial[3] += h * dy * dz;
  virial[4] += h * dx * dz;
  virial[5] += h * dx * dy;
}

export function referencePair(potential: PairPotential, x: Float64Array, species: Int32Array, list: NeighborList): KernelOutput {
  const { offsets, neighbors } = list.full!;
  const owner = list.ownerOfExtended();
  const s = potential.elements.length;
  const out = emptyOutput(list.n);

  for (let i = 0; i < list.n; i++) {
    for (let q = offsets[i]; q < offsets[i + 1]; q++) {
      const j = neighbors[q];
      const dx = x[3 * i] - x[3 * j], dy = x[3 * i + 1] - x[3 * j + 1], dz = x[3 * i + 2] - x[3 * j + 2];
      const rsq = dx * dx + dy * dy + dz * dz;
      const p = species[i] * s + species[owner[j]];
      if (rsq >= potential.cutoffSquared[p]) continue;

      const { energy, fpair } = pairTerm(potential, p, rsq);
      out.atomEnergies[i] += 0.5 * energy;
      out.forces[3 * i] += dx * fpair;
      out.forces[3 * i + 1] += dy * fpair;
      out.forces[3 * i + 2] += dz * fpair;
      addHalfVirial(out.virial, dx, dy, dz, fpair);
    }
  }
  return out;
}

/** Where a value falls on a spline grid: knot index (0-based) and fraction p ∈ [0, 1]. */
function locate(value: number, inverseSpacing: number, knots: number): { m: number; p: number } {
  // LAMMPS: p = v/Δ + 1; m = clamp(int(p), 1, n − 1); p = min(p − m, 1) with 1-based knots.
  let p = value * inverseSpacing + 1.0;
  let m = Math.trunc(p);
  m = Math.max(1, Math.min(m, knots - 1));
  p -= m;
  p = Math.min(p, 1.0);
  return { m: m - 1, p };
}

function splineValue(table: Float64Array, base: number, p: number): number {
  return ((table[base + 3] * p + table[base + 4]) * p + table[base + 5]) * p + table[base + 6];
}

function splineSlope(table: Float64Array, base: number, p: number): number {
  return (table[base] * p + table[base + 1]) * p + table[base + 2];
}

export function referenceEam(potential: EamPotential, x: Float64Array, species: Int32Array, list: NeighborList): KernelOutput {
  const { offsets, neighbors } = list.full!;
  const owner = list.ownerOfExtended();
  const s = potential.elements.length;
  const n = list.n;
  const cutSq = potential.cutoff * potential.cutoff;
  const rdr = 1 / potential.dr;
  const rdrho = 1 / potential.drho;
  const rStride = potential.nr * SPLINE_COEFFICIENTS;
  const rhoStride = potential.nrho * SPLINE_COEFFICIENTS;
  const out = emptyOutput(n);

  // Pass 1: host densities ρ_i, then the embedding energy and F'(ρ_i).
  const rho = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let q = offsets[i]; q < offsets[i + 1]; q++) {
      const j = neighbors[q];
      const dx = x[3 * i] - x[3 * j], dy = x[3 * i + 1] - x[3 * j + 1], dz = x[3 * i + 2] - x[3 * j + 2];
      const rsq = dx * dx + dy * dy + dz * dz;
      if (rsq >= cutSq) continue;
      const { m, p } = locate(Math.sqrt(rsq), rdr, potential.nr);
      const spline = potential.densityIndex[species[i] * s + species[owner[j]]];
      rho[i] += splineValue(potential.rhor, spline * rStride + m * SPLINE_COEFFICIENTS, p);
    }
  }
  const fp = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const { m, p } = locate(rho[i], rdrho, potential.nrho);
    const base = species[i] * rhoStride + m * SPLINE_COEFFICIENTS;
    fp[i] = splineSlope(potential.frho, base, p);
    let embedding = splineValue(potential.frho, base, p);
    // Above the table, F continues linearly with the last slope (LAMMPS since 2020).
    if (rho[i] > potential.rhomax) embedding += fp[i] * (rho[i] - potential.rhomax);
    out.atomEnergies[i] += embedding;
  }

  // Pass 2: forces from dE/dr = F'_i ρ'_{i←j} + F'_j ρ'_{j←i} + φ'.
  for (let i = 0; i < n; i++) {
    for (let q = offsets[i]; q < offsets[i + 1]; q++) {
      const j = neighbors[q];
      const dx = x[3 * i] - x[3 * j], dy = x[3 * i + 1] - x[3 * j + 1], dz = x[3 * i + 2] - x[3 * j + 2];
      const rsq = dx * dx + dy * dy + dz * dz;
      if (rsq >= cutSq) continue;
      const r = Math.sqrt(rsq);
      const { m, p } = locate(r, rdr, potential.nr);
      const a = species[i], b = species[owner[j]];
      const knot = m * SPLINE_COEFFICIENTS;
      const densityAtI = splineSlope(potential.rhor, potential.densityIndex[a * s + b] * rStride + knot, p);
      const densityAtJ = splineSlope(potential.rhor, potential.densityIndex[b * s + a] * rStride + knot, p);
      const z2base = potential.pairIndex[a * s + b] * rStride + knot;
      const z2 = splineValue(potential.z2r, z2base, p);
      const z2p = splineSlope(potential.z2r, z2base, p);

      const phi = z2 / r;
      const phip = z2p / r - phi / r;
      const dEdr = fp[i] * densityAtI + fp[owner[j]] * densityAtJ + phip;
      const fpair = -dEdr / r;
      out.atomEnergies[i] += 0.5 * phi;
      out.forces[3 * i] += dx * fpair;
      out.forces[3 * i + 1] += dy * fpair;
      out.forces[3 * i + 2] += dz * fpair;
      addHalfVirial(out.virial, dx, dy, dz, fpair);
    }
  }
  return out;
}
