/// <reference types="@webgpu/types" />
import { readFileSync } from 'node:fs';

import { BackendUnavailableError } from '../errors.js';
import { readBuffer, requireGpu, uploadBuffer, type GpuContext } from '../webgpu.js';
import { stencilRows } from './neighbor-grid.js';
import type { CellGeometry } from './structure.js';
import { storageBindingLimit } from './webgpu-backend.js';
import { wasmBinnedAtoms, type BinnedAtoms, type BuiltLists } from './wasm-neighbors.js';

/**
 * Host side of the WGSL neighbour search (compute/wgsl/neighbors.wgsl).
 * Wrapping, ghosts and binning run in WebAssembly (they are O(N) and
 * sequential); the per-atom search over the stencil, the O(N·neighbours)
 * part, runs on the device: a count pass, a prefix sum on the host, then a
 * fill pass in slices that each fit one storage binding.
 *
 * Tolerance at the cutoff edge: distances are f32, so the device compares
 * r² with (reach + δ)², δ = reachTolerance(...). The list therefore holds
 * every pair of the f64 list and may add pairs with reach ≤ r < reach + δ
 * (harmless to the force kernels, which test their own cutoff).
 */

const WORKGROUP_SIZE = 64;

/** f32 unit roundoff, 2⁻²⁴. */
const F32_ROUNDOFF = 2 ** -24;

/**
 * Widening of the reach, Å, that keeps every f64 pair in the f32 search:
 * each coordinate (|x| ≤ maxCoordinate) carries 1 roundoff of rounding, a
 * difference 3 more, and r² 3 more relative; 8× covers the sum with room.
 */
export function reachTolerance(maxCoordinate: number, reach: number): number {
  return 8 * F32_ROUNDOFF * Math.sqrt(3) * (2 * maxCoordinate + reach) + 8 * F32_ROUNDOFF * reach;
}

interface SearchPipelines {
  count: GPUComputePipeline;
  fill: GPUComputePipeline;
}

const pipelineCache = new WeakMap<GPUDevice, SearchPipelines>();

function pipelines(device: GPUDevice): SearchPipelines {
  const cached = pipelineCache.get(device);
  if (cached) return cached;
  const code = readFileSync(new URL('../../wgsl/neighbors.wgsl', import.meta.url), 'utf8');
  const module = device.createShaderModule({ label: 'neighbors.wgsl', code });
  const make = (entryPoint: string) =>
    device.createComputePipeline({ label: `neighbors ${entryPoint}`, layout: 'auto', compute: { module, entryPoint, constants: { WORKGROUP_SIZE } } });
  const created = { count: make('count'), fill: make('fill') };
  pipelineCache.set(device, created);
  return created;
}

/** Workgroup grid for `count` invocations, 2-D when one dimension is not enough. */
function dispatchGrid(gpu: GpuContext, count: number): { x: number; y: number; threadsPerRow: number } {
  const groups = Math.max(1, Math.ceil(count / WORKGROUP_SIZE));
  const x = Math.min(groups, gpu.maxComputeWorkgroupsPerDimension);
  return { x, y: Math.ceil(groups / x), threadsPerRow: x * WORKGROUP_SIZE };
}

/** Device buffers of one binned structure. */
interface DeviceGrid {
  local: GPUBuffer;
  sorted: GPUBuffer;
  keys: GPUBuffer;
  bins: GPUBuffer;
}

function uploadGrid(device: GPUDevice, binned: BinnedAtoms, track: (b: GPUBuffer) => GPUBuffer): DeviceGrid {
  const { n, x, binOf, slotAtom, ghostOwner, ghostImage } = binned;
  const e = slotAtom.length;
  const local = new Float32Array(4 * Math.max(n, 1));
  const localBits = new Uint32Array(local.buffer);
  for (let i = 0; i < n; i++) {
    local[4 * i] = x[3 * i];
    local[4 * i + 1] = x[3 * i + 1];
    local[4 * i + 2] = x[3 * i + 2];
    localBits[4 * i + 3] = binOf[i];
  }
  const sorted = new Float32Array(4 * Math.max(e, 1));
  const sortedBits = new Uint32Array(sorted.buffer);
  const keys = new Uint32Array(Math.max(e, 1));
  for (let q = 0; q < e; q++) {
    const p = slotAtom[q];
    sorted[4 * q] = x[3 * p];
    sorted[4 * q + 1] = x[3 * p + 1];
    sorted[4 * q + 2] = x[3 * p + 2];
    sortedBits[4 * q + 3] = p;
    if (p < n) {
      keys[q] = 2 * p;
      continue;
    }
    const g = p - n;
    // The image is positive when its first non-zero component is.
    const image = ghostImage.subarray(3 * g, 3 * g + 3);
    const lead = image.find((component) => component !== 0) ?? 0;
    keys[q] = 2 * ghostOwner[g] + (lead > 0 ? 1 : 0);
  }
  return {
    local: track(uploadBuffer(device, local, 'neighbour search local atoms')),
    sorted: track(uploadBuffer(device, sorted, 'neighbour search sorted atoms')),
    keys: track(uploadBuffer(device, keys, 'neighbour search owner keys')),
    bins: track(uploadBuffer(device, Uint32Array.from(binned.binStart), 'neighbour search bins')),
  };
}

