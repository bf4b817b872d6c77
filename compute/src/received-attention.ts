import type { Backend } from './backend.js';
import { KernelInputError } from './errors.js';
import { checkFinite, checkInteger, checkLength } from './validate.js';

/**
 * Attention each token receives within one chunk, per head, and the tokens
 * that receive the most: the ranking Memory³ (Yang et al. 2024,
 * arXiv 2407.01178) uses to keep a few key-value pairs per head.
 *
 * For head h, with k_i the key of token i (queries taken equal to keys):
 *   A_ij = softmax_j(k_i · k_j / √dim) over all tokens j of the chunk (no causal mask),
 *   received_j = Σ_i A_ij, a column sum, so Σ_j received_j = tokens.
 * Computed in float64 from f32 keys.
 */
export interface ReceivedAttentionOptions {
  /** tokens × heads × dim, f32: token j's key for head h starts at (j · heads + h) · dim. */
  keys: Float32Array;
  tokens: number;
  heads: number;
  dim: number;
  /** Tokens kept per head, 1 ≤ keep; clamped to `tokens`. */
  keep: number;
}

export interface ReceivedAttentionResult {
  /** heads × tokens: attention received by each token. */
  received: Float64Array;
  /** Tokens kept per head: min(keep, tokens). */
  kept: number;
  /** heads × kept token positions, most attended first (ties by lower position). */
  indices: Int32Array;
  backend: Backend;
}

/** Largest chunk the O(tokens² · dim) reference accepts. */
export const MAX_RECEIVED_ATTENTION_TOKENS = 4096;

export function rankByReceivedAttention(options: ReceivedAttentionOptions): ReceivedAttentionResult {
  const { keys, tokens, heads, dim, keep } = options;
  checkInteger('tokens', tokens, 1, MAX_RECEIVED_ATTENTION_TOKENS);
  checkInteger('heads', heads, 1, 1 << 16);
  checkInteger('dim', dim, 1, 1 << 16);
  checkInteger('keep', keep, 1, Number.MAX_SAFE_INTEGER);
  checkLength('keys', keys, tokens * heads * dim, 'tokens × heads × dim');
  checkFinite('keys', keys, dim);
  if (!(keys instanceof Float32Array)) throw new KernelInputError('keys', 'a Float32Array', Object.prototype.toString.call(keys));

  // NOTE: reference backend only (float64 TypeScript); chunks are at most a
  // few hundred tokens, where this costs about tokens² · heads · dim flops.
  const kept = Math.min(keep, tokens);
  const received = new Float64Array(heads * tokens);
  const indices = new Int32Array(heads * kept);
  const scale = 1 / Math.sqrt(dim);
  const row = new Float64Array(tokens);
  for (let h = 0; h < heads; h++) {
    const column = received.subarray(h * tokens, (h + 1) * tokens);
    for (let i = 0; i < tokens; i++) {
      const qi = (i * heads + h) * dim;
      let max = -Infinity;
      for (let j = 0; j < tokens; j++) {
        const kj = (j * heads + h) * dim;
        let dot = 0;
        for (let c = 0; c < dim; c++) dot += keys[qi + c] * keys[kj + c];
        row[j] = dot * scale;
        if (row[j] > max) max = row[j];
      }
      let total = 0;
      for (let j = 0; j < tokens; j++) {
        row[j] = Math.exp(row[j] - max);
        total += row[j];
      }
      for (let j = 0; j < tokens; j++) column[j] += row[j] / total;
    }

    const order = Array.from({ length: tokens }, (_, j) => j);
    order.sort((a, b) => column[b] - column[a] || a - b);
    for (let s = 0; s < kept; s++) indices[h * kept + s] = order[s];
  }
  return { received, kept, indices, backend: 'reference' };
}
