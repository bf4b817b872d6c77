import { InputError } from '@scifed/schema';

import { determinant, inverse3 } from '../io/common.js';
import type { AtomsData } from './prototypes.js';

/**
 * Sanity checks every structure passes before it is stored: the atom limit,
 * finite positions, a cell with volume on periodic axes, and no two atoms
 * closer than a minimum distance (periodic images included). Each failure
 * names the offending atom or cell-vector indices (0-based).
 */

export interface StructureLimits {
  /** Atoms per structure (SCIFED_MAX_ATOMS). */
  maxAtoms: number;
  /** Smallest allowed interatomic distance, Å (SCIFED_MIN_DISTANCE). */
  minDistance: number;
}

/** How many offending indices a message lists before "and N more". */
const LISTED = 10;

function listIndices(items: string[]): string {
  const shown = items.slice(0, LISTED).join(', ');
  return items.length > LISTED ? `${shown} and ${items.length - LISTED} more` : shown;
}

/** Throws InputError (LIMIT_EXCEEDED for the atom count, else BAD_USER_INPUT) naming what failed; `label` names the structure. */
export function checkStructure(atoms: AtomsData, limits: StructureLimits, label = 'structure'): void {
  const n = atoms.species.length;
  if (n === 0) throw new InputError(`${label} has no atoms.`);
  if (n > limits.maxAtoms) {
    throw new InputError(`${label} has ${n} atoms, above the limit of ${limits.maxAtoms} (SCIFED_MAX_ATOMS).`, 'LIMIT_EXCEEDED');
  }
  if (atoms.positions.length !== 3 * n) throw new InputError(`${label} has ${n} species but ${atoms.positions.length / 3} positions.`);

  const nonFinite: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = atoms.positions;
    if (!Number.isFinite(p[i * 3]) || !Number.isFinite(p[i * 3 + 1]) || !Number.isFinite(p[i * 3 + 2])) nonFinite.push(String(i));
  }
  if (nonFinite.length > 0) throw new InputError(`${label}: atoms ${listIndices(nonFinite)} have NaN or infinite positions.`);

  checkCell(atoms, label);
  const close = closePairs(atoms, limits.minDistance);
  if (close.length > 0) {
    const pairs = close.map(([i, j, d]) => `${i}–${j} (${d.toPrecision(3)} Å)`);
    throw new InputError(
      `${label}: atom pairs ${listIndices(pairs)} are closer than ${limits.minDistance} Å (SCIFED_MIN_DISTANCE); remove overlapping atoms or fix the cell.`,
    );
  }
}

function checkCell(atoms: AtomsData, label: string): void {
  const cell = atoms.cell;
  if (!Array.from(cell).every(Number.isFinite)) throw new InputError(`${label}: the cell has NaN or infinite components.`);
  if (!atoms.pbc.some(Boolean)) return;
  const lengths = [0, 1, 2].map((r) => Math.hypot(cell[r * 3], cell[r * 3 + 1], cell[r * 3 + 2]));
  const det = determinant(cell);
  if (Math.abs(det) <= 1e-9 * lengths[0] * lengths[1] * lengths[2] || lengths.some((l) => l === 0)) {
    const zero = lengths.flatMap((l, r) => (l === 0 ? ['abc'[r]] : []));
    const detail = zero.length > 0 ? `cell vectors ${zero.join(', ')} (indices ${zero.map((c) => 'abc'.indexOf(c)).join(', ')}) are zero` : 'the cell vectors a, b, c (indices 0, 1, 2) are coplanar';
    throw new InputError(`${label}: the cell has zero volume (determinant ${det}), because ${detail}; a periodic structure needs three independent lattice vectors.`);
  }
}

/**
 * Pairs (i < j) closer than `minDistance` Å, with their distance, using bins
 * in fractional space and the minimum image over the 27 neighbouring images
 * of periodic axes. Exact for minDistance below half the smallest cell height.
 */