function params(device: GPUDevice, values: { first: number; count: number; rows: number; threadsPerRow: number; outBase: number; reachSq: number }): GPUBuffer {
  const words = new ArrayBuffer(32);
  new Uint32Array(words).set([values.first, values.count, values.rows, values.threadsPerRow, values.outBase]);
  new Float32Array(words)[5] = values.reachSq;
  const buffer = device.createBuffer({ label: 'neighbour search params', size: 32, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buffer, 0, words);
  return buffer;
}

function runPass(device: GPUDevice, pipeline: GPUComputePipeline, buffers: GPUBuffer[], grid: { x: number; y: number }): void {
  const group = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const encoder = device.createCommandEncoder({ label: pipeline.label });
  const pass = encoder.beginComputePass({ label: pipeline.label });
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group);
  pass.dispatchWorkgroups(grid.x, grid.y);
  pass.end();
  device.queue.submit([encoder.finish()]);
}

/** Searches one CSR list on the device with the given stencil rows. */
async function searchList(gpu: GpuContext, grid: DeviceGrid, n: number, rows: Int32Array, reachSq: number, track: (b: GPUBuffer) => GPUBuffer) {
  const { device } = gpu;
  const kernels = pipelines(device);
  const rowBuffer = track(uploadBuffer(device, rows.length ? rows : new Int32Array(4), 'neighbour stencil rows'));
  const counts = track(device.createBuffer({ label: 'neighbour counts', size: 4 * Math.max(n + 1, 4), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST }));
  const placeholder = track(device.createBuffer({ label: 'neighbour placeholder', size: 16, usage: GPUBufferUsage.STORAGE }));
  const atomGrid = dispatchGrid(gpu, n);
  const countParams = track(params(device, { first: 0, count: n, rows: rows.length / 3, threadsPerRow: atomGrid.threadsPerRow, outBase: 0, reachSq }));
  runPass(device, kernels.count, [countParams, grid.local, grid.sorted, grid.keys, grid.bins, rowBuffer, counts, placeholder], atomGrid);

  const offsets = new Int32Array(n + 1);
  const perAtom = new Uint32Array(await readBuffer(device, counts, 4 * Math.max(n, 1)));
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + perAtom[i];
  device.queue.writeBuffer(counts, 0, offsets);

  // Slices of whole atoms, each within one storage binding.
  const maxWords = Math.floor(storageBindingLimit(gpu) / 4);
  const neighbors = new Int32Array(offsets[n]);
  let first = 0;
  while (first < n) {
    let last = first + 1;
    while (last < n && offsets[last + 1] - offsets[first] <= maxWords) last++;
    const words = offsets[last] - offsets[first];
    if (words > maxWords) {
      throw new BackendUnavailableError('webgpu', `atom ${first} alone has ${words} neighbours, above one storage binding (${maxWords} indices).`);
    }
    if (words > 0) {
      const out = device.createBuffer({ label: 'neighbour list slice', size: 4 * Math.max(words, 4), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
      try {
        const sliceGrid = dispatchGrid(gpu, last - first);
        const fillParams = track(params(device, { first, count: last - first, rows: rows.length / 3, threadsPerRow: sliceGrid.threadsPerRow, outBase: offsets[first], reachSq }));
        runPass(device, kernels.fill, [fillParams, grid.local, grid.sorted, grid.keys, grid.bins, rowBuffer, counts, out], sliceGrid);
        neighbors.set(new Int32Array(await readBuffer(device, out, 4 * words)), offsets[first]);
      } finally {
        out.destroy();
      }
    }
    first = last;
  }
  return { offsets, neighbors };
}

/** Builds the lists with the search on the WebGPU device (see the module comment for the f32 tolerance). */
export async function webgpuBuild(
  positions: Float64Array, cell: Float64Array, pbc: readonly boolean[], geometry: CellGeometry, reach: number, wantHalf: boolean, wantFull: boolean,
): Promise<BuiltLists> {
  const gpu = await requireGpu();
  const binned = wasmBinnedAtoms(positions, cell, pbc, geometry, reach);
  let maxCoordinate = 0;
  for (const value of binned.x) maxCoordinate = Math.max(maxCoordinate, Math.abs(value));
  const widened = reach + reachTolerance(maxCoordinate, reach);

  const owned: GPUBuffer[] = [];
  const track = (buffer: GPUBuffer) => (owned.push(buffer), buffer);
  try {
    const grid = uploadGrid(gpu.device, binned, track);
    const half = wantHalf ? await searchList(gpu, grid, binned.n, stencilRows(cell, geometry, binned.plan, reach, true), widened * widened, track) : undefined;
    const full = wantFull ? await searchList(gpu, grid, binned.n, stencilRows(cell, geometry, binned.plan, reach, false), widened * widened, track) : undefined;
    return { ghostOwner: binned.ghostOwner, ghostShift: binned.ghostShift, localShift: binned.localShift, half, full };
  } finally {
    for (const buffer of owned) buffer.destroy();
  }
}
