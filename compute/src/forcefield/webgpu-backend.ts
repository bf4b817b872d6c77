/// <reference types="@webgpu/types" />
import { readFileSync } from 'node:fs';

import { BackendUnavailableError } from '../errors.js';
import { readBuffer, requireGpu, uploadBuffer, type GpuContext } from '../webgpu.js';
import type { NeighborList } from './neighbor-list.js';
import { isEam, PAIR_COEFFICIENTS, SPLINE_COEFFICIENTS, type EamPotential, type PairPotential, type Potential } from './potentials.js';
import type { KernelOutput } from './result.js';

/**
 * Host side of the WGSL force kernels (compute/wgsl/pair.wgsl, eam.wgsl):
 * f32 on the device, full neighbour list, one invocation per atom; per-atom
 * results are summed on the host in f64.
 *
 * The shaders are read from compute/wgsl at first use rather than embedded
 * as strings, so they stay plain WGSL files that editors and validators
 * (naga, tint) can check; the compute package already reads its wasm build
 * from disk, so it gains no new runtime dependency.
 */

/** Invocations per workgroup; passed to every shader as the WORKGROUP_SIZE override. */
const WORKGROUP_SIZE = 64;
/** vec4 per atom in the `out` buffer: force and energy, then 6 virial terms. */
const OUT_VEC4_PER_ATOM = 3;

const shaderSource = (name: string): string => readFileSync(new URL(`../../wgsl/${name}`, import.meta.url), 'utf8');

interface Pipelines {
  pair: GPUComputePipeline;
  density: GPUComputePipeline;
  spread: GPUComputePipeline;
  force: GPUComputePipeline;
}

const pipelineCache = new WeakMap<GPUDevice, Pipelines>();

function pipelines(device: GPUDevice): Pipelines {
  const cached = pipelineCache.get(device);
  if (cached) return cached;
  const pairModule = device.createShaderModule({ label: 'pair.wgsl', code: shaderSource('pair.wgsl') });
  const eamModule = device.createShaderModule({ label: 'eam.wgsl', code: shaderSource('eam.wgsl') });
  const make = (module: GPUShaderModule, entryPoint: string) =>
    device.createComputePipeline({
      label: `forcefield ${entryPoint}`,
      layout: 'auto',
      compute: { module, entryPoint, constants: { WORKGROUP_SIZE } },
    });
  const created = { pair: make(pairModule, 'main'), density: make(eamModule, 'density'), spread: make(eamModule, 'spread'), force: make(eamModule, 'force') };
  pipelineCache.set(device, created);
  return created;
}

/** Workgroup grid for `count` invocations, 2-D when one dimension is not enough. */
function dispatchGrid(gpu: GpuContext, count: number): { x: number; y: number; threadsPerRow: number } {
  const groups = Math.max(1, Math.ceil(count / WORKGROUP_SIZE));
  const x = Math.min(groups, gpu.maxComputeWorkgroupsPerDimension);
  return { x, y: Math.ceil(groups / x), threadsPerRow: x * WORKGROUP_SIZE };
}

/**
 * Largest storage binding the force and neighbour kernels use, bytes: the
 * adapter's limit, or less when SCIFED_WEBGPU_MAX_BINDING is set (a testing
 * knob that forces lists to be split on any adapter).
 */
export function storageBindingLimit(gpu: GpuContext): number {
  const cap = Number(process.env.SCIFED_WEBGPU_MAX_BINDING);
  const limit = Math.min(gpu.maxStorageBinding, gpu.device.limits.maxBufferSize);
  return cap > 0 ? Math.min(limit, cap) : limit;
}

/** One slice of the full list: local atoms [first, first + count) and their CSR in one buffer. */
interface ListSlice {
  first: number;
  count: number;
  csr: GPUBuffer;
}

/** Device-resident copy of one neighbour list; rebuilt when a different list arrives. */
interface ListBuffers {
  list: NeighborList;
  device: GPUDevice;
  slices: ListSlice[];
  owner: GPUBuffer;
}

let residentList: ListBuffers | undefined;

function releaseList(): void {
  for (const slice of residentList?.slices ?? []) slice.csr.destroy();
  residentList?.owner.destroy();
  residentList = undefined;
}

/**
 * Uploads the full list in slices of whole atoms, each slice's offsets
 * (rebased to the slice and shifted by its count + 1) followed by its
 * neighbours, so no slice exceeds one storage binding.
 */
