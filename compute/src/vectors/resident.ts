import { KernelInputError } from '../errors.js';
import { checkFinite } from '../validate.js';
import { arenaEpoch, f32View, reserveArena, wasmKernels, type ArenaSlot } from '../wasm.js';
import { candidateIds, checkDim, checkK, rowCount } from './validate.js';
import { VECTOR_METRICS, type RowIds, type SearchProblem, type VectorMetric, type VectorSearchResult } from './types.js';
import { runKernel, workBytes } from './wasm.js';

export interface ResidentSearchOptions {
  /** Query matrix, row-major nq × dim. */
  queries: Float32Array;
  /** Neighbours per query, 1 ≤ k ≤ min(rows, 1024); clamped to the candidate count like searchVectors. */
  k: number;
  metric: VectorMetric;
  /** Restricts the search to these row ids (distinct, each in [0, rows)). */
  candidates?: RowIds;
}

/** The ResidentVectors whose base occupies the start of the arena, and since which layout. */
interface Occupant {
  owner: ResidentVectors;
  generation: number;
  /** arenaEpoch() after the last layout that kept the base intact. */
  epoch: number;
  /** Arena bytes, from arenaBase(), that the base occupies. */
  keepBytes: number;
  offset: number;
}

let occupant: Occupant | undefined;

/**
 * A float32 base matrix kept in WebAssembly memory between exact searches.
 *
 * searchVectors validates and copies its whole `base` on every call, which
 * costs more than scoring a small candidate subset of a large matrix. Here
 * the base is checked once, in setBase, and copied into the arena at the
 * first search after it. Later searches lay out only their queries,
 * candidate ids and results behind it. One ResidentVectors occupies the
 * arena at a time: a search through another one, or any other kernel's
 * call, displaces it, and its next search copies it in again.
 *
 * Searches run on the WebAssembly backend, synchronously, and return the
 * same ids, distances and tie order as searchVectors.
 */
export class ResidentVectors {
  private base: Float32Array = new Float32Array(0);
  private generation = 0;

  constructor(readonly dim: number) {
    checkDim(dim);
  }

  /** Rows in the current base. */
  get rows(): number {
    return this.base.length / this.dim;
  }

  /**
   * Sets the base matrix, row-major rows × dim. The matrix is not copied
   * here; the next search copies it into WebAssembly memory. A caller that
   * changes the array in place calls setBase again before searching, or the
   * search may see the old rows.
   */
  setBase(base: Float32Array): void {
    if (!(base instanceof Float32Array)) throw new KernelInputError('base', 'a Float32Array (row-major n × dim)', Object.prototype.toString.call(base));
    rowCount('base', base, this.dim);
    checkFinite('base', base, this.dim);
    this.base = base;
    this.generation++;
  }

  /** Exact top-k of each query over the resident rows (or the candidates among them). */
  search(options: ResidentSearchOptions): VectorSearchResult {
    const { queries, metric } = options;
    const dim = this.dim;
    if (!(queries instanceof Float32Array)) throw new KernelInputError('queries', 'a Float32Array (row-major nq × dim)', Object.prototype.toString.call(queries));
    if (!VECTOR_METRICS.includes(metric)) throw new KernelInputError('metric', `one of ${VECTOR_METRICS.join(', ')}`, JSON.stringify(metric));
    const n = this.rows;
    if (n === 0) throw new KernelInputError('base', 'at least one row (call setBase first)', '0 rows');
    const queryCount = rowCount('queries', queries, dim);
    checkFinite('queries', queries, dim);
    const k = checkK(options.k, n, options.candidates);
    const ids = candidateIds(options.candidates, n);
    if (k === 0 || queryCount === 0) return { indices: new Int32Array(0), distances: new Float32Array(0), k, queryCount, backend: 'wasm' };

    const problem: SearchProblem = { element: 'f32', metric, dim, n, queryCount, k, base: this.base, queries, ids };
    const kernels = wasmKernels();
    const work = workBytes(problem);
    const current = occupant;
    let offset: number;
    let slots: ArenaSlot[];
    if (current && current.owner === this && current.generation === this.generation && current.epoch === arenaEpoch()) {
      slots = reserveArena(kernels, work, current.keepBytes);
      current.epoch = arenaEpoch();
      offset = current.offset;
    } else {
      const [baseSlot, ...rest] = reserveArena(kernels, [this.base.byteLength, ...work]);
      f32View(kernels, baseSlot).set(this.base);
      slots = rest;
      offset = baseSlot.offset;
      occupant = { owner: this, generation: this.generation, epoch: arenaEpoch(), keepBytes: baseSlot.offset + baseSlot.length - kernels.arenaBase(), offset };
    }
    const { indices, distances } = runKernel(kernels, problem, offset, slots);
    return { indices, distances, k, queryCount, backend: 'wasm' };
  }
}
