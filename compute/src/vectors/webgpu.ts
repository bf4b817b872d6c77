import { requireGpu } from '../webgpu.js';
import { gpuTopK } from './gpu-topk.js';
import type { SearchProblem } from './types.js';

/**
 * Exact search on WebGPU in f32. A candidate subset is gathered on the host
 * into a compact matrix first, so the shader always scans contiguous rows
 * and reports the original row ids.
 */
export async function searchWebGpu(problem: SearchProblem): Promise<{ indices: Int32Array; distances: Float32Array }> {
  const context = await requireGpu();
  const { dim, ids } = problem;
  const int8 = problem.element === 'i8';

  let rows = problem.base;
  let rowScales = problem.baseScales;
  if (ids) {
    const gathered = int8 ? new Int8Array(ids.length * dim) : new Float32Array(ids.length * dim);
    ids.forEach((id, i) => gathered.set(problem.base.subarray(id * dim, (id + 1) * dim), i * dim));
    rows = gathered;
    if (rowScales) rowScales = Float32Array.from(ids, (id) => problem.baseScales![id]);
  }

  // int8 queries go up as f32 holding the integer values, which is exact.
  const queries = int8 ? Float32Array.from(problem.queries) : (problem.queries as Float32Array);
  const { ids: indices, keys } = await gpuTopK(context, {
    element: int8 ? 'i8' : 'f32',
    metric: problem.metric,
    dim,
    rows,
    rowCount: ids ? ids.length : problem.n,
    rowStride: dim,
    queryColumnStride: 0,
    rowScales,
    scaleRowStride: 1,
    scaleQueryStride: 0,
    ids,
    queries,
    queryScales: problem.queryScales,
    queryCount: problem.queryCount,
    k: problem.k,
  });
  return { indices, distances: keys };
}
