import type { Backend, BackendChoice } from '../backend.js';

/**
 * Distance between a query q and a base row b, smaller is nearer:
 * - `l2sq`: Σ (q_i − b_i)², the squared Euclidean distance;
 * - `ip`: −q·b, so the largest inner product sorts first;
 * - `cos`: 1 − q·b / (‖q‖ ‖b‖), in [0, 2]. When q or b is the zero vector
 *   the cosine is undefined and the distance is defined as 1 (orthogonal).
 * These are the conventions of usearch's `l2sq`, `ip` and `cos` metrics.
 */
export type VectorMetric = 'l2sq' | 'ip' | 'cos';

export const VECTOR_METRICS: readonly VectorMetric[] = ['l2sq', 'ip', 'cos'];

/** Largest k a search accepts (the WebGPU kernel sorts 1024-entry segments). */
export const MAX_TOP_K = 1024;

/** Row ids of a candidate subset: distinct, each in [0, n). */
export type RowIds = Int32Array | Uint32Array;

export interface VectorSearchOptions {
  /** Base matrix, row-major n × dim. */
  base: Float32Array;
  dim: number;
  /** Query matrix, row-major nq × dim. */
  queries: Float32Array;
  /** Neighbours per query, 1 ≤ k ≤ min(n, 1024). */
  k: number;
  metric: VectorMetric;
  /**
   * Restricts the search to these row ids of `base` (filtered exact search).
   * When fewer than k candidates are given, every candidate is returned and
   * the result's `k` is the candidate count.
   */
  candidates?: RowIds;
  /** Overrides SCIFED_BACKEND for this call. */
  backend?: BackendChoice;
}

/**
 * Inner-product search over int8-quantized vectors: row i of `base`
 * represents baseScales[i] × base[i, :], query j represents
 * queryScales[j] × queries[j, :]. The distance is −(q·b) of those
 * represented vectors, with the integer dot product summed exactly.
 */
export interface Int8VectorSearchOptions {
  base: Int8Array;
  baseScales: Float32Array;
  dim: number;
  queries: Int8Array;
  queryScales: Float32Array;
  k: number;
  candidates?: RowIds;
  backend?: BackendChoice;
}

export interface VectorSearchResult {
  /** Row ids into `base`, nq × k, nearest first. */
  indices: Int32Array;
  /** Distances, nq × k, ascending per query; ties are ordered by row id. */
  distances: Float32Array;
  /** Results per query: the requested k, or the candidate count when that is smaller. */
  k: number;
  queryCount: number;
  backend: Backend;
}

/** A validated search, as every backend receives it. */
export interface SearchProblem {
  element: 'f32' | 'i8';
  metric: VectorMetric;
  dim: number;
  /** Rows in `base` (before any candidate filter). */
  n: number;
  queryCount: number;
  /** Results per query after clamping to the candidate count. */
  k: number;
  base: Float32Array | Int8Array;
  queries: Float32Array | Int8Array;
  baseScales?: Float32Array;
  queryScales?: Float32Array;
  /** Candidate row ids as Int32Array, or undefined to search every row. */
  ids?: Int32Array;
}

/** Rows scanned per query: the candidate count, or n. */
export function scannedRows(problem: SearchProblem): number {
  return problem.ids ? problem.ids.length : problem.n;
}
