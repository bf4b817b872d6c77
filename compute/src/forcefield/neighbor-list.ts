import { defaultBackendChoice, parseBackendChoice, type Backend, type BackendChoice } from '../backend.js';
import { KernelInputError } from '../errors.js';
import { checkFinite, checkPositive } from '../validate.js';
import { gpuContext } from '../webgpu.js';
import { cellGeometry, type CellGeometry } from './structure.js';
import { wasmBuild, type BuiltLists } from './wasm-neighbors.js';
import { adoptResident } from './wasm-resident.js';
import { webgpuBuild } from './webgpu-neighbors.js';

/**
 * Cell-list neighbour search in a periodic triclinic cell, LAMMPS style:
 * explicit ghost atoms, one per periodic image that lies within
 * cutoff + skin of the cell, so a cell shorter than twice the cutoff gives
 * an atom several images of the same neighbour (all kept).
 *
 * Index space ("extended atoms"): 0..N-1 are the local atoms, wrapped into
 * the cell on periodic axes when the list was built; N..N+G-1 are ghosts.
 * Kernels recompute extended positions on every call from the caller's
 * current positions, so the list stays valid while atoms drift:
 *   local k:  x_k + localShift_k          (localShift = -wrap·cell)
 *   ghost g:  x_ext[owner_g] + ghostShift_g (ghostShift = image·cell)
 *
 * Lists are CSR over local atoms: neighbors[offsets[i] .. offsets[i+1]) are
 * extended indices. The half list stores each unordered pair once (newton
 * on: forces on ghosts fold back to their owners); the full list stores it
 * from both sides.
 */
export interface NeighborListOptions {
  /** Interaction cutoff, Å (the largest cutoff of the potential). */
  cutoff: number;
  /** Extra reach so the list survives atom moves up to skin/2, Å. Default 0. */
  skin?: number;
  /** Which CSR lists to build. Default both. */
  half?: boolean;
  full?: boolean;
  /**
   * Backend for the build; default from SCIFED_BACKEND, else `auto`. The
   * WebGPU build is asynchronous (buildNeighborListAsync); in the
   * synchronous buildNeighborList, `auto` and an SCIFED_BACKEND of `webgpu`
   * mean WebAssembly.
   */
  backend?: BackendChoice;
}

export interface CsrList {
  offsets: Int32Array;
  neighbors: Int32Array;
}

export class NeighborList {
  /** Backend that built the list. */
  readonly backend: Backend;
  readonly n: number;
  readonly cutoff: number;
  readonly skin: number;
  readonly ghostOwner: Int32Array;
  /** Cartesian image translation per ghost, 3G, Å. */
  readonly ghostShift: Float64Array;
  /** Cartesian translation that wraps each local atom into the cell, 3N, Å. */
  readonly localShift: Float64Array;
  readonly half: CsrList | undefined;
  readonly full: CsrList | undefined;
  readonly geometry: CellGeometry;
  private readonly builtPositions: Float64Array;
  private readonly builtCell: Float64Array;
  private readonly builtPbc: readonly boolean[];

  constructor(fields: {
    backend?: Backend; n: number; cutoff: number; skin: number; ghostOwner: Int32Array; ghostShift: Float64Array; localShift: Float64Array;
    half?: CsrList; full?: CsrList; geometry: CellGeometry; positions: Float64Array; cell: Float64Array; pbc: readonly boolean[];
  }) {
    this.backend = fields.backend ?? 'reference';
    this.n = fields.n;
    this.cutoff = fields.cutoff;
    this.skin = fields.skin;
    this.ghostOwner = fields.ghostOwner;
    this.ghostShift = fields.ghostShift;
    this.localShift = fields.localShift;
    this.half = fields.half;
    this.full = fields.full;
    this.geometry = fields.geometry;
    this.builtPositions = Float64Array.from(fields.positions);
    this.builtCell = Float64Array.from(fields.cell);
    this.builtPbc = [...fields.pbc];
  }

