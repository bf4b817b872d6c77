import { KernelInputError } from '../errors.js';
import { checkFinite, checkInteger, checkMatrix, checkRowIds } from '../validate.js';
import {
  MAX_TOP_K,
  VECTOR_METRICS,
  type Int8VectorSearchOptions,
  type RowIds,
  type SearchProblem,
  type VectorSearchOptions,
} from './types.js';

export function checkDim(dim: number): void {
  checkInteger('dim', dim, 1, 1 << 20);
}

export function rowCount(argument: string, array: ArrayLike<number>, dim: number): number {
  if (array.length % dim !== 0) {
    throw new KernelInputError(argument, `a length that is a multiple of dim = ${dim} (row-major rows × dim)`, `length ${array.length}`);
  }
  return array.length / dim;
}

/**
 * Checks k against the rows a search can return. k may not exceed n (that is
 * a caller error), but a candidate list shorter than k is allowed and clamps
 * k to the candidate count, so filtered searches return every match.
 */
export function checkK(k: number, n: number, candidates: RowIds | undefined): number {
  checkInteger('k', k, 1, MAX_TOP_K);
  if (k > n) throw new KernelInputError('k', `at most n = ${n} (rows in base)`, String(k), 'Lower k or add rows.');
  if (!candidates) return k;
  return Math.min(k, candidates.length);
}

export function candidateIds(candidates: RowIds | undefined, n: number): Int32Array | undefined {
  if (!candidates) return undefined;
  if (!(candidates instanceof Int32Array || candidates instanceof Uint32Array)) {
    throw new KernelInputError('candidates', 'an Int32Array or Uint32Array of row ids', Object.prototype.toString.call(candidates));
  }
  checkRowIds('candidates', candidates, n);
  return candidates instanceof Int32Array ? candidates : new Int32Array(candidates);
}

/** Validates a float search and returns the problem every backend receives. */
export function validateSearch(options: VectorSearchOptions): SearchProblem {
  const { base, queries, dim, metric } = options;
  checkDim(dim);
  if (!(base instanceof Float32Array)) throw new KernelInputError('base', 'a Float32Array (row-major n × dim)', Object.prototype.toString.call(base));
  if (!(queries instanceof Float32Array)) throw new KernelInputError('queries', 'a Float32Array (row-major nq × dim)', Object.prototype.toString.call(queries));
  if (!VECTOR_METRICS.includes(metric)) throw new KernelInputError('metric', `one of ${VECTOR_METRICS.join(', ')}`, JSON.stringify(metric));

  const n = rowCount('base', base, dim);
  const queryCount = rowCount('queries', queries, dim);
  if (n === 0) throw new KernelInputError('base', 'at least one row', '0 rows');
  const k = checkK(options.k, n, options.candidates);
  const ids = candidateIds(options.candidates, n);
  checkFinite('base', base, dim);
  checkFinite('queries', queries, dim);
  return { element: 'f32', metric, dim, n, queryCount, k, base, queries, ids };
}

/** Validates an int8 inner-product search. */
export function validateInt8Search(options: Int8VectorSearchOptions): SearchProblem {
  const { base, queries, dim, baseScales, queryScales } = options;
  // The int8 kernels sum products in int32: 127² × dim stays below 2³¹ for dim ≤ 2¹⁷.
  checkInteger('dim', dim, 1, 1 << 17);
  if (!(base instanceof Int8Array)) throw new KernelInputError('base', 'an Int8Array (row-major n × dim)', Object.prototype.toString.call(base));
  if (!(queries instanceof Int8Array)) throw new KernelInputError('queries', 'an Int8Array (row-major nq × dim)', Object.prototype.toString.call(queries));

  const n = rowCount('base', base, dim);
  const queryCount = rowCount('queries', queries, dim);
  if (n === 0) throw new KernelInputError('base', 'at least one row', '0 rows');
  if (!(baseScales instanceof Float32Array)) throw new KernelInputError('baseScales', 'a Float32Array with one scale per base row', Object.prototype.toString.call(baseScales));
  if (!(queryScales instanceof Float32Array)) throw new KernelInputError('queryScales', 'a Float32Array with one scale per query', Object.prototype.toString.call(queryScales));
  checkMatrix('baseScales', baseScales, n, 1, 'one per base row');
  checkMatrix('queryScales', queryScales, queryCount, 1, 'one per query');
  checkFinite('baseScales', baseScales);
  checkFinite('queryScales', queryScales);
  const k = checkK(options.k, n, options.candidates);
  const ids = candidateIds(options.candidates, n);
  return { element: 'i8', metric: 'ip', dim, n, queryCount, k, base, queries, baseScales, queryScales, ids };
}
