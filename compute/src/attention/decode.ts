import { halfToFloat } from './half.js';
import type { AttentionProblem, AttentionSelection, TokenStorage } from './types.js';

/** Value of element `index` of token storage, decoded (int8 times its scale). */
export function decodeElement(array: TokenStorage, scales: Float32Array | undefined, index: number, dim: number): number {
  if (array instanceof Float32Array) return array[index];
  if (array instanceof Uint16Array) return halfToFloat(array[index]);
  return array[index] * scales![Math.floor(index / dim)];
}

/**
 * Copies the value rows of the selected tokens into a heads × topK × dim
 * array of the values' own storage type (zeros in padded slots), with their
 * int8 scales heads × topK. Only these rows reach a readout kernel, so the
 * full value matrix is never copied.
 */
export function gatherValues(problem: AttentionProblem, selection: AttentionSelection): { rows: TokenStorage; scales: Float32Array } {
  const { heads, dim, topK, values, valueScales } = problem;
  const Storage = values.constructor as { new (length: number): TokenStorage };
  const rows = new Storage(heads * topK * dim);
  const scales = new Float32Array(heads * topK);
  for (let h = 0; h < heads; h++) {
    for (let s = 0; s < selection.selected[h]; s++) {
      const token = selection.indices[h * topK + s];
      const source = (token * heads + h) * dim;
      (rows as Float32Array).set((values as Float32Array).subarray(source, source + dim), (h * topK + s) * dim);
      if (valueScales) scales[h * topK + s] = valueScales[token * heads + h];
    }
  }
  return { rows, scales };
}
