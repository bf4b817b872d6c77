import { BackendUnavailableError } from '../errors.js';
import { f64View, i32View, reserveArena, wasmKernels, type ArenaSlot, type KernelExports } from '../wasm.js';
import { imageMargins, planGrid, stencilRows, type GridPlan } from './neighbor-grid.js';
import type { CellGeometry } from './structure.js';
import type { ResidentList } from './wasm-resident.js';

/**
 * Host side of the WebAssembly neighbour build (compute/assembly/neighbor-build.ts).
 * The arena is laid out in two steps because the ghost count is known only
 * after the atoms are wrapped; the neighbours go last, where the search
 * kernel can grow memory as the list grows. The half list and ghost data
 * stay resident for the force kernels (wasm-resident.ts).
 */

type Fn = (...args: number[]) => number;

interface NeighborExports extends KernelExports {
  nlWrap: Fn;
  nlCountGhosts: Fn;
  nlFillGhosts: Fn;
  nlBin: Fn;
  nlSearch: Fn;
  ffExtendPositions: Fn;
}

/** What a build produces, in the form NeighborList's constructor takes. */
export interface BuiltLists {
  ghostOwner: Int32Array;
  ghostShift: Float64Array;
  localShift: Float64Array;
  half?: { offsets: Int32Array; neighbors: Int32Array };
  full?: { offsets: Int32Array; neighbors: Int32Array };
}

/** Extended atoms in bins, as the search kernels (WebAssembly or WGSL) read them. */
export interface BinnedAtoms {
  n: number;
  ghosts: number;
  plan: GridPlan;
  /** Extended positions, 3E f64, Å. */
  x: Float64Array;
  binOf: Int32Array;
  binStart: Int32Array;
  slotAtom: Int32Array;
  ghostOwner: Int32Array;
  ghostImage: Int32Array;
  ghostShift: Float64Array;
  localShift: Float64Array;
}

interface Binned {
  kernels: NeighborExports;
  plan: GridPlan;
  ghosts: number;
  localShift: ArenaSlot;
  slots: Record<'ghostOwner' | 'ghostImage' | 'ghostShift' | 'x' | 'binOf' | 'binStart' | 'slotAtom' | 'sx' | 'sy' | 'sz' | 'halfOffsets' | 'fullOffsets' | 'out', ArenaSlot>;
}

/** Runs the wrap, ghost and binning steps; `out` marks the free arena behind them. */
function binAtoms(positions: Float64Array, cell: Float64Array, pbc: readonly boolean[], geometry: CellGeometry, reach: number): Binned {
  const kernels = wasmKernels() as NeighborExports;
  const n = positions.length / 3;
  const { margins, imageRange } = imageMargins(geometry, pbc, reach);

  const [localShift, frac, input, inverse, cellSlot, marginSlot, rangeSlot] = reserveArena(kernels, [24 * n, 24 * n, 24 * n, 72, 72, 24, 12]);
  f64View(kernels, input).set(positions);
  f64View(kernels, inverse).set(geometry.inverse);
  f64View(kernels, cellSlot).set(cell);
  f64View(kernels, marginSlot).set(margins);
  i32View(kernels, rangeSlot).set(imageRange);
  const pbcMask = (pbc[0] ? 1 : 0) | (pbc[1] ? 2 : 0) | (pbc[2] ? 4 : 0);
  kernels.nlWrap(input.offset, n, inverse.offset, cellSlot.offset, pbcMask, frac.offset, localShift.offset);
  const ghosts = kernels.nlCountGhosts(frac.offset, n, marginSlot.offset, rangeSlot.offset);
  const e = n + ghosts;

  // Fractional extent of the local atoms, for the non-periodic axes.
  const fracMin = [0, 0, 0], fracMax = [1, 1, 1];
  const fracView = f64View(kernels, frac);
  for (let k = 0; k < 3; k++) {
    if (pbc[k] || n === 0) continue;
    let lo = Infinity, hi = -Infinity;
    for (let i = k; i < 3 * n; i += 3) {
      const s = fracView[i];
      if (s < lo) lo = s;
      if (s > hi) hi = s;
    }
    fracMin[k] = lo;
    fracMax[k] = hi;
  }
  const plan = planGrid(geometry, pbc, reach, fracMin, fracMax, e);

  // Keep everything laid out so far (frac, positions) and add the rest behind it.
  const keep = rangeSlot.offset + rangeSlot.length - kernels.arenaBase();
  const names = ['ghostOwner', 'ghostImage', 'ghostShift', 'x', 'binOf', 'binStart', 'slotAtom', 'sx', 'sy', 'sz', 'grid', 'dims', 'halfOffsets', 'fullOffsets', 'out'] as const;
  const reserved = reserveArena(kernels, [
    4 * ghosts, 12 * ghosts, 24 * ghosts, 24 * e, 4 * e, 4 * (plan.binCount + 1), 4 * e, 8 * e, 8 * e, 8 * e, 96, 12, 4 * (n + 1), 4 * (n + 1), 0,
  ], keep);
  const slot = Object.fromEntries(names.map((name, k) => [name, reserved[k]])) as Record<(typeof names)[number], ArenaSlot>;

  kernels.nlFillGhosts(frac.offset, n, marginSlot.offset, rangeSlot.offset, cellSlot.offset, slot.ghostOwner.offset, slot.ghostImage.offset, slot.ghostShift.offset);
  f64View(kernels, slot.x).set(positions);
  kernels.ffExtendPositions(slot.x.offset, n, localShift.offset, slot.ghostOwner.offset, slot.ghostShift.offset, ghosts);
  f64View(kernels, slot.grid).set(plan.axes.flatMap((a) => [a.scale, a.origin, a.periodic ? 1 : 0, a.pad]));
  i32View(kernels, slot.dims).set(plan.axes.map((a) => a.dims));
  kernels.nlBin(
    frac.offset, n, slot.ghostOwner.offset, slot.ghostImage.offset, ghosts, slot.grid.offset, slot.dims.offset, slot.x.offset,
    slot.binOf.offset, slot.binStart.offset, slot.slotAtom.offset, slot.sx.offset, slot.sy.offset, slot.sz.offset,
  );
  return { kernels, plan, ghosts, localShift, slots: slot };
}

