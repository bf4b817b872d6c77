import type { CellGeometry } from './structure.js';

/**
 * Bin grid and stencil for the WebAssembly and WebGPU neighbour builds
 * (compute/assembly/neighbor-build.ts, compute/wgsl/neighbors.wgsl).
 *
 * Bins are parallelepipeds in fractional coordinates, at least half of
 * cutoff + skin thick across each pair of faces (LAMMPS's default bin size
 * is half the neighbour cutoff). A periodic axis has m bins per cell length,
 * so a lattice translation moves every bin index by a whole number; a
 * non-periodic axis covers the atoms' fractional extent. Each axis gets
 * `pad` extra bins on both sides for the ghosts and so the stencil needs no
 * bounds checks.
 *
 * The stencil keeps a bin offset d when a lower bound on the distance
 * between two bins d apart is below the reach. Two bounds are used, both
 * from the support function of the Minkowski difference of two bins, a
 * parallelepiped centred on c = Σ d_k e_k with edges ±e_k (e_k = w_k a_k):
 * along each face normal, (|d_k| − 1)·thickness_k; along c itself,
 * |c| − Σ_k |ĉ · e_k|. For an orthogonal cell the second is exact at the
 * corners.
 */
export interface GridAxis {
  /** Bins per unit fractional coordinate (m on a periodic axis). */
  scale: number;
  /** Fractional coordinate of the first core bin's lower face. */
  origin: number;
  periodic: boolean;
  /** Extra bins on each side. */
  pad: number;
  /** Bins on this axis including padding. */
  dims: number;
}

export interface GridPlan {
  /** Fractional distance per axis that a point within reach of the cell can lie outside it (slightly widened). */
  margins: [number, number, number];
  /** Largest |image| per periodic axis worth generating ghosts for. */
  imageRange: [number, number, number];
  axes: [GridAxis, GridAxis, GridAxis];
  binCount: number;
}

/** A run of consecutive bins along the last axis: linear offset of its first bin, bin count, kind. */
export const ROW_PLAIN = 0;
/** The bin of atom i itself in a half list: keep p when owner(p) > i, or owner(p) = i with a positive image. */
export const ROW_SAME_BIN = 1;

// Caps the bin grid at this many bins per extended atom, so isolated atoms
// spread over a huge non-periodic extent do not allocate an enormous grid.
const MAX_BINS_PER_POINT = 4;

/** Fractional margins and image ranges; depends only on the cell, pbc and reach. */
export function imageMargins(geometry: CellGeometry, pbc: readonly boolean[], reach: number): Pick<GridPlan, 'margins' | 'imageRange'> {
  const margins = geometry.heights.map((h) => (reach / h) * (1 + 1e-9) + 1e-12) as [number, number, number];
  const imageRange = margins.map((m, k) => (pbc[k] ? Math.ceil(m) : 0)) as [number, number, number];
  return { margins, imageRange };
}

/**
 * Plans the grid for `extended` atoms whose local fractional coordinates
 * span [fracMin_k, fracMax_k] on the non-periodic axes.
 */
export function planGrid(
  geometry: CellGeometry, pbc: readonly boolean[], reach: number, fracMin: number[], fracMax: number[], extended: number,
): GridPlan {
  const { margins, imageRange } = imageMargins(geometry, pbc, reach);
  // Core bins per axis; a periodic axis stores m, a non-periodic one its bin width.
  const cells = [0, 1, 2].map((k) => (pbc[k] ? Math.max(1, Math.floor(2 / margins[k])) : 0));
  const widths = margins.map((m) => m / 2);
  const extent = [0, 1, 2].map((k) => Math.max(0, fracMax[k] - fracMin[k]));
  const core = (k: number) => (pbc[k] ? cells[k] : Math.floor(extent[k] / widths[k]) + 1);
  const padOf = (k: number) => Math.ceil(margins[k] * (pbc[k] ? cells[k] : 1 / widths[k])) + 1;
  const total = () => [0, 1, 2].reduce((product, k) => product * (core(k) + 2 * padOf(k)), 1);

  while (total() > MAX_BINS_PER_POINT * Math.max(extended, 1) + 1000) {
    const k = [0, 1, 2].reduce((best, axis) => (core(axis) > core(best) ? axis : best), 0);
    if (core(k) === 1) break;
    if (pbc[k]) cells[k] = Math.max(1, Math.floor(cells[k] / 2));
    else widths[k] *= 2;
  }

  const axes = [0, 1, 2].map((k): GridAxis => {
    const pad = padOf(k);
    return {
      scale: pbc[k] ? cells[k] : 1 / widths[k],
      origin: pbc[k] ? 0 : fracMin[k],
      periodic: pbc[k],
      pad,
      dims: core(k) + 2 * pad,
    };
  }) as [GridAxis, GridAxis, GridAxis];
  return { margins, imageRange, axes, binCount: axes[0].dims * axes[1].dims * axes[2].dims };
}

/** Lower bound on the distance between two bins whose indices differ by d, Å. */
function binGap(cell: Float64Array, geometry: CellGeometry, plan: GridPlan, d: number[]): number {
  const edges = [0, 1, 2].map((k) => [0, 1, 2].map((c) => cell[3 * k + c] / plan.axes[k].scale));
  let bound = 0;
  for (let k = 0; k < 3; k++) bound = Math.max(bound, (Math.abs(d[k]) - 1) * geometry.heights[k] / plan.axes[k].scale);
  const centre = [0, 1, 2].map((c) => d[0] * edges[0][c] + d[1] * edges[1][c] + d[2] * edges[2][c]);
  const length = Math.hypot(centre[0], centre[1], centre[2]);
  if (length > 0) {
    let spread = 0;
    for (let k = 0; k < 3; k++) spread += Math.abs(edges[k][0] * centre[0] + edges[k][1] * centre[1] + edges[k][2] * centre[2]) / length;
    bound = Math.max(bound, length - spread);
  }
  return bound;
}

/**
 * Stencil rows as i32 triples (linear bin offset, bin count, kind). A half
 * stencil keeps the lexicographically positive offsets plus the same-bin
 * row; a full stencil keeps every offset within reach.
 */
export function stencilRows(cell: Float64Array, geometry: CellGeometry, plan: GridPlan, reach: number, half: boolean): Int32Array {
  const [, ay, az] = plan.axes;
  const radius = plan.axes.map((a) => a.pad - 1);
  const rows: number[] = [];
  const limit = reach * (1 + 1e-9);
  for (let dx = -radius[0]; dx <= radius[0]; dx++) {
    for (let dy = -radius[1]; dy <= radius[1]; dy++) {
      if (half && (dx < 0 || (dx === 0 && dy < 0))) continue;
      let lo = Infinity, hi = -Infinity;
      for (let dz = -radius[2]; dz <= radius[2]; dz++) {
        if (binGap(cell, geometry, plan, [dx, dy, dz]) >= limit) continue;
        lo = Math.min(lo, dz);
        hi = Math.max(hi, dz);
      }
      if (lo > hi) continue;
      if (half && dx === 0 && dy === 0) {
        rows.push(0, 1, ROW_SAME_BIN);
        lo = 1;
        if (lo > hi) continue;
      }
      rows.push((dx * ay.dims + dy) * az.dims + lo, hi - lo + 1, ROW_PLAIN);
    }
  }
  return Int32Array.from(rows);
}
