import { f32View, i32View, i8View, reserveArena, u16View, wasmKernels, type ArenaSlot, type KernelExports } from '../wasm.js';
import { gatherValues } from './decode.js';
import type { AttentionProblem, AttentionSelection, StorageKind, TokenStorage } from './types.js';

const ELEMENT_CODES: Record<StorageKind, number> = { f32: 0, f16: 1, i8: 2 };

type SelectKernel = (
  element: number, queries: number, heads: number, dim: number, keys: number, keyScales: number, tokens: number,
  topK: number, minScore: number, widened: number, queryScales: number, heaps: number, sizes: number,
  outIds: number, outKeys: number, outCounts: number,
) => void;

type ReadoutKernel = (
  element: number, heads: number, dim: number, topK: number, counts: number, keys: number,
  gathered: number, gatheredScales: number, outWeights: number, readout: number,
) => void;

function copyInto(kernels: KernelExports, slot: ArenaSlot, data: TokenStorage): void {
  if (data instanceof Float32Array) f32View(kernels, slot).set(data);
  else if (data instanceof Uint16Array) u16View(kernels, slot).set(data);
  else i8View(kernels, slot).set(data);
}

/**
 * Key residency for the select kernel: copies keys into the arena and
 * returns a function that runs the selection on them. Split out so a
 * benchmark can time the kernel apart from the copy.
 */
export function stageSelection(problem: AttentionProblem): () => AttentionSelection {
  const kernels = wasmKernels();
  const { heads, dim, topK, tokens } = problem;
  const [queries, keys, keyScales, widened, queryScales, heaps, sizes, outIds, outKeys, outCounts] = reserveArena(kernels, [
    problem.queries.byteLength,
    problem.keys.byteLength,
    problem.keyScales ? problem.keyScales.byteLength : 0,
    heads * dim * 2,
    heads * 4,
    heads * topK * 8,
    heads * 4,
    heads * topK * 4,
    heads * topK * 4,
    heads * 4,
  ]);
  f32View(kernels, queries).set(problem.queries);
  copyInto(kernels, keys, problem.keys);
  if (problem.keyScales) f32View(kernels, keyScales).set(problem.keyScales);

  return () => {
    (kernels.attentionSelect as SelectKernel)(
      ELEMENT_CODES[problem.keyKind], queries.offset, heads, dim, keys.offset, keyScales.offset, tokens, topK,
      problem.minScore, widened.offset, queryScales.offset, heaps.offset, sizes.offset, outIds.offset, outKeys.offset, outCounts.offset,
    );
    const selected = i32View(kernels, outCounts).slice();
    const indices = i32View(kernels, outIds).slice();
    const negated = f32View(kernels, outKeys);
    const scores = new Float32Array(heads * topK);
    for (let h = 0; h < heads; h++) {
      for (let s = 0; s < topK; s++) {
        const at = h * topK + s;
        if (s < selected[h]) scores[at] = -negated[at];
        else indices[at] = -1;
      }
    }
    return { indices, scores, selected };
  };
}

export function selectWasm(problem: AttentionProblem): AttentionSelection {
  return stageSelection(problem)();
}

/** Softmax and readout in WebAssembly over the gathered value rows of the selection. */
export function readoutWasm(problem: AttentionProblem, selection: AttentionSelection): { weights: Float32Array; readout: Float32Array } {
  const kernels = wasmKernels();
  const { heads, dim, topK } = problem;
  const gathered = gatherValues(problem, selection);
  const [counts, keys, rows, scales, weights, readout] = reserveArena(kernels, [
    heads * 4, heads * topK * 4, gathered.rows.byteLength, gathered.scales.byteLength, heads * topK * 4, heads * dim * 4,
  ]);
  i32View(kernels, counts).set(selection.selected);
  f32View(kernels, keys).set(selection.scores.map((score) => -score));
  copyInto(kernels, rows, gathered.rows);
  f32View(kernels, scales).set(gathered.scales);
  (kernels.attentionReadout as ReadoutKernel)(
    ELEMENT_CODES[problem.valueKind], heads, dim, topK, counts.offset, keys.offset, rows.offset, scales.offset, weights.offset, readout.offset,
  );
  return { weights: f32View(kernels, weights).slice(), readout: f32View(kernels, readout).slice() };
}