  get ghostCount(): number {
    return this.ghostOwner.length;
  }

  /** Unordered pairs within cutoff + skin, periodic images counted separately. */
  get pairCount(): number {
    if (this.half) return this.half.neighbors.length;
    return (this.full?.neighbors.length ?? 0) / 2;
  }

  /**
   * Tells whether the list must be rebuilt before use with these positions:
   * true when N, the cell or pbc changed, or some atom moved more than skin/2
   * since the build (then a pair may have entered the cutoff unseen).
   */
  needsRebuild(positions: Float64Array, cell: Float64Array = this.builtCell, pbc: readonly boolean[] = this.builtPbc): boolean {
    if (positions.length !== this.builtPositions.length) return true;
    for (let k = 0; k < 9; k++) if (cell[k] !== this.builtCell[k]) return true;
    for (let k = 0; k < 3; k++) if (pbc[k] !== this.builtPbc[k]) return true;
    const limit = (this.skin / 2) ** 2;
    for (let i = 0; i < positions.length; i += 3) {
      const dx = positions[i] - this.builtPositions[i];
      const dy = positions[i + 1] - this.builtPositions[i + 1];
      const dz = positions[i + 2] - this.builtPositions[i + 2];
      if (dx * dx + dy * dy + dz * dz > limit) return true;
    }
    return false;
  }

  /** Writes the extended positions, 3(N+G), from the caller's current positions into `out`. */
  extendedPositions(positions: Float64Array, out: Float64Array = new Float64Array(3 * (this.n + this.ghostCount))): Float64Array {
    for (let k = 0; k < 3 * this.n; k++) out[k] = positions[k] + this.localShift[k];
    for (let g = 0; g < this.ghostCount; g++) {
      const o = 3 * this.ghostOwner[g];
      const e = 3 * (this.n + g);
      out[e] = out[o] + this.ghostShift[3 * g];
      out[e + 1] = out[o + 1] + this.ghostShift[3 * g + 1];
      out[e + 2] = out[o + 2] + this.ghostShift[3 * g + 2];
    }
    return out;
  }

  /** Local atom that each extended index stands for, N+G. */
  ownerOfExtended(): Int32Array {
    const owner = new Int32Array(this.n + this.ghostCount);
    for (let i = 0; i < this.n; i++) owner[i] = i;
    owner.set(this.ghostOwner, this.n);
    return owner;
  }
}

/** Lexicographic sign of an integer image vector: true for the "positive" half. */
function imageIsPositive(n0: number, n1: number, n2: number): boolean {
  if (n0 !== 0) return n0 > 0;
  if (n1 !== 0) return n1 > 0;
  return n2 > 0;
}

// Caps the bin grid at this many bins per point, so isolated atoms spread
// over a huge non-periodic extent do not allocate an enormous empty grid.
const MAX_BINS_PER_POINT = 4;

/**
 * Smallest N for which buildNeighborListAsync's `auto` picks WebGPU, and only
 * on a hardware adapter. NOTE: an estimate, not measured on a real GPU.
 */
const AUTO_WEBGPU_MIN_ATOMS = 16384;

interface CheckedInput {
  cutoff: number;
  skin: number;
  reach: number;
  wantHalf: boolean;
  wantFull: boolean;
  geometry: CellGeometry;
}

function checkInput(positions: Float64Array, cell: Float64Array, pbc: readonly boolean[], options: NeighborListOptions): CheckedInput {
  if (!(positions instanceof Float64Array)) throw new KernelInputError('positions', 'a Float64Array', typeof positions);
  if (positions.length % 3 !== 0) throw new KernelInputError('positions', 'a length divisible by 3 (x y z per atom)', `length ${positions.length}`);
  checkFinite('positions', positions, 3);
  if (!Array.isArray(pbc) || pbc.length !== 3 || pbc.some((p) => typeof p !== 'boolean')) throw new KernelInputError('pbc', 'three booleans', JSON.stringify(pbc));
  checkPositive('cutoff', options.cutoff);
  const skin = options.skin ?? 0;
  if (!(Number.isFinite(skin) && skin >= 0)) throw new KernelInputError('skin', 'a finite number >= 0', String(skin));
  const geometry = cellGeometry(cell);
  return { cutoff: options.cutoff, skin, reach: options.cutoff + skin, wantHalf: options.half ?? true, wantFull: options.full ?? true, geometry };
}

