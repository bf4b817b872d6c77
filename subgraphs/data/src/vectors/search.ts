import type { VectorMetric } from '@scifed/compute';
import { InputError } from '@scifed/schema';

import type { DataLimits } from '../limits.js';
import { parameterValue } from '../sql/service.js';
import type { DataStore, TableRecord } from '../store.js';
import type { ColumnIndex, VectorIndexes, VectorMetricName } from './indexes.js';

/**
 * How a search ran:
 * - HNSW: the usearch graph, no filter;
 * - HNSW_FILTERED: the graph with over-fetching, the fetch growing ×4 until k rows pass the filter;
 * - EXACT: every row, through the kernel layer (exact: true without a filter);
 * - EXACT_FILTERED: the rows that pass the filter, through the kernel layer.
 */
export type SearchStrategy = 'HNSW' | 'HNSW_FILTERED' | 'EXACT' | 'EXACT_FILTERED';
export const SEARCH_STRATEGIES: readonly SearchStrategy[] = ['HNSW', 'HNSW_FILTERED', 'EXACT', 'EXACT_FILTERED'];

export interface VectorSearchRequest {
  table: string;
  column: string;
  vector: number[];
  k: number;
  where?: string | null;
  params?: unknown[] | null;
  exact?: boolean | null;
}

export interface SearchHit {
  key: string;
  /** COSINE: 1 − cos θ; L2: Euclidean distance; IP: −q·v. Smaller is nearer. */
  distance: number;
}

export interface SearchOutcome {
  hits: SearchHit[];
  strategy: SearchStrategy;
  /**
   * Rows that pass the filter: those with a vector on the exact plan, all
   * passing rows on the graph plan, and every indexed row without a filter.
   */
  candidates: number;
}

/** The kernel layer's metric for each index metric. */
const KERNEL_METRIC: Record<VectorMetricName, VectorMetric> = { COSINE: 'cos', L2: 'l2sq', IP: 'ip' };

/**
 * Converts a raw distance to the reported one. The kernel layer returns
 * cos = 1 − cos θ, l2sq = squared distance and ip = −q·v; usearch 2.26
 * returns the same except ip, which it reports as 1 − q·v.
 */
function reportDistance(metric: VectorMetricName, raw: number, fromHnsw: boolean): number {
  if (metric === 'L2') return Math.sqrt(Math.max(raw, 0));
  if (metric === 'IP' && fromHnsw) return raw - 1;
  return raw;
}

/**
 * Multiply-adds per query up to which a filtered search runs exactly: 2^21,
 * about 5,500 rows at 384 dimensions. It was measured on 2 shared cores
 * (Node 20, 100,000 × 384 clustered rows) when each exact search still
 * copied its candidates: 10,000 × 384 candidates took about 30 ms, the graph
 * plan with its filter check about 10 ms.
 * NOTE: exact search now scores the resident copy without a copy, so this
 * estimate is conservative and has not been re-measured.
 */
const EXACT_MAX_WORK = 2 ** 21;

/** Over-fetch factor of the first filtered HNSW search, above k divided by the filter's selectivity. */
const OVERFETCH = 2;

export class VectorSearch {
  constructor(
    private readonly store: DataStore,
    private readonly indexes: VectorIndexes,
    private readonly limits: DataLimits,
  ) {}

  /** Validates a query vector and k against the index and limits. */
  private checkRequest(index: ColumnIndex, request: VectorSearchRequest): Float32Array {
    if (!Number.isInteger(request.k) || request.k < 1 || request.k > this.limits.maxK) {
      throw new InputError(`k must be an integer from 1 to ${this.limits.maxK} (SCIFED_DATA_MAX_K), got ${request.k}.`);
    }
    if (request.vector.length !== index.dim) {
      throw new InputError(`vector has ${request.vector.length} components, but column ${JSON.stringify(index.column.name)} holds vectors of dimension ${index.dim}.`);
    }
    const bad = request.vector.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw new InputError(`vector component ${bad} is ${request.vector[bad]}; every component must be a finite number.`);
    return Float32Array.from(request.vector);
  }

