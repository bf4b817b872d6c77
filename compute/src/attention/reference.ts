import { decodeElement } from './decode.js';
import type { AttentionProblem, AttentionSelection } from './types.js';

// Reference sparse attention: scores, softmax and readout in float64 from
// the decoded keys and values, with a full sort per head. Written for
// clarity; the other backends are tested against it.

/** score(h, j) = q_h · k_{j,h} / √dim in float64. */
export function referenceScore(problem: AttentionProblem, head: number, token: number): number {
  const { queries, keys, keyScales, heads, dim } = problem;
  const start = (token * heads + head) * dim;
  let dot = 0;
  for (let i = 0; i < dim; i++) dot += queries[head * dim + i] * decodeElement(keys, keyScales, start + i, dim);
  return dot / Math.sqrt(dim);
}

export function selectReference(problem: AttentionProblem): AttentionSelection {
  const { heads, tokens, topK, minScore } = problem;
  const indices = new Int32Array(heads * topK).fill(-1);
  const scores = new Float32Array(heads * topK);
  const selected = new Int32Array(heads);
  for (let h = 0; h < heads; h++) {
    const ranked: { token: number; score: number }[] = [];
    for (let token = 0; token < tokens; token++) {
      const score = Math.fround(referenceScore(problem, h, token));
      if (score >= minScore) ranked.push({ token, score });
    }
    ranked.sort((a, b) => b.score - a.score || a.token - b.token);
    selected[h] = Math.min(topK, ranked.length);
    for (let s = 0; s < selected[h]; s++) {
      indices[h * topK + s] = ranked[s].token;
      scores[h * topK + s] = ranked[s].score;
    }
  }
  return { indices, scores, selected };
}

/** Stable softmax over each head's selected scores and the weighted sum of values, in float64. */
export function readoutReference(problem: AttentionProblem, selection: AttentionSelection): { weights: Float32Array; readout: Float32Array } {
  const { heads, dim, topK, values, valueScales } = problem;
  const weights = new Float32Array(heads * topK);
  const readout = new Float32Array(heads * dim);
  for (let h = 0; h < heads; h++) {
    const count = selection.selected[h];
    if (count === 0) continue;
    let best = -Infinity;
    for (let s = 0; s < count; s++) best = Math.max(best, selection.scores[h * topK + s]);
    const raw = Array.from({ length: count }, (_, s) => Math.exp(selection.scores[h * topK + s] - best));
    const total = raw.reduce((sum, w) => sum + w, 0);
    const sums = new Float64Array(dim);
    for (let s = 0; s < count; s++) {
      const weight = raw[s] / total;
      weights[h * topK + s] = weight;
      const start = (selection.indices[h * topK + s] * heads + h) * dim;
      for (let i = 0; i < dim; i++) sums[i] += weight * decodeElement(values, valueScales, start + i, dim);
    }
    readout.set(sums, h * dim);
  }
  return { weights, readout };
}