/** Copies the stencil rows to byte offset `at` and runs one search into the arena from `out`; returns the neighbour slot. */
function search(binned: Binned, rows: Int32Array, at: number, reach: number, offsets: ArenaSlot, out: number): ArenaSlot {
  const { kernels, slots } = binned;
  if (kernels.arenaReserve(out - kernels.arenaBase()) === 0) throw new BackendUnavailableError('wasm', `WebAssembly memory could not grow to ${out} bytes.`);
  i32View(kernels, { offset: at, length: rows.byteLength }).set(rows);
  const n = offsets.length / 4 - 1;
  const count = kernels.nlSearch(
    n, slots.x.offset, slots.binOf.offset, slots.binStart.offset, slots.slotAtom.offset, slots.sx.offset, slots.sy.offset, slots.sz.offset,
    slots.ghostOwner.offset, slots.ghostImage.offset, at, rows.length / 3, reach * reach, offsets.offset, out,
  );
  if (count < 0) throw new BackendUnavailableError('wasm', 'WebAssembly memory could not grow to hold the neighbour list.');
  return { offset: out, length: 4 * count };
}

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** Arena slots of a WebAssembly-built half list, for wasm-resident.ts. */
export type ResidentSlots = Omit<ResidentList, 'epoch' | 'list'>;

/**
 * Builds the lists in WebAssembly. Same ghosts, same extended indices and
 * the same f64 distance test as the reference build; only the order of
 * neighbours within an atom's row differs. Each search's stencil rows go
 * behind the binned data and its neighbours behind the rows, where the
 * kernel can grow memory as the list grows.
 */
export function wasmBuild(
  positions: Float64Array, cell: Float64Array, pbc: readonly boolean[], geometry: CellGeometry, reach: number, wantHalf: boolean, wantFull: boolean,
): { lists: BuiltLists; resident?: ResidentSlots } {
  const binned = binAtoms(positions, cell, pbc, geometry, reach);
  const { kernels, slots } = binned;
  let free = slots.out.offset;

  let half: ArenaSlot | undefined;
  let full: ArenaSlot | undefined;
  if (wantHalf) {
    const rows = stencilRows(cell, geometry, binned.plan, reach, true);
    half = search(binned, rows, free, reach, slots.halfOffsets, free + align16(rows.byteLength));
    free = half.offset + align16(half.length);
  }
  if (wantFull) {
    const rows = stencilRows(cell, geometry, binned.plan, reach, false);
    full = search(binned, rows, free, reach, slots.fullOffsets, free + align16(rows.byteLength));
  }

  const copyI32 = (slot: ArenaSlot) => i32View(kernels, slot).slice();
  const lists: BuiltLists = {
    ghostOwner: copyI32(slots.ghostOwner),
    ghostShift: f64View(kernels, slots.ghostShift).slice(),
    localShift: f64View(kernels, binned.localShift).slice(),
    half: half ? { offsets: copyI32(slots.halfOffsets), neighbors: copyI32(half) } : undefined,
    full: full ? { offsets: copyI32(slots.fullOffsets), neighbors: copyI32(full) } : undefined,
  };
  const resident = half && {
    keepBytes: half.offset + half.length - kernels.arenaBase(),
    localShift: binned.localShift, ghostOwner: slots.ghostOwner, ghostShift: slots.ghostShift, offsets: slots.halfOffsets, neighbors: half,
  };
  return { lists, resident };
}

/**
 * Bins the atoms in WebAssembly and copies out what a WebGPU search needs:
 * the grid, extended positions, bin ranges and the sorted slot order.
 */
export function wasmBinnedAtoms(positions: Float64Array, cell: Float64Array, pbc: readonly boolean[], geometry: CellGeometry, reach: number): BinnedAtoms {
  const binned = binAtoms(positions, cell, pbc, geometry, reach);
  const { kernels, slots } = binned;
  return {
    n: positions.length / 3,
    ghosts: binned.ghosts,
    plan: binned.plan,
    x: f64View(kernels, slots.x).slice(),
    binOf: i32View(kernels, slots.binOf).slice(),
    binStart: i32View(kernels, slots.binStart).slice(),
    slotAtom: i32View(kernels, slots.slotAtom).slice(),
    ghostOwner: i32View(kernels, slots.ghostOwner).slice(),
    ghostImage: i32View(kernels, slots.ghostImage).slice(),
    ghostShift: f64View(kernels, slots.ghostShift).slice(),
    localShift: f64View(kernels, binned.localShift).slice(),
  };
}