function makeList(backend: Backend, positions: Float64Array, cell: Float64Array, pbc: readonly boolean[], input: CheckedInput, lists: BuiltLists): NeighborList {
  return new NeighborList({ backend, n: positions.length / 3, cutoff: input.cutoff, skin: input.skin, geometry: input.geometry, positions, cell, pbc, ...lists });
}

function buildOnCpu(backend: 'reference' | 'wasm', positions: Float64Array, cell: Float64Array, pbc: readonly boolean[], input: CheckedInput): NeighborList {
  if (backend === 'reference') return makeList('reference', positions, cell, pbc, input, referenceBuild(positions, cell, pbc, input));
  const { lists, resident } = wasmBuild(positions, cell, pbc, input.geometry, input.reach, input.wantHalf, input.wantFull);
  const list = makeList('wasm', positions, cell, pbc, input, lists);
  if (resident) adoptResident({ list, ...resident });
  return list;
}

/**
 * Builds half and/or full neighbour lists for atoms at `positions` (3N, Å)
 * in `cell` (rows a, b, c, Å) with periodicity `pbc`. Pairs at distance
 * r < cutoff + skin are listed. Cost O(N + G) with a cell list. Runs on the
 * reference or WebAssembly backend (see NeighborListOptions.backend); the
 * list reports which one built it.
 */
export function buildNeighborList(
  positions: Float64Array,
  cell: Float64Array,
  pbc: readonly [boolean, boolean, boolean],
  options: NeighborListOptions,
): NeighborList {
  const input = checkInput(positions, cell, pbc, options);
  if (options.backend === 'webgpu') {
    throw new KernelInputError('backend', 'reference, wasm or auto in buildNeighborList', 'webgpu', 'Call buildNeighborListAsync for a WebGPU build.');
  }
  const choice = options.backend === undefined ? defaultBackendChoice() : parseBackendChoice(options.backend);
  return buildOnCpu(choice === 'reference' ? 'reference' : 'wasm', positions, cell, pbc, input);
}

/**
 * buildNeighborList on any backend, WebGPU included. `auto` picks WebGPU on
 * a hardware adapter from AUTO_WEBGPU_MIN_ATOMS atoms, else WebAssembly.
 * The WebGPU build tests distances in f32 (see webgpu-neighbors.ts for its
 * tolerance at the cutoff edge).
 */
export async function buildNeighborListAsync(
  positions: Float64Array,
  cell: Float64Array,
  pbc: readonly [boolean, boolean, boolean],
  options: NeighborListOptions,
): Promise<NeighborList> {
  const input = checkInput(positions, cell, pbc, options);
  let choice = options.backend === undefined ? defaultBackendChoice() : parseBackendChoice(options.backend);
  if (choice === 'auto') {
    const gpu = positions.length / 3 >= AUTO_WEBGPU_MIN_ATOMS ? await gpuContext() : null;
    choice = gpu && !/llvmpipe|swiftshader|lavapipe/i.test(gpu.adapterName) ? 'webgpu' : 'wasm';
  }
  if (choice !== 'webgpu') return buildOnCpu(choice, positions, cell, pbc, input);
  const lists = await webgpuBuild(positions, cell, pbc, input.geometry, input.reach, input.wantHalf, input.wantFull);
  return makeList('webgpu', positions, cell, pbc, input, lists);
}

/**
 * The reference build: a plain cell list with bins at least cutoff + skin
 * wide and a 27-bin stencil, written for clarity.
 */
