import { parseBackendChoice, type Backend } from '../backend.js';
import { timeKernel } from '../telemetry.js';
import { checkFinite } from '../validate.js';
import { KernelInputError } from '../errors.js';
import { chooseBackend } from './choose.js';
import { searchReference } from './reference.js';
import { validateInt8Search, validateSearch } from './validate.js';
import { searchWasm } from './wasm.js';
import { searchWebGpu } from './webgpu.js';
import { scannedRows, type Int8VectorSearchOptions, type SearchProblem, type VectorSearchOptions, type VectorSearchResult } from './types.js';

export { GPU_WORK_THRESHOLD } from './choose.js';
export { ResidentVectors, type ResidentSearchOptions } from './resident.js';
export { MAX_TOP_K, type Int8VectorSearchOptions, type RowIds, type VectorMetric, type VectorSearchOptions, type VectorSearchResult } from './types.js';

function searchOn(backend: Backend, problem: SearchProblem) {
  if (backend === 'reference') return searchReference(problem);
  if (backend === 'wasm') return searchWasm(problem);
  return searchWebGpu(problem);
}

async function run(problem: SearchProblem, choice: VectorSearchOptions['backend']): Promise<VectorSearchResult> {
  const requested = choice === undefined ? undefined : parseBackendChoice(choice);
  const backend = await chooseBackend(requested, problem.queryCount * scannedRows(problem) * problem.dim);
  const { indices, distances } = await searchOn(backend, problem);
  return { indices, distances, k: problem.k, queryCount: problem.queryCount, backend };
}

/**
 * Exact k-nearest-neighbour search of each query row against every base row
 * (or the candidate rows), under `l2sq`, `ip` or `cos` (see VectorMetric).
 * Returns nq × k row ids and distances, nearest first, ties by row id. All
 * backends compute in f32; the reference accumulates in float64.
 * Rejects with KernelInputError for bad shapes, non-finite values, k > n or
 * k > 1024, and invalid or repeated candidate ids.
 */
export async function searchVectors(options: VectorSearchOptions): Promise<VectorSearchResult> {
  const problem = validateSearch(options);
  return timeKernel('searchVectors', () => run(problem, options.backend));
}

/**
 * Exact inner-product search over int8 vectors with per-vector scales (see
 * Int8VectorSearchOptions); distances are −(scaleQ · scaleB · Σ q_i b_i).
 */
export async function searchVectorsInt8(options: Int8VectorSearchOptions): Promise<VectorSearchResult> {
  const problem = validateInt8Search(options);
  return timeKernel('searchVectorsInt8', () => run(problem, options.backend));
}

export interface QuantizedVectors {
  /** n × dim, round(x / scale), in [−127, 127]. */
  values: Int8Array;
  /** One per row: max |x| / 127, or 0 for the zero vector. */
  scales: Float32Array;
}

/**
 * Quantizes row-major f32 vectors to int8 with one symmetric scale per row.
 * Each component's error is at most scale / 2. For vectors a and b, the
 * inner product of the quantized vectors therefore differs from a·b by at
 * most (s_a ‖b‖₁ + s_b ‖a‖₁) / 2 + dim · s_a s_b / 4.
 */
export function quantizeInt8(vectors: Float32Array, dim: number): QuantizedVectors {
  if (!Number.isInteger(dim) || dim < 1 || vectors.length % dim !== 0) {
    throw new KernelInputError('dim', `a positive divisor of the vector length ${vectors.length}`, String(dim));
  }
  checkFinite('vectors', vectors, dim);
  const rows = vectors.length / dim;
  const values = new Int8Array(vectors.length);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let i = 0; i < dim; i++) max = Math.max(max, Math.abs(vectors[r * dim + i]));
    const scale = Math.fround(max / 127);
    scales[r] = scale;
    if (scale === 0) continue;
    for (let i = 0; i < dim; i++) values[r * dim + i] = Math.max(-127, Math.min(127, Math.round(vectors[r * dim + i] / scale)));
  }
  return { values, scales };
}
