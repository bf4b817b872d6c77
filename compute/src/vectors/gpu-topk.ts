/// <reference types="@webgpu/types" />
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { readBuffer, uploadBuffer, type GpuContext } from '../webgpu.js';

// Host side of compute/wgsl/topk_segment.wgsl and topk_merge.wgsl: exact
// top-k of many queries over a row matrix, used by vector search and by
// sparse attention. The row matrix is split into chunks that each fit one
// storage binding; every chunk yields sorted 1024-row segment lists per
// query, and a tree of pairwise merges reduces them to one list per query.

/** Rows per segment; topk_segment.wgsl repeats it as SEGMENT_ROWS. */
export const SEGMENT_ROWS = 1024;
const SENTINEL = 0xffffffff;
const PARAMS_BYTES = 64;

const METRIC_CODES = { l2sq: 0, ip: 1, cos: 2, score: 3 } as const;

/** Storage of the row matrix: f32, IEEE half bits, or int8. */
export type GpuElement = 'f32' | 'f16' | 'i8';

export interface GpuTopKJob {
  element: GpuElement;
  /** `score` ranks by descending q·k × scale × scoreScale and drops scores below minScore. */
  metric: keyof typeof METRIC_CODES;
  dim: number;
  /** rowCount × rowStride elements. */
  rows: Float32Array | Uint16Array | Int8Array;
  rowCount: number;
  rowStride: number;
  /** Elements between query q's slice of a row and query q+1's; 0 when every query reads the whole row. */
  queryColumnStride: number;
  /** Per-row (and per-query column) scales that multiply each dot product, for int8 storage. */
  rowScales?: Float32Array;
  scaleRowStride?: number;
  scaleQueryStride?: number;
  /** Global id of each row; row i has id i when absent. */
  ids?: Int32Array;
  /** queryCount × dim. */
  queries: Float32Array;
  queryScales?: Float32Array;
  queryCount: number;
  k: number;
  scoreScale?: number;
  minScore?: number;
}

export interface GpuTopKResult {
  /** queryCount × k row ids, -1 where fewer than k rows qualified. */
  ids: Int32Array;
  /** queryCount × k distances (−score for `score`), ascending; 0 where the id is -1. */
  keys: Float32Array;
}

export const ELEMENT_CODE: Record<GpuElement, { type: string; load: string; bytes: number }> = {
  f32: { type: 'f32', load: 'return rows[i];', bytes: 4 },
  // Two halves per word, element 2j in the low 16 bits (little-endian).
  f16: { type: 'u32', load: 'let pair = unpack2x16float(rows[i >> 1u]);\n  return select(pair.x, pair.y, (i & 1u) == 1u);', bytes: 2 },
  // Four int8 per word; extractBits on i32 sign-extends the byte.
  i8: { type: 'u32', load: 'return f32(extractBits(bitcast<i32>(rows[i >> 2u]), (i & 3u) * 8u, 8u));', bytes: 1 },
};

