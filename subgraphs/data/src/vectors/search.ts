import { searchVectors, type VectorMetric } from '@scifed/compute';
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
 * about 5,500 rows at 384 dimensions. Measured on 2 shared cores (Node 20,
 * 100,000 × 384 clustered rows), gathering and scoring 10,000 × 384
 * candidates took about 30 ms, while the graph plan with its filter check
 * took about 10 ms; an estimate, not a tuned constant.
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
      if (request.exact) return { hits: await this.exact(index, query, k, index.liveSlots()), strategy: 'EXACT', candidates: index.size };
      return { hits: this.hnsw(index, query, Math.min(k, index.size)).slice(0, k), strategy: 'HNSW', candidates: index.size };
    }

    const filter = { where, params: (request.params ?? []).map((value, i) => parameterValue(value, i)) };
    const timeoutMs = this.limits.sqlTimeoutMs;

    // The labels of up to exactMaxRows passing rows decide the plan. When
    // they are all the passing rows, the exact plan runs on them at once.
    // Otherwise many rows pass, and only their count is needed to size the
    // graph's over-fetch.
    const limit = request.exact ? Number.MAX_SAFE_INTEGER : this.exactRowLimit(index);
    const first = await this.store.labelsWhere(table, filter, { maxRows: limit, timeoutMs });
    if (!first.truncated) {
      const slots = this.slotsOf(index, first.labels);
      return { hits: await this.exact(index, query, k, slots), strategy: 'EXACT_FILTERED', candidates: slots.length };
    }
    const passing = await this.store.countWhere(table, filter, timeoutMs);

    // Many rows pass: search the graph for k / selectivity neighbours and keep
    // those that pass, growing the fetch until k pass or the graph is exhausted.
    const selectivity = passing / Math.max(index.size, 1);
    let fetch = Math.min(index.size, Math.ceil((k / selectivity) * OVERFETCH));
    let hits: HnswHit[] = [];
    for (;;) {
      const found = this.hnsw(index, query, fetch);
      const pass = new Set(await this.store.keysWhere(table, filter, found.map((hit) => hit.key), timeoutMs));
      hits = found.filter((hit) => pass.has(hit.key)).slice(0, k);
      if (hits.length >= Math.min(k, passing) || fetch >= index.size) break;
      fetch = Math.min(index.size, fetch * 4);
    }
    if (hits.length < Math.min(k, passing)) {
      // The graph missed passing rows even at full fetch, so search those rows exactly.
      const { labels } = await this.store.labelsWhere(table, filter, { maxRows: passing, timeoutMs });
      return { hits: await this.exact(index, query, k, this.slotsOf(index, labels)), strategy: 'EXACT_FILTERED', candidates: passing };
    }
    return { hits: hits.map(({ key, distance }) => ({ key, distance })), strategy: 'HNSW_FILTERED', candidates: passing };
  }

  /**
   * Most passing rows for which the exact plan is chosen: SCIFED_DATA_EXACT_MAX_ROWS,
   * lowered so that rows × dim stays within EXACT_MAX_WORK.
   */
  exactRowLimit(index: ColumnIndex): number {
    return Math.max(1, Math.min(this.limits.exactMaxRows, Math.floor(EXACT_MAX_WORK / index.dim)));
  }

  private slotsOf(index: ColumnIndex, labels: bigint[]): Int32Array {
    const slots = new Int32Array(labels.length);
    let n = 0;
    for (const label of labels) {
      const slot = index.slotOf.get(label);
      if (slot !== undefined) slots[n++] = slot;
    }
    return slots.subarray(0, n);
  }

  /** HNSW neighbours in distance order, as hits carrying their labels. */
  private hnsw(index: ColumnIndex, query: Float32Array, count: number): HnswHit[] {
    if (count === 0) return [];
    const matches = index.hnsw.search(query, count, 0);
    const hits: HnswHit[] = [];
    for (let i = 0; i < matches.keys.length; i++) {
      const label = BigInt.asIntN(64, matches.keys[i]);
      const slot = index.slotOf.get(label);
      if (slot === undefined) continue;
      hits.push({ key: index.keys[slot]!, label, distance: reportDistance(index.config.metric, matches.distances[i], true) });
    }
    return hits;
  }

  /**
   * Exact top-k over the given slots. The candidate vectors are gathered
   * into one compact matrix first, because the kernel layer validates and
   * copies its whole `base` argument on every call.
   */
  private async exact(index: ColumnIndex, query: Float32Array, k: number, slots: Int32Array): Promise<SearchHit[]> {
    if (slots.length === 0) return [];
    const dim = index.dim;
    const compact = new Float32Array(slots.length * dim);
    for (let i = 0; i < slots.length; i++) compact.set(index.base.subarray(slots[i] * dim, (slots[i] + 1) * dim), i * dim);
    const result = await searchVectors({ base: compact, dim, queries: query, k: Math.min(k, slots.length), metric: KERNEL_METRIC[index.config.metric] });
    const hits: SearchHit[] = [];
    for (let i = 0; i < result.k; i++) {
      hits.push({ key: index.keys[slots[result.indices[i]]]!, distance: reportDistance(index.config.metric, result.distances[i], false) });
    }
    return hits;
  }
}

interface HnswHit extends SearchHit {
  label: bigint;
}
