import type { BackendChoice } from '@scifed/compute';
import { InputError } from '@scifed/schema';

import type { AtomsData } from '../crystal/prototypes.js';
import { determinant } from '../io/common.js';
import type { PotentialRecord } from '../store.js';
import { EV_PER_CUBIC_ANGSTROM_IN_GPA, forcesOf, prepare } from './evaluate.js';

/**
 * Equation of state by the third-order Birch–Murnaghan form (F. Birch,
 * Phys. Rev. 71, 809 (1947)):
 *   E(V) = E0 + 9V0B0/16 {[(V0/V)^{2/3} − 1]³ B0' + [(V0/V)^{2/3} − 1]² [6 − 4 (V0/V)^{2/3}]}.
 * That form is exactly a cubic in x = V^{−2/3}, so the fit is a linear least
 * squares of E against 1, x, x², x³; V0 is the stationary point, B0 = V E''(V)
 * there and B0' = dB/dP = −(V/B) dB/dV. Atoms are scaled homogeneously
 * (fractional positions fixed) by (1 + strain) per axis; no relaxation
 * of internal coordinates.
 */

export interface EquationOfState {
  /** Å³ per cell */
  v0: number;
  /** eV per cell */
  e0: number;
  /** GPa */
  b0GPa: number;
  b0Prime: number;
  volumes: number[];
  energies: number[];
}

/** Default linear strains: −4 % to +4 % in 1 % steps. */
export const DEFAULT_STRAINS = [-0.04, -0.03, -0.02, -0.01, 0, 0.01, 0.02, 0.03, 0.04];

function solve4(a: number[][], b: number[]): number[] {
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < 4; col++) {
    let pivot = col;
    for (let r = col + 1; r < 4; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = 0; r < 4; r++) {
      if (r === col) continue;
      const f = m[r][col] / m[col][col];
      for (let c = col; c < 5; c++) m[r][c] -= f * m[col][c];
    }
  }
  return m.map((row, i) => row[4] / row[i]);
}

/** Fits Birch–Murnaghan to (V, E) points; throws when the data have no minimum inside their range. */
export function fitBirchMurnaghan(volumes: number[], energies: number[]): Omit<EquationOfState, 'volumes' | 'energies'> {
  // Normal equations in x scaled by the mean, for conditioning.
  const xs = volumes.map((v) => v ** (-2 / 3));
  const scale = xs.reduce((a, b) => a + b, 0) / xs.length;
  const t = xs.map((x) => x / scale);
  const ata = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => t.reduce((s, ti) => s + ti ** (i + j), 0)));
  const atb = [0, 1, 2, 3].map((i) => t.reduce((s, ti, k) => s + ti ** i * energies[k], 0));
  const [c0, c1, c2, c3] = solve4(ata, atb);

  const energyAt = (v: number) => {
    const u = v ** (-2 / 3) / scale;
    return c0 + u * (c1 + u * (c2 + u * c3));
  };
  /** d²E/dV² analytically through u = V^{−2/3} / scale. */
  const curvature = (v: number) => {
    const u = v ** (-2 / 3) / scale;
    const eu = c1 + 2 * c2 * u + 3 * c3 * u * u;
    const euu = 2 * c2 + 6 * c3 * u;
    const uv = (-2 / 3) * u / v;
    const uvv = (10 / 9) * u / (v * v);
    return euu * uv * uv + eu * uvv;
  };

  // Stationary point: c1 + 2 c2 u + 3 c3 u² = 0, the root with positive curvature.
  const roots = c3 === 0 ? [-c1 / (2 * c2)] : (() => {
    const disc = 4 * c2 * c2 - 12 * c3 * c1;
    if (disc < 0) return [];
    return [(-2 * c2 + Math.sqrt(disc)) / (6 * c3), (-2 * c2 - Math.sqrt(disc)) / (6 * c3)];
  })();
  const candidates = roots.filter((u) => u > 0).map((u) => (u * scale) ** -1.5).filter((v) => curvature(v) > 0);
  const lo = Math.min(...volumes);
  const hi = Math.max(...volumes);
  const v0 = candidates.find((v) => v >= lo && v <= hi);
  if (v0 === undefined) {
    throw new InputError(`the energies have no minimum between ${lo.toFixed(3)} and ${hi.toFixed(3)} Å³; widen or shift the strains so they bracket the equilibrium volume.`);
  }
  const bulk = (v: number) => v * curvature(v);
  const b0 = bulk(v0);
  const h = 1e-4 * v0;
  const dBdV = (bulk(v0 + h) - bulk(v0 - h)) / (2 * h);
  return { v0, e0: energyAt(v0), b0GPa: b0 * EV_PER_CUBIC_ANGSTROM_IN_GPA, b0Prime: (-v0 / b0) * dBdV };
}

/** Energies of homogeneously strained copies of `atoms`, fitted by Birch–Murnaghan. */
export async function equationOfState(atoms: AtomsData, record: PotentialRecord, strains: readonly number[], backend: BackendChoice): Promise<EquationOfState> {
  if (!atoms.pbc.every(Boolean)) throw new InputError('equationOfState needs a structure periodic on all three axes.');
  if (strains.length < 5) throw new InputError(`strains has ${strains.length} values; give at least 5 so a 4-parameter fit is overdetermined.`);
  if (strains.some((s) => !(s > -0.5 && s < 0.5))) throw new InputError(`strains must lie between −0.5 and 0.5 (linear strain), got ${JSON.stringify(strains)}.`);
  const volumes: number[] = [];
  const energies: number[] = [];
  for (const strain of strains) {
    const f = 1 + strain;
    const scaled: AtomsData = { ...atoms, cell: atoms.cell.map((c) => c * f), positions: atoms.positions.map((p) => p * f) };
    const result = await forcesOf(prepare(scaled, record), backend);
    volumes.push(Math.abs(determinant(scaled.cell)));
    energies.push(result.energy);
  }
  return { ...fitBirchMurnaghan(volumes, energies), volumes, energies };
}
