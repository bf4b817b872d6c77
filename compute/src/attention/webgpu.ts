/// <reference types="@webgpu/types" />
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { readBuffer, requireGpu, uploadBuffer } from '../webgpu.js';
import { ELEMENT_CODE, gpuTopK } from '../vectors/gpu-topk.js';
import { gatherValues } from './decode.js';
import type { AttentionProblem, AttentionSelection, StorageKind } from './types.js';

/** Top-k keys per head on WebGPU (compute/wgsl/topk_segment.wgsl with the score metric). */
export async function selectWebGpu(problem: AttentionProblem): Promise<AttentionSelection> {
  const context = await requireGpu();
  const { heads, dim, topK, tokens } = problem;
  const { ids, keys } = await gpuTopK(context, {
    element: problem.keyKind,
    metric: 'score',
    dim,
    rows: problem.keys,
    rowCount: tokens,
    rowStride: heads * dim,
    queryColumnStride: dim,
    rowScales: problem.keyScales,
    scaleRowStride: heads,
    scaleQueryStride: 1,
    queries: problem.queries,
    // int8 keys multiply by the key scale only; queries stay f32.
    queryScales: problem.keyScales ? new Float32Array(heads).fill(1) : undefined,
    queryCount: heads,
    k: topK,
    scoreScale: 1 / Math.sqrt(dim),
    minScore: problem.minScore,
  });
  const selected = new Int32Array(heads);
  const scores = new Float32Array(heads * topK);
  for (let h = 0; h < heads; h++) {
    for (let s = 0; s < topK; s++) {
      if (ids[h * topK + s] < 0) continue;
      selected[h]++;
      scores[h * topK + s] = -keys[h * topK + s];
    }
  }
  return { indices: ids, scores, selected };
}

const pipelines = new WeakMap<GPUDevice, Map<StorageKind, GPUComputePipeline>>();

function readoutPipeline(device: GPUDevice, kind: StorageKind): GPUComputePipeline {
  let byKind = pipelines.get(device);
  if (!byKind) pipelines.set(device, (byKind = new Map()));
  let pipeline = byKind.get(kind);
  if (pipeline) return pipeline;
  const code = readFileSync(fileURLToPath(new URL('../../wgsl/attention_readout.wgsl', import.meta.url)), 'utf8')
    .replaceAll('ELEMENT_TYPE', ELEMENT_CODE[kind].type)
    .replaceAll('LOAD_ELEMENT_BODY', ELEMENT_CODE[kind].load.replaceAll('rows[', 'values['));
  pipeline = device.createComputePipeline({
    label: `attention_readout ${kind}`,
    layout: 'auto',
    compute: { module: device.createShaderModule({ label: `attention_readout ${kind}`, code }), entryPoint: 'main' },
  });
  byKind.set(kind, pipeline);
  return pipeline;
}

/** Softmax and readout on WebGPU over the value rows gathered on the host. */
export async function readoutWebGpu(problem: AttentionProblem, selection: AttentionSelection): Promise<{ weights: Float32Array; readout: Float32Array }> {
  const { device } = await requireGpu();
  const { heads, dim, topK } = problem;
  const gathered = gatherValues(problem, selection);
  // f32 and f16 values have scale 1; int8 values carry their own.
  const scales = problem.valueScales ? gathered.scales : new Float32Array(heads * topK).fill(1);

  device.pushErrorScope('validation');
  const params = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(params, 0, new Uint32Array([dim, topK, 0, 0]));
  const buffers = [
    params,
    uploadBuffer(device, new Uint32Array(selection.selected), 'attention counts'),
    uploadBuffer(device, selection.scores, 'attention scores'),
    uploadBuffer(device, gathered.rows, 'attention values'),
    uploadBuffer(device, scales, 'attention value scales'),
    device.createBuffer({ size: Math.max(16, heads * topK * 4), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC }),
    device.createBuffer({ size: Math.max(16, heads * dim * 4), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC }),
  ];
  try {
    const pipeline = readoutPipeline(device, problem.valueKind);
    const bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const encoder = device.createCommandEncoder({ label: 'attention_readout' });
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(heads);
    pass.end();
    device.queue.submit([encoder.finish()]);
    const weights = new Float32Array(await readBuffer(device, buffers[5], heads * topK * 4));
    const readout = new Float32Array(await readBuffer(device, buffers[6], heads * dim * 4));
    return { weights, readout };
  } finally {
    for (const buffer of buffers) buffer.destroy();
    const error = await device.popErrorScope();
    if (error) throw new Error(`WebGPU attention readout failed: ${error.message}`);
  }
}

