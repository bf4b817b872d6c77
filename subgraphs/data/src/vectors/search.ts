import { DuckDBTypeId, type DuckDBValue } from '@duckdb/node-api';
import type { VectorMetric } from '@scifed/compute';
import { InputError } from '@scifed/schema';

import type { DataLimits } from '../limits.js';
import { checkFilterShape } from '../sql/filter.js';
import { parameterValue } from '../sql/service.js';
import type { DataStore, LabelList, TableRecord } from '../store.js';
import { badVectorComponent } from '../tables/columns.js';
import type { FilterCache, SlotSet } from './filter-cache.js';
import type { ColumnIndex, VectorIndexes, VectorMetricName } from './indexes.js';
import { bucket } from './label-slots.js';

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
  /** Whether the filter's passing rows came from the filter cache rather than a SQL statement. */
  filterCached: boolean;
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

/** Filters remembered as checked boolean conditions; the set is emptied when it reaches this size. */
const CHECKED_FILTERS_MAX = 1024;

export class VectorSearch {
  /** Table name, creation time and filter text of filters already typed as BOOLEAN. */
  private readonly checkedFilters = new Set<string>();

  constructor(
    private readonly store: DataStore,
    private readonly indexes: VectorIndexes,
    private readonly limits: DataLimits,
    readonly filters: FilterCache,
  ) {}

  /** Validates a query vector and k against the index and limits. */
  private checkRequest(index: ColumnIndex, request: VectorSearchRequest): Float32Array {
    if (!Number.isInteger(request.k) || request.k < 1 || request.k > this.limits.maxK) {
      throw new InputError(`k must be an integer from 1 to ${this.limits.maxK} (SCIFED_DATA_MAX_K), got ${request.k}.`);
    }
    if (request.vector.length !== index.dim) {
      throw new InputError(`vector has ${request.vector.length} components, but column ${JSON.stringify(index.column.name)} holds vectors of dimension ${index.dim}.`);
    }
    const bad = badVectorComponent(request.vector);
    if (bad >= 0) {
      throw new InputError(`vector component ${bad} is ${request.vector[bad]}; every component must be a finite number within ±1e15, so scale the vector down.`);
    }
    if (index.config.metric === 'COSINE' && request.vector.every((x) => x === 0)) {
      throw new InputError('vector is all zeros, which has no direction, so its cosine distance to every row is undefined; send a nonzero vector.');
    }
    return Float32Array.from(request.vector);
  }

  async search(table: TableRecord, request: VectorSearchRequest): Promise<SearchOutcome> {
    const index = this.indexes.require(table, request.column);
    const query = this.checkRequest(index, request);
    const k = request.k;
    const where = request.where?.trim();

    if (!where) {
      if (request.exact) return { hits: this.exact(index, query, k, index.liveSlots()), strategy: 'EXACT', candidates: index.size, filterCached: false };
      const near = this.neighbours(index, query, Math.min(k, index.size));
      return { hits: this.hits(index, near, k), strategy: 'HNSW', candidates: index.size, filterCached: false };
    }

    const filter = { where, params: (request.params ?? []).map((value, i) => parameterValue(value, i)) };
    await this.checkFilter(table, filter);

    // One statement returns the label of every passing row. From here on the
    // search runs synchronously, so no write can free or reuse a slot between
    // the label lookup and reading the hits' keys.
    // NOTE: that statement dominates a filter seen for the first time: about
    // 3 to 4 ms for 30,000 passing rows of 300,000 on 2 cores, against under
    // 1 ms for the rest of the search once the filter is cached.
    const {
      labels: passing,
      cached: filterCached,
      entry,
    } = await this.filters.labels(table, where, request.params ?? [], () => this.store.labelListWhere(table, filter, this.limits.sqlTimeoutMs));
    // A filter used again keeps its labels mapped to this index's slots.
    const slotSet = entry && this.filters.slotSet(entry, index, () => buildSlotSet(index, passing));
    if (request.exact || passing.count <= this.exactRowLimit(index)) {
      const slots = slotSet?.slots ?? slotsOf(index, passing);
      return { hits: this.exact(index, query, k, slots), strategy: 'EXACT_FILTERED', candidates: slots.length, filterCached };
    }

    // Many rows pass: search the graph for k / selectivity neighbours and keep
    // those that pass, growing the fetch until k pass or the graph is exhausted.
    // `passing.count` may include rows without a vector, so it bounds the selectivity from above.
    const selectivity = Math.min(1, passing.count / Math.max(index.size, 1));
    let fetch = Math.min(index.size, Math.ceil((k / selectivity) * OVERFETCH));
    let hits: SearchHit[] = [];
    for (;;) {
      const near = this.neighbours(index, query, fetch);
      const accepts = slotSet ? markedIn(slotSet.marks) : probedIn(markPassing(near.halves, near.found, passing));
      hits = this.hits(index, near, k, accepts);
      if (hits.length >= k || fetch >= index.size) break;
      fetch = Math.min(index.size, fetch * 4);
    }
    if (hits.length < k) {
      // The graph missed passing rows even at full fetch, so search those rows exactly.
      const slots = slotSet?.slots ?? slotsOf(index, passing);
      if (hits.length < Math.min(k, slots.length)) {
        return { hits: this.exact(index, query, k, slots), strategy: 'EXACT_FILTERED', candidates: slots.length, filterCached };
      }
    }
    return { hits, strategy: 'HNSW_FILTERED', candidates: passing.count, filterCached };
  }