function shaderSource(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../wgsl/${name}`, import.meta.url)), 'utf8');
}

interface Pipelines {
  segmentLayout: GPUBindGroupLayout;
  mergeLayout: GPUBindGroupLayout;
  segment: Map<string, GPUComputePipeline>;
  merge: GPUComputePipeline;
}

const cache = new WeakMap<GPUDevice, Pipelines>();

function storageEntries(count: number, writable: number): GPUBindGroupLayoutEntry[] {
  const entries: GPUBindGroupLayoutEntry[] = [{ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } }];
  for (let binding = 1; binding <= count; binding++) {
    const type = binding === writable ? 'storage' : 'read-only-storage';
    entries.push({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } });
  }
  return entries;
}

function pipelines(device: GPUDevice): Pipelines {
  let entry = cache.get(device);
  if (entry) return entry;
  const segmentLayout = device.createBindGroupLayout({ label: 'topk_segment', entries: storageEntries(6, 6) });
  const mergeLayout = device.createBindGroupLayout({ label: 'topk_merge', entries: storageEntries(2, 2) });
  const merge = device.createComputePipeline({
    label: 'topk_merge',
    layout: device.createPipelineLayout({ bindGroupLayouts: [mergeLayout] }),
    compute: { module: device.createShaderModule({ label: 'topk_merge', code: shaderSource('topk_merge.wgsl') }), entryPoint: 'main' },
  });
  entry = { segmentLayout, mergeLayout, segment: new Map(), merge };
  cache.set(device, entry);
  return entry;
}

function segmentPipeline(device: GPUDevice, element: GpuElement, metric: GpuTopKJob['metric'], scaled: boolean): GPUComputePipeline {
  const cached = pipelines(device);
  const key = `${element}/${metric}/${scaled}`;
  let pipeline = cached.segment.get(key);
  if (pipeline) return pipeline;
  const code = shaderSource('topk_segment.wgsl')
    .replaceAll('ELEMENT_TYPE', ELEMENT_CODE[element].type)
    .replaceAll('LOAD_ELEMENT_BODY', ELEMENT_CODE[element].load);
  pipeline = device.createComputePipeline({
    label: `topk_segment ${key}`,
    layout: device.createPipelineLayout({ bindGroupLayouts: [cached.segmentLayout] }),
    compute: {
      module: device.createShaderModule({ label: `topk_segment ${element}`, code }),
      entryPoint: 'main',
      constants: { METRIC: METRIC_CODES[metric], SCALED: scaled ? 1 : 0 },
    },
  });
  cached.segment.set(key, pipeline);
  return pipeline;
}

/** Smallest power of two ≥ k: the bitonic networks sort power-of-two lengths. */
export function listLength(k: number): number {
  let length = 1;
  while (length < k) length *= 2;
  return length;
}

/** Inverse of order_key in topk_segment.wgsl. */
function decodeKey(key: number): number {
  const bits = key & 0x80000000 ? key & 0x7fffffff : ~key >>> 0;
  return new Float32Array(new Uint32Array([bits]).buffer)[0];
}

interface Chunk {
  firstRow: number;
  rowCount: number;
  rows: GPUBuffer;
  ids: GPUBuffer;
  scales: GPUBuffer;
  segments: number;
}

/**
 * Rows per chunk so one chunk fits a storage binding. A multiple of 4 keeps
 * f16 and int8 chunks word-aligned; a multiple of SEGMENT_ROWS when possible
 * keeps segments full.
 */
function rowsPerChunk(job: GpuTopKJob, maxBinding: number): number {
  const rowBytes = job.rowStride * ELEMENT_CODE[job.element].bytes;
  const fit = Math.floor(maxBinding / rowBytes);
  if (fit < 4) throw new RangeError(`One row (${rowBytes} bytes) exceeds the storage binding limit ${maxBinding}.`);
  return fit >= SEGMENT_ROWS ? fit - (fit % SEGMENT_ROWS) : fit - (fit % 4);
}

function uploadChunks(device: GPUDevice, job: GpuTopKJob, maxBinding: number, dummy: GPUBuffer): Chunk[] {
  const step = rowsPerChunk(job, maxBinding);
  const chunks: Chunk[] = [];
  for (let firstRow = 0; firstRow < job.rowCount; firstRow += step) {
    const rowCount = Math.min(step, job.rowCount - firstRow);
    const rows = uploadBuffer(device, job.rows.subarray(firstRow * job.rowStride, (firstRow + rowCount) * job.rowStride), 'topk rows');
    const ids = job.ids ? uploadBuffer(device, job.ids.subarray(firstRow, firstRow + rowCount), 'topk ids') : dummy;
    const scaleStride = job.scaleRowStride ?? 1;
    const scales = job.rowScales
      ? uploadBuffer(device, job.rowScales.subarray(firstRow * scaleStride, (firstRow + rowCount) * scaleStride), 'topk row scales')
      : dummy;
    chunks.push({ firstRow, rowCount, rows, ids, scales, segments: Math.ceil(rowCount / SEGMENT_ROWS) });
  }
  return chunks;
}

function uniform(device: GPUDevice, fill: (view: DataView) => void): GPUBuffer {
  const data = new DataView(new ArrayBuffer(PARAMS_BYTES));
  fill(data);
  const buffer = device.createBuffer({ size: PARAMS_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buffer, 0, data.buffer);
  return buffer;
}

/** Runs the segment and merge passes for every query and returns the k best rows of each. */
export async function gpuTopK(context: GpuContext, job: GpuTopKJob): Promise<GpuTopKResult> {
  const { device, maxStorageBinding } = context;
  const length = listLength(job.k);
  const result: GpuTopKResult = { ids: new Int32Array(job.queryCount * job.k).fill(-1), keys: new Float32Array(job.queryCount * job.k) };
  if (job.queryCount === 0 || job.rowCount === 0) return result;

  // Shader, pipeline and dispatch errors surface here instead of as silent zeros.
  device.pushErrorScope('validation');
  const transient: GPUBuffer[] = [];
  const dummy = device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE });
  transient.push(dummy);
  try {
    const chunks = uploadChunks(device, job, maxStorageBinding, dummy);
    for (const chunk of chunks) transient.push(chunk.rows, chunk.ids, chunk.scales);
    const lists = chunks.reduce((sum, chunk) => sum + chunk.segments, 0);
    const listBytesPerQuery = lists * length * 8;
    const batch = Math.max(1, Math.min(
      context.maxComputeWorkgroupsPerDimension,
      Math.floor(maxStorageBinding / listBytesPerQuery),
      Math.floor(maxStorageBinding / (job.dim * 4)),
    ));
    for (let first = 0; first < job.queryCount; first += batch) {
      const count = Math.min(batch, job.queryCount - first);
      await runBatch(context, job, chunks, lists, length, first, count, dummy, result);
    }
  } finally {
    for (const buffer of transient) if (buffer !== dummy) buffer.destroy();
    dummy.destroy();
    const error = await device.popErrorScope();
    if (error) throw new Error(`WebGPU top-k failed: ${error.message}`);
  }
  return result;
}

async function runBatch(
  context: GpuContext, job: GpuTopKJob, chunks: Chunk[], lists: number, length: number,
  first: number, count: number, dummy: GPUBuffer, result: GpuTopKResult,
): Promise<void> {
  const { device } = context;
  const cached = pipelines(device);
  const segment = segmentPipeline(device, job.element, job.metric, job.rowScales !== undefined);
  const buffers: GPUBuffer[] = [];
  const own = (buffer: GPUBuffer): GPUBuffer => {
    buffers.push(buffer);
    return buffer;
  };
  try {
    const queries = own(uploadBuffer(device, job.queries.subarray(first * job.dim, (first + count) * job.dim), 'topk queries'));
    const queryScales = job.queryScales ? own(uploadBuffer(device, job.queryScales.subarray(first, first + count), 'topk query scales')) : dummy;
    const listBytes = count * lists * length * 8;
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC;
    let current = own(device.createBuffer({ label: 'topk lists A', size: listBytes, usage }));
    let spare = own(device.createBuffer({ label: 'topk lists B', size: listBytes, usage }));

    const encoder = device.createCommandEncoder({ label: 'topk' });
    let segmentOffset = 0;
    for (const chunk of chunks) {
      const params = own(uniform(device, (view) => {
        const words = [
          chunk.rowCount, job.dim, job.rowStride, job.queryColumnStride, job.scaleRowStride ?? 1, job.scaleQueryStride ?? 0,
          chunk.firstRow, job.ids ? 1 : 0, segmentOffset, lists, length, first,
        ];
        words.forEach((word, i) => view.setUint32(4 * i, word, true));
        view.setFloat32(48, job.scoreScale ?? 1, true);
        view.setFloat32(52, job.minScore ?? -Infinity, true);
      }));
      const bindGroup = device.createBindGroup({
        layout: cached.segmentLayout,
        entries: [params, chunk.rows, queries, chunk.ids, chunk.scales, queryScales, current].map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
      const pass = encoder.beginComputePass({ label: 'topk_segment' });
      pass.setPipeline(segment);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(chunk.segments, count);
      pass.end();
      segmentOffset += chunk.segments;
    }

    for (let listsIn = lists; listsIn > 1; ) {
      const listsOut = Math.ceil(listsIn / 2);
      const params = own(uniform(device, (view) => {
        view.setUint32(0, listsIn, true);
        view.setUint32(4, listsOut, true);
        view.setUint32(8, length, true);
      }));
      const bindGroup = device.createBindGroup({
        layout: cached.mergeLayout,
        entries: [params, current, spare].map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
      const pass = encoder.beginComputePass({ label: 'topk_merge' });
      pass.setPipeline(cached.merge);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(listsOut, count);
      pass.end();
      [current, spare] = [spare, current];
      listsIn = listsOut;
    }
    device.queue.submit([encoder.finish()]);

    // After the merges each query's single list sits at query × length.
    const entries = new Uint32Array(await readBuffer(device, current, count * length * 8));
    for (let q = 0; q < count; q++) {
      for (let j = 0; j < job.k; j++) {
        const key = entries[2 * (q * length + j)];
        const id = entries[2 * (q * length + j) + 1];
        const out = (first + q) * job.k + j;
        if (id === SENTINEL) continue;
        result.ids[out] = id;
        result.keys[out] = decodeKey(key);
      }
    }
  } finally {
    for (const buffer of buffers) buffer.destroy();
  }
}
