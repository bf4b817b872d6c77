import { f32View, i32View, i8View, reserveArena, wasmKernels, type ArenaSlot, type KernelExports } from '../wasm.js';
import type { SearchProblem } from './types.js';

type VectorSearchKernel = (
  element: number, metric: number, base: number, dim: number, queries: number, queryCount: number,
  ids: number, rowCount: number, k: number, baseScales: number, queryScales: number, widened: number,
  heaps: number, outIds: number, outDist: number,
) => void;

const METRIC_CODES = { l2sq: 0, ip: 1, cos: 2 } as const;
/** Queries per block in compute/assembly/vectors.ts. */
const QUERY_BLOCK = 4;

/** Byte lengths of every array a search needs besides the base matrix, in the order runKernel takes their slots. */
export function workBytes(problem: SearchProblem): number[] {
  const { dim, queryCount, k, ids } = problem;
  const int8 = problem.element === 'i8';
  return [
    problem.queries.byteLength,
    ids ? ids.byteLength : 0,
    int8 ? problem.baseScales!.byteLength : 0,
    int8 ? problem.queryScales!.byteLength : 0,
    int8 ? queryCount * dim * 2 : 0,
    QUERY_BLOCK * k * 8,
    queryCount * k * 4,
    queryCount * k * 4,
  ];
}

/**
 * Copies the queries, candidate ids and scales into their slots (laid out by
 * workBytes), runs compute/assembly/vectors.ts against a base matrix that
 * already sits at `baseOffset`, and copies the results out.
 */
export function runKernel(kernels: KernelExports, problem: SearchProblem, baseOffset: number, slots: ArenaSlot[]): { indices: Int32Array; distances: Float32Array } {
  const [queries, idSlot, baseScales, queryScales, widened, heaps, outIds, outDist] = slots;
  const { dim, queryCount, k, ids } = problem;
  const int8 = problem.element === 'i8';
  const rowCount = ids ? ids.length : problem.n;
  if (int8) {
    i8View(kernels, queries).set(problem.queries as Int8Array);
    f32View(kernels, baseScales).set(problem.baseScales!);
    f32View(kernels, queryScales).set(problem.queryScales!);
  } else {
    f32View(kernels, queries).set(problem.queries as Float32Array);
  }
  if (ids) i32View(kernels, idSlot).set(ids);

  const run = kernels.vectorSearch as VectorSearchKernel;
  run(
    int8 ? 1 : 0, METRIC_CODES[problem.metric], baseOffset, dim, queries.offset, queryCount,
    ids ? idSlot.offset : 0, rowCount, k, baseScales.offset, queryScales.offset, widened.offset,
    heaps.offset, outIds.offset, outDist.offset,
  );
  return { indices: i32View(kernels, outIds).slice(), distances: f32View(kernels, outDist).slice() };
}

/** Copies the problem into the arena once, runs compute/assembly/vectors.ts and copies the results out. */
export function searchWasm(problem: SearchProblem): { indices: Int32Array; distances: Float32Array } {
  const kernels: KernelExports = wasmKernels();
  const [base, ...slots] = reserveArena(kernels, [problem.base.byteLength, ...workBytes(problem)]);
  if (problem.element === 'i8') i8View(kernels, base).set(problem.base as Int8Array);
  else f32View(kernels, base).set(problem.base as Float32Array);
  return runKernel(kernels, problem, base.offset, slots);
}
