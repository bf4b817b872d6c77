import { parseBackendChoice } from '../backend.js';
import { chooseBackend } from '../vectors/choose.js';
import { readoutReference, selectReference } from './reference.js';
import { validateAttention } from './validate.js';
import { readoutWasm, selectWasm } from './wasm.js';
import { readoutWebGpu, selectWebGpu } from './webgpu.js';
import type { SparseAttentionOptions, SparseAttentionResult } from './types.js';

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
  const problem = validateAttention(options);
  const requested = options.backend === undefined ? undefined : parseBackendChoice(options.backend);
  const backend = await chooseBackend(requested, problem.tokens * problem.heads * problem.dim);
  const selection =
    backend === 'reference' ? selectReference(problem) : backend === 'wasm' ? selectWasm(problem) : await selectWebGpu(problem);
  const { weights, readout } =
    backend === 'reference'
      ? readoutReference(problem, selection)
      : backend === 'wasm'
        ? readoutWasm(problem, selection)
        : await readoutWebGpu(problem, selection);
  return { indices: selection.indices, scores: selection.scores, weights, readout, selected: selection.selected, backend };
}