export function closePairs(atoms: AtomsData, minDistance: number): [number, number, number][] {
  const n = atoms.species.length;
  const pbc = atoms.pbc;
  const periodic = pbc.some(Boolean);
  const cell = periodic ? atoms.cell : boundingCell(atoms.positions, minDistance);
  const origin = periodic ? [0, 0, 0] : boundingOrigin(atoms.positions);
  const inv = inverse3(cell);
  const volume = Math.abs(determinant(cell));
  const heights = [0, 1, 2].map((r) => {
    const [u, v] = [((r + 1) % 3) * 3, ((r + 2) % 3) * 3];
    const cross = [
      cell[u + 1] * cell[v + 2] - cell[u + 2] * cell[v + 1],
      cell[u + 2] * cell[v] - cell[u] * cell[v + 2],
      cell[u] * cell[v + 1] - cell[u + 1] * cell[v],
    ];
    return volume / Math.hypot(cross[0], cross[1], cross[2]);
  });
  // At least one bin per minDistance of height, at most 64 per axis and about N bins overall.
  const perAxis = Math.max(1, Math.floor(Math.cbrt(n)));
  const bins = heights.map((h) => Math.max(1, Math.min(64, perAxis, Math.floor(h / minDistance))));

  const fractional = new Float64Array(3 * n);
  const binOf = new Int32Array(n);
  const heads = new Int32Array(bins[0] * bins[1] * bins[2]).fill(-1);
  const nextInBin = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const x = [0, 1, 2].map((k) => atoms.positions[i * 3 + k] - origin[k]);
    const b = [0, 0, 0];
    for (let k = 0; k < 3; k++) {
      let s = x[0] * inv[k] + x[1] * inv[3 + k] + x[2] * inv[6 + k];
      if (pbc[k] || !periodic) s -= Math.floor(s);
      fractional[i * 3 + k] = s;
      b[k] = Math.min(bins[k] - 1, Math.max(0, Math.floor(s * bins[k])));
    }
    binOf[i] = (b[0] * bins[1] + b[1]) * bins[2] + b[2];
    nextInBin[i] = heads[binOf[i]];
    heads[binOf[i]] = i;
  }

  const found: [number, number, number][] = [];
  const limit2 = minDistance * minDistance;
  for (let i = 0; i < n; i++) {
    const bi = [Math.floor(binOf[i] / (bins[1] * bins[2])), Math.floor(binOf[i] / bins[2]) % bins[1], binOf[i] % bins[2]];
    const visited = new Set<number>();
    for (let d0 = -1; d0 <= 1; d0++) {
      for (let d1 = -1; d1 <= 1; d1++) {
        for (let d2 = -1; d2 <= 1; d2++) {
          const nb = [bi[0] + d0, bi[1] + d1, bi[2] + d2].map((v, k) => (pbc[k] && periodic ? (v + bins[k]) % bins[k] : v));
          if (nb.some((v, k) => v < 0 || v >= bins[k])) continue;
          const bin = (nb[0] * bins[1] + nb[1]) * bins[2] + nb[2];
          if (visited.has(bin)) continue;
          visited.add(bin);
          for (let j = heads[bin]; j >= 0; j = nextInBin[j]) {
            if (j <= i) continue;
            const d2min = minimumImageSquared(fractional, i, j, cell, periodic ? pbc : [false, false, false]);
            if (d2min < limit2) found.push([i, j, Math.sqrt(d2min)]);
          }
        }
      }
    }
  }
  return found.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
}

function minimumImageSquared(fractional: Float64Array, i: number, j: number, cell: ArrayLike<number>, pbc: readonly boolean[]): number {
  const ds = [0, 1, 2].map((k) => fractional[j * 3 + k] - fractional[i * 3 + k]);
  let best = Infinity;
  for (let a = pbc[0] ? -1 : 0; a <= (pbc[0] ? 1 : 0); a++) {
    for (let b = pbc[1] ? -1 : 0; b <= (pbc[1] ? 1 : 0); b++) {
      for (let c = pbc[2] ? -1 : 0; c <= (pbc[2] ? 1 : 0); c++) {
        const s = [ds[0] - Math.round(ds[0]) * (pbc[0] ? 1 : 0) + a, ds[1] - Math.round(ds[1]) * (pbc[1] ? 1 : 0) + b, ds[2] - Math.round(ds[2]) * (pbc[2] ? 1 : 0) + c];
        let d2 = 0;
        for (let k = 0; k < 3; k++) {
          const x = s[0] * cell[k] + s[1] * cell[3 + k] + s[2] * cell[6 + k];
          d2 += x * x;
        }
        if (d2 < best) best = d2;
      }
    }
  }
  return best;
}

function boundingOrigin(positions: ArrayLike<number>): number[] {
  const lo = [Infinity, Infinity, Infinity];
  for (let i = 0; i < positions.length; i++) lo[i % 3] = Math.min(lo[i % 3], positions[i]);
  return lo;
}

/** An orthogonal box around non-periodic atoms, at least `margin` Å on each side. */
function boundingCell(positions: ArrayLike<number>, margin: number): Float64Array {
  const lo = boundingOrigin(positions);
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < positions.length; i++) hi[i % 3] = Math.max(hi[i % 3], positions[i]);
  const size = [0, 1, 2].map((k) => Math.max(hi[k] - lo[k], 0) + margin);
  return Float64Array.from([size[0], 0, 0, 0, size[1], 0, 0, 0, size[2]]);
}