  /**
   * Rejects a filter that is not one boolean condition: see
   * checkFilterShape, then DuckDB's type of the expression, which must be
   * BOOLEAN (DuckDB itself would cast a number or a string in WHERE). The
   * type is looked up once per table (as created) and filter text.
   */
  async checkFilter(table: TableRecord, filter: { where: string; params: DuckDBValue[] }): Promise<void> {
    checkFilterShape(filter.where);
    const key = JSON.stringify([table.name, table.createdAt.getTime(), filter.where]);
    if (this.checkedFilters.has(key)) return;
    const type = await this.store.filterType(table, filter, this.limits.sqlTimeoutMs);
    if (type.typeId !== DuckDBTypeId.BOOLEAN) {
      throw new InputError(`where ${JSON.stringify(filter.where)} has type ${type.toString()}, not BOOLEAN; write a condition such as score > 0.5 or category = $1.`);
    }
    if (this.checkedFilters.size >= CHECKED_FILTERS_MAX) this.checkedFilters.clear();
    this.checkedFilters.add(key);
  }

  /**
   * Most passing rows for which the exact plan is chosen: SCIFED_DATA_EXACT_MAX_ROWS,
   * lowered so that rows × dim stays within EXACT_MAX_WORK.
   */
  exactRowLimit(index: ColumnIndex): number {
    return Math.max(1, Math.min(this.limits.exactMaxRows, Math.floor(EXACT_MAX_WORK / index.dim)));
  }

  /** Searches the HNSW graph for the `count` nearest neighbours, with labels as 32-bit halves. */
  private neighbours(index: ColumnIndex, query: Float32Array, count: number): Neighbours {
    if (count === 0) return { halves: new Int32Array(0), distances: new Float32Array(0), found: 0 };
    const matches = index.hnsw.search(query, count, 1);
    return { halves: labelHalves(matches.keys), distances: matches.distances, found: matches.keys.length };
  }

  /** Returns the first `limit` neighbours that have a slot and that `accepts` takes (by position and slot), in distance order. */
  private hits(index: ColumnIndex, near: Neighbours, limit: number, accepts?: (position: number, slot: number) => boolean): SearchHit[] {
    const hits: SearchHit[] = [];
    for (let i = 0; i < near.found && hits.length < limit; i++) {
      const slot = index.slotOf.getParts(near.halves[2 * i + 1], near.halves[2 * i]);
      if (slot < 0 || (accepts && !accepts(i, slot))) continue;
      hits.push({ key: index.keys[slot]!, distance: reportDistance(index.config.metric, near.distances[i], true) });
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

/** usearch's BigUint64Array of labels as little-endian 32-bit halves, read without a BigInt per label. */
function labelHalves(keys: BigUint64Array): Int32Array {
  return new Int32Array(keys.buffer, keys.byteOffset, keys.length * 2);
}

/** Slots of the listed labels, skipping labels without a slot (rows without a vector, or deleted since). */
function slotsOf(index: ColumnIndex, labels: LabelList): Int32Array {
  const { parts, count } = labels;
  const slots = new Int32Array(count);
  let n = 0;
  for (let i = 0; i < count; i++) {
    const slot = index.slotOf.getParts(parts[2 * i + 1], parts[2 * i]);
    if (slot >= 0) slots[n++] = slot;
  }
  return slots.subarray(0, n);
}

/** HNSW neighbours in distance order: labels as little-endian 32-bit halves, and raw usearch distances. */
interface Neighbours {
  halves: Int32Array;
  distances: Float32Array;
  found: number;
}

/** Accepts a neighbour whose slot is set in the bitset `marks`. */
function markedIn(marks: Uint32Array): (position: number, slot: number) => boolean {
  return (_, slot) => (marks[slot >>> 5] & (1 << (slot & 31))) !== 0;
}

/**
 * Accepts a neighbour that markPassing marked. The neighbours' labels go into
 * a small hash table that every passing label probes, so the cost grows with
 * the passing rows but each probe stays in cache, unlike a lookup in the
 * index's label table.
 */
function probedIn(passed: Uint8Array): (position: number, slot: number) => boolean {
  return (position) => passed[position] === 1;
}

/** Maps a filter's labels to the index's slots, as a list and as a bitset over every slot. */
function buildSlotSet(index: ColumnIndex, labels: LabelList): SlotSet {
  const slots = slotsOf(index, labels);
  const marks = new Uint32Array(Math.ceil(index.keys.length / 32));
  for (const slot of slots) marks[slot >>> 5] |= 1 << (slot & 31);
  return { slotsVersion: index.slotsVersion, slots, marks };
}

/**
 * Marks which of `found` labels (as halves, low first) occur in `passing`:
 * an open-addressing table of the found labels, at most half full, probed
 * once per passing label.
 */
export function markPassing(halves: Int32Array, found: number, passing: LabelList): Uint8Array {
  let size = 16;
  while (size < found * 2) size *= 2;
  const mask = size - 1;
  // Entry j is 1 + the index of a found label, or 0 when empty.
  const table = new Int32Array(size);
  for (let i = 0; i < found; i++) {
    let j = bucket(halves[2 * i + 1], halves[2 * i]) & mask;
    while (table[j] !== 0) j = (j + 1) & mask;
    table[j] = i + 1;
  }
  const passed = new Uint8Array(found);
  const { parts, count } = passing;
  for (let p = 0; p < count; p++) {
    const low = parts[2 * p];
    const high = parts[2 * p + 1];
    for (let j = bucket(high, low) & mask; table[j] !== 0; j = (j + 1) & mask) {
      const i = table[j] - 1;
      if (halves[2 * i] === low && halves[2 * i + 1] === high) {
        passed[i] = 1;
        break;
      }
    }
  }
  return passed;
}