function listBuffers(gpu: GpuContext, list: NeighborList): ListBuffers {
  if (residentList?.list === list && residentList.device === gpu.device) return residentList;
  releaseList();

  const { offsets, neighbors } = list.full!;
  const maxWords = Math.floor(storageBindingLimit(gpu) / 4);
  const slices: ListSlice[] = [];
  let first = 0;
  do {
    let count = Math.min(1, list.n);
    while (first + count < list.n && count + 2 + offsets[first + count + 1] - offsets[first] <= maxWords) count++;
    const words = count + 1 + offsets[first + count] - offsets[first];
    if (words > maxWords) {
      throw new BackendUnavailableError('webgpu', `atom ${first} alone needs ${4 * words} bytes of neighbour list, above the ${4 * maxWords}-byte storage binding limit.`);
    }
    const csr = new Uint32Array(words);
    for (let k = 0; k <= count; k++) csr[k] = offsets[first + k] - offsets[first] + count + 1;
    csr.set(neighbors.subarray(offsets[first], offsets[first + count]), count + 1);
    slices.push({ first, count, csr: uploadBuffer(gpu.device, csr, `neighbour list atoms ${first}+${count}`) });
    first += count;
  } while (first < list.n);

  residentList = {
    list,
    device: gpu.device,
    slices,
    owner: uploadBuffer(gpu.device, list.ghostOwner.length ? Uint32Array.from(list.ghostOwner) : new Uint32Array(1), 'ghost owners'),
  };
  return residentList;
}

/** Extended positions as vec4 with the species index bit-cast into w. */
function packAtoms(list: NeighborList, positions: Float64Array, species: Int32Array): Float32Array {
  const x = list.extendedPositions(positions);
  const packed = new Float32Array(4 * (list.n + list.ghostCount));
  const bits = new Uint32Array(packed.buffer);
  for (let e = 0; e < list.n + list.ghostCount; e++) {
    packed[4 * e] = x[3 * e];
    packed[4 * e + 1] = x[3 * e + 1];
    packed[4 * e + 2] = x[3 * e + 2];
    bits[4 * e + 3] = species[e < list.n ? e : list.ghostOwner[e - list.n]];
  }
  return packed;
}

function uniform(device: GPUDevice, words: ArrayBuffer, label: string): GPUBuffer {
  const buffer = device.createBuffer({ label, size: Math.ceil(words.byteLength / 16) * 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buffer, 0, words);
  return buffer;
}

function bind(device: GPUDevice, pipeline: GPUComputePipeline, buffers: Record<number, GPUBuffer>): GPUBindGroup {
  return device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: Object.entries(buffers).map(([binding, buffer]) => ({ binding: Number(binding), resource: { buffer } })),
  });
}

function encodePass(encoder: GPUCommandEncoder, pipeline: GPUComputePipeline, group: GPUBindGroup, grid: { x: number; y: number }): void {
  const pass = encoder.beginComputePass({ label: pipeline.label });
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group);
  pass.dispatchWorkgroups(grid.x, grid.y);
  pass.end();
}

/** Sums the per-atom f32 results into f64 forces, energies and virial. */
function unpack(raw: Float32Array, n: number): KernelOutput {
  const forces = new Float64Array(3 * n);
  const atomEnergies = new Float64Array(n);
  const virial = new Float64Array(6);
  for (let i = 0; i < n; i++) {
    const o = 4 * OUT_VEC4_PER_ATOM * i;
    forces[3 * i] = raw[o];
    forces[3 * i + 1] = raw[o + 1];
    forces[3 * i + 2] = raw[o + 2];
    atomEnergies[i] = raw[o + 3];
    for (let k = 0; k < 6; k++) virial[k] += raw[o + 4 + k];
  }
  return { forces, atomEnergies, virial };
}

function pairTable(potential: PairPotential): Float32Array {
  const count = potential.cutoffSquared.length;
  const table = new Float32Array(8 * count);
  for (let p = 0; p < count; p++) {
    for (let k = 0; k < PAIR_COEFFICIENTS; k++) table[8 * p + k] = potential.coefficients[p * PAIR_COEFFICIENTS + k];
    table[8 * p + 4] = potential.cutoffSquared[p];
    table[8 * p + 5] = potential.offset[p];
  }
  return table;
}