  async search(table: TableRecord, request: VectorSearchRequest): Promise<SearchOutcome> {
    const index = this.indexes.require(table, request.column);
    const query = this.checkRequest(index, request);
    const k = request.k;
    const where = request.where?.trim();

    if (!where) {
      if (request.exact) return { hits: this.exact(index, query, k, index.liveSlots()), strategy: 'EXACT', candidates: index.size };
      return { hits: this.hnsw(index, query, Math.min(k, index.size)).slice(0, k), strategy: 'HNSW', candidates: index.size };
    }

    const filter = { where, params: (request.params ?? []).map((value, i) => parameterValue(value, i)) };

    // One statement returns the label of every passing row. From here on the
    // search runs synchronously, so no write can free or reuse a slot between
    // the label lookup and reading the hits' keys.
    const passing = await this.store.labelPartsWhere(table, filter, this.limits.sqlTimeoutMs);
    const slots = slotsOfParts(index, passing.high, passing.low, passing.count);
    if (request.exact || slots.length <= this.exactRowLimit(index)) {
      return { hits: this.exact(index, query, k, slots), strategy: 'EXACT_FILTERED', candidates: slots.length };
    }

    // Many rows pass: search the graph for k / selectivity neighbours and keep
    // those whose slot passes, growing the fetch until k pass or the graph is exhausted.
    const passes = new Uint8Array(index.keys.length);
    for (const slot of slots) passes[slot] = 1;
    const selectivity = slots.length / Math.max(index.size, 1);
    let fetch = Math.min(index.size, Math.ceil((k / selectivity) * OVERFETCH));
    let hits: SearchHit[] = [];
    for (;;) {
      hits = this.hnsw(index, query, fetch, passes, k);
      if (hits.length >= k || fetch >= index.size) break;
      fetch = Math.min(index.size, fetch * 4);
    }
    if (hits.length < Math.min(k, slots.length)) {
      // The graph missed passing rows even at full fetch, so search those rows exactly.
      return { hits: this.exact(index, query, k, slots), strategy: 'EXACT_FILTERED', candidates: slots.length };
    }
    return { hits, strategy: 'HNSW_FILTERED', candidates: slots.length };
  }

  /**
   * Most passing rows for which the exact plan is chosen: SCIFED_DATA_EXACT_MAX_ROWS,
   * lowered so that rows × dim stays within EXACT_MAX_WORK.
   */
  exactRowLimit(index: ColumnIndex): number {
    return Math.max(1, Math.min(this.limits.exactMaxRows, Math.floor(EXACT_MAX_WORK / index.dim)));
  }

  /**
   * HNSW neighbours in distance order, at most `limit` of them, keeping only
   * rows whose slot is marked in `passes` when it is given.
   */
  private hnsw(index: ColumnIndex, query: Float32Array, count: number, passes?: Uint8Array, limit = count): SearchHit[] {
    if (count === 0) return [];
    const matches = index.hnsw.search(query, count, 0);
    // usearch returns labels as a BigUint64Array; its little-endian 32-bit halves are looked up without a BigInt.
    const halves = new Int32Array(matches.keys.buffer, matches.keys.byteOffset, matches.keys.length * 2);
    const hits: SearchHit[] = [];
    for (let i = 0; i < matches.keys.length && hits.length < limit; i++) {
      const slot = index.slotOf.getParts(halves[2 * i + 1], halves[2 * i]);
      if (slot < 0 || (passes && passes[slot] !== 1)) continue;
      hits.push({ key: index.keys[slot]!, distance: reportDistance(index.config.metric, matches.distances[i], true) });
    }
    return hits;
  }

  /** Exact top-k over the given slots, scored in place in the index's resident copy of its vectors. */
  private exact(index: ColumnIndex, query: Float32Array, k: number, slots: Int32Array): SearchHit[] {
    if (slots.length === 0) return [];
    const result = index.residentVectors().search({ queries: query, k: Math.min(k, slots.length), metric: KERNEL_METRIC[index.config.metric], candidates: slots });
    const hits: SearchHit[] = [];
    for (let i = 0; i < result.k; i++) {
      hits.push({ key: index.keys[result.indices[i]]!, distance: reportDistance(index.config.metric, result.distances[i], false) });
    }
    return hits;
  }
}

/** Slots of the labels given as 32-bit halves, skipping labels without a slot (rows without a vector, or deleted since). */
function slotsOfParts(index: ColumnIndex, high: Int32Array, low: Int32Array, count: number): Int32Array {
  const slots = new Int32Array(count);
  let n = 0;
  for (let i = 0; i < count; i++) {
    const slot = index.slotOf.getParts(high[i], low[i]);
    if (slot >= 0) slots[n++] = slot;
  }
  return slots.subarray(0, n);
}
