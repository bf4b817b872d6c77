import { parseBackendChoice } from '../backend.js';
import { timeKernel } from '../telemetry.js';
import { chooseBackend } from '../vectors/choose.js';
import { readoutReference, selectReference } from './reference.js';
import { validateAttention } from './validate.js';
import { readoutWasm, selectWasm } from './wasm.js';
import { readoutWebGpu, selectWebGpu } from './webgpu.js';
import type { AttentionSelection, SparseAttentionOptions, SparseAttentionResult } from './types.js';

export { decodeHalf, encodeHalf } from './half.js';
export type { SparseAttentionOptions, SparseAttentionResult, TokenStorage } from './types.js';

/**
 * Sparse attention of `heads` queries over a memory of `tokens` key-value
 * pairs. Per head h: score_j = q_h · k_{j,h} / √dim for every token j; the
 * topK highest scores at or above minScore are selected (ties by lower token
 * id); weights are the softmax over the selected scores only, computed as
 * exp(s − max s) / Σ; readout_h = Σ weight · v_{j,h}. A head with nothing
 * selected (tokens = 0, or every score below minScore) returns −1 indices,
 * zero weights and a zero readout, never NaN.
 *
 * Precision: f32 accumulation on WebAssembly and WebGPU, float64 in the
 * reference. f16 storage rounds each element by at most 2⁻¹¹ relative
 * (exact decode). int8 storage represents scale · e; the WebAssembly kernel
 * also rounds each query to int16 with scale max|q|/32767, which moves a
 * score by at most max|q|/65534 · scale_k · Σ|e| / √dim.
 */
export async function sparseAttention(options: SparseAttentionOptions): Promise<SparseAttentionResult> {
  return timeKernel('sparseAttention', () => attend(options));
}

async function attend(options: SparseAttentionOptions): Promise<SparseAttentionResult> {
  const problem = validateAttention(options);
  const requested = options.backend === undefined ? undefined : parseBackendChoice(options.backend);
  const backend = await chooseBackend(requested, problem.tokens * problem.heads * problem.dim);
  let selection: AttentionSelection;
  let output: { weights: Float32Array; readout: Float32Array };
  if (backend === 'reference') {
    selection = selectReference(problem);
    output = readoutReference(problem, selection);
  } else if (backend === 'wasm') {
    selection = selectWasm(problem);
    output = readoutWasm(problem, selection);
  } else {
    selection = await selectWebGpu(problem);
    output = await readoutWebGpu(problem, selection);
  }
  const { weights, readout } = output;
  return { indices: selection.indices, scores: selection.scores, weights, readout, selected: selection.selected, backend };
}