function eamParams(potential: EamPotential, list: NeighborList, threadsPerRow: number, first: number, count: number): ArrayBuffer {
  const words = new ArrayBuffer(64);
  const u = new Uint32Array(words);
  const f = new Float32Array(words);
  const rhorBase = potential.frho.length;
  u.set([list.n, list.ghostCount, potential.elements.length, threadsPerRow, potential.nr, potential.nrho, rhorBase, rhorBase + potential.rhor.length]);
  f.set([1 / potential.dr, 1 / potential.drho, potential.cutoff * potential.cutoff, potential.rhomax], 8);
  u.set([first, count], 12);
  return words;
}

/** Runs pair or EAM forces on the shared WebGPU device. */
export async function webgpuForces(potential: Potential, positions: Float64Array, species: Int32Array, list: NeighborList): Promise<KernelOutput> {
  const gpu = await requireGpu();
  const { device } = gpu;
  const kernels = pipelines(device);
  const resident = listBuffers(gpu, list);
  const n = list.n;
  const owned: GPUBuffer[] = [];
  const track = (buffer: GPUBuffer) => (owned.push(buffer), buffer);

  try {
    const atoms = track(uploadBuffer(device, packAtoms(list, positions, species), 'atoms'));
    const outBytes = 16 * OUT_VEC4_PER_ATOM * Math.max(n, 1);
    const out = track(device.createBuffer({ label: 'forces', size: outBytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC }));
    const encoder = device.createCommandEncoder({ label: 'forcefield' });

    if (isEam(potential)) {
      const splines = new Float32Array(potential.frho.length + potential.rhor.length + potential.z2r.length);
      splines.set(potential.frho);
      splines.set(potential.rhor, potential.frho.length);
      splines.set(potential.z2r, potential.frho.length + potential.rhor.length);
      const indices = new Uint32Array(2 * potential.densityIndex.length);
      indices.set(potential.densityIndex);
      indices.set(potential.pairIndex, potential.densityIndex.length);
      const tables = track(uploadBuffer(device, splines, 'eam splines'));
      const indexBuffer = track(uploadBuffer(device, indices, 'eam spline indices'));
      const fpe = track(device.createBuffer({ label: 'eam fp', size: 8 * Math.max(n + list.ghostCount, 2), usage: GPUBufferUsage.STORAGE }));
      const ghostGrid = dispatchGrid(gpu, list.ghostCount);
      const ghostParams = track(uniform(device, eamParams(potential, list, ghostGrid.threadsPerRow, 0, 0), 'eam ghost params'));
      const sliceParams = resident.slices.map((slice) => {
        const grid = dispatchGrid(gpu, slice.count);
        return { slice, grid, params: track(uniform(device, eamParams(potential, list, grid.threadsPerRow, slice.first, slice.count), 'eam params')) };
      });

      // All densities (every slice) must be complete before F' is spread to ghosts and forces start.
      for (const { slice, grid, params } of sliceParams) {
        encodePass(encoder, kernels.density, bind(device, kernels.density, { 0: params, 1: atoms, 2: slice.csr, 3: tables, 4: indexBuffer, 5: fpe }), grid);
      }
      encodePass(encoder, kernels.spread, bind(device, kernels.spread, { 0: ghostParams, 5: fpe, 6: resident.owner }), ghostGrid);
      for (const { slice, grid, params } of sliceParams) {
        encodePass(encoder, kernels.force, bind(device, kernels.force, { 0: params, 1: atoms, 2: slice.csr, 3: tables, 4: indexBuffer, 5: fpe, 7: out }), grid);
      }
    } else {
      const pairs = track(uploadBuffer(device, pairTable(potential), 'pair coefficients'));
      for (const slice of resident.slices) {
        const grid = dispatchGrid(gpu, slice.count);
        const words = new Uint32Array([slice.count, potential.elements.length, potential.kind === 'lj/cut' ? 0 : 1, grid.threadsPerRow, slice.first, 0, 0, 0]);
        const params = track(uniform(device, words.buffer, 'pair params'));
        encodePass(encoder, kernels.pair, bind(device, kernels.pair, { 0: params, 1: atoms, 2: slice.csr, 3: pairs, 4: out }), grid);
      }
    }

    device.queue.submit([encoder.finish()]);
    return unpack(new Float32Array(await readBuffer(device, out, outBytes)), n);
  } finally {
    for (const buffer of owned) buffer.destroy();
  }
}