function referenceBuild(positions: Float64Array, cell: Float64Array, pbc: readonly boolean[], input: CheckedInput): BuiltLists {
  const { geometry, wantHalf, wantFull, reach } = input;
  const n = positions.length / 3;
  const reachSq = reach * reach;
  const inv = geometry.inverse;

  // Fractional coordinates, wrapped into [0, 1) on periodic axes.
  const frac = new Float64Array(3 * n);
  const localShift = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const x = positions[3 * i], y = positions[3 * i + 1], z = positions[3 * i + 2];
    const wrap = [0, 0, 0];
    for (let k = 0; k < 3; k++) {
      let s = x * inv[k] + y * inv[3 + k] + z * inv[6 + k];
      if (pbc[k]) {
        let w = Math.floor(s);
        s -= w;
        if (s >= 1) { s -= 1; w += 1; }
        wrap[k] = w;
      }
      frac[3 * i + k] = s;
    }
    for (let c = 0; c < 3; c++) {
      localShift[3 * i + c] = -(wrap[0] * cell[c] + wrap[1] * cell[3 + c] + wrap[2] * cell[6 + c]);
    }
  }

  // Margin in fractional units: a point within `reach` of the cell has each
  // |Δs_k| <= reach / height_k. Slightly widened so rounding cannot drop a
  // ghost whose mirror pair is inside the cutoff.
  const margin = geometry.heights.map((h) => (reach / h) * (1 + 1e-9) + 1e-12);
  const imageRange = [0, 1, 2].map((k) => (pbc[k] ? Math.ceil(margin[k]) : 0));

  // Ghosts: every periodic image whose fractional coordinates fall within the margin.
  const ghostOwnerList: number[] = [];
  const ghostImageList: number[] = [];
  for (let j = 0; j < n; j++) {
    for (let a = -imageRange[0]; a <= imageRange[0]; a++) {
      const s0 = frac[3 * j] + a;
      if (a !== 0 && (s0 < -margin[0] || s0 > 1 + margin[0])) continue;
      for (let b = -imageRange[1]; b <= imageRange[1]; b++) {
        const s1 = frac[3 * j + 1] + b;
        if (b !== 0 && (s1 < -margin[1] || s1 > 1 + margin[1])) continue;
        for (let c = -imageRange[2]; c <= imageRange[2]; c++) {
          if (a === 0 && b === 0 && c === 0) continue;
          const s2 = frac[3 * j + 2] + c;
          if (c !== 0 && (s2 < -margin[2] || s2 > 1 + margin[2])) continue;
          ghostOwnerList.push(j);
          ghostImageList.push(a, b, c);
        }
      }
    }
  }
  const nGhost = ghostOwnerList.length;
  const nExt = n + nGhost;
  const ghostOwner = Int32Array.from(ghostOwnerList);
  const ghostImage = Int32Array.from(ghostImageList);
  const ghostShift = new Float64Array(3 * nGhost);
  for (let g = 0; g < nGhost; g++) {
    for (let c = 0; c < 3; c++) {
      ghostShift[3 * g + c] = ghostImage[3 * g] * cell[c] + ghostImage[3 * g + 1] * cell[3 + c] + ghostImage[3 * g + 2] * cell[6 + c];
    }
  }

  const ghostsOnly = new NeighborList({ n, cutoff: input.cutoff, skin: input.skin, ghostOwner, ghostShift, localShift, geometry, positions, cell, pbc });
  const x = ghostsOnly.extendedPositions(positions);

  // Bin grid over the fractional extent of all extended points.
  const lo = [0, 0, 0], hi = [1, 1, 1];
  for (let k = 0; k < 3; k++) {
    if (pbc[k]) { lo[k] = -margin[k]; hi[k] = 1 + margin[k]; continue; }
    lo[k] = Infinity; hi[k] = -Infinity;
    for (let i = 0; i < n; i++) { lo[k] = Math.min(lo[k], frac[3 * i + k]); hi[k] = Math.max(hi[k], frac[3 * i + k]); }
    if (n === 0) { lo[k] = 0; hi[k] = 1; }
  }
  const bins = [0, 1, 2].map((k) => Math.max(1, Math.floor((hi[k] - lo[k]) / margin[k])));
  while (bins[0] * bins[1] * bins[2] > MAX_BINS_PER_POINT * Math.max(nExt, 1)) {
    const k = bins.indexOf(Math.max(...bins));
    bins[k] = Math.max(1, Math.floor(bins[k] / 2));
  }
  const width = [0, 1, 2].map((k) => (hi[k] - lo[k]) / bins[k] || 1);
  const binOf = new Int32Array(nExt);
  const binCoord = (p: number, k: number): number => {
    const owner = p < n ? p : ghostOwner[p - n];
    const s = frac[3 * owner + k] + (p < n ? 0 : ghostImage[3 * (p - n) + k]);
    return Math.min(bins[k] - 1, Math.max(0, Math.floor((s - lo[k]) / width[k])));
  };
  const binStart = new Int32Array(bins[0] * bins[1] * bins[2] + 1);
  for (let p = 0; p < nExt; p++) {
    const b = (binCoord(p, 0) * bins[1] + binCoord(p, 1)) * bins[2] + binCoord(p, 2);
    binOf[p] = b;
    binStart[b + 1]++;
  }
  for (let b = 0; b < binStart.length - 1; b++) binStart[b + 1] += binStart[b];
  const binPoints = new Int32Array(nExt);
  const fill = binStart.slice(0, -1);
  for (let p = 0; p < nExt; p++) binPoints[fill[binOf[p]]++] = p;

  // Pair search over the 27-bin stencil, with no periodic wrap (ghosts are explicit).
  const halfOffsets = new Int32Array(n + 1);
  const fullOffsets = new Int32Array(n + 1);
  const halfPairs: number[] = [];
  const fullPairs: number[] = [];
  for (let i = 0; i < n; i++) {
    const b = binOf[i];
    const bz = b % bins[2], by = Math.floor(b / bins[2]) % bins[1], bx = Math.floor(b / (bins[1] * bins[2]));
    const xi = x[3 * i], yi = x[3 * i + 1], zi = x[3 * i + 2];
    for (let ax = Math.max(0, bx - 1); ax <= Math.min(bins[0] - 1, bx + 1); ax++) {
      for (let ay = Math.max(0, by - 1); ay <= Math.min(bins[1] - 1, by + 1); ay++) {
        for (let az = Math.max(0, bz - 1); az <= Math.min(bins[2] - 1, bz + 1); az++) {
          const cellIndex = (ax * bins[1] + ay) * bins[2] + az;
          for (let q = binStart[cellIndex]; q < binStart[cellIndex + 1]; q++) {
            const p = binPoints[q];
            if (p === i) continue;
            const dx = x[3 * p] - xi, dy = x[3 * p + 1] - yi, dz = x[3 * p + 2] - zi;
            if (dx * dx + dy * dy + dz * dz >= reachSq) continue;
            if (wantFull) fullPairs.push(p);
            if (!wantHalf) continue;
            const owner = p < n ? p : ghostOwner[p - n];
            if (owner > i) { halfPairs.push(p); continue; }
            if (owner < i) continue;
            const g = 3 * (p - n);
            if (imageIsPositive(ghostImage[g], ghostImage[g + 1], ghostImage[g + 2])) halfPairs.push(p);
          }
        }
      }
    }
    halfOffsets[i + 1] = halfPairs.length;
    fullOffsets[i + 1] = fullPairs.length;
  }

  return {
    ghostOwner, ghostShift, localShift,
    half: wantHalf ? { offsets: halfOffsets, neighbors: Int32Array.from(halfPairs) } : undefined,
    full: wantFull ? { offsets: fullOffsets, neighbors: Int32Array.from(fullPairs) } : undefined,
  };
}
