import { InputError } from '@scifed/schema';
import type { DuckDBValue } from '@duckdb/node-api';

import type { DataLimits } from '../limits.js';
import { parameterValue } from '../sql/service.js';
import type { DataStore, TableRecord } from '../store.js';
import { findColumn } from '../tables/columns.js';
import { TextIndex } from '../text/bm25.js';
import type { RowListener } from '../tables/service.js';
import type { SearchStrategy, VectorSearch } from './search.js';

export type Fusion = 'RRF' | 'WEIGHTED';
export const FUSIONS: readonly Fusion[] = ['RRF', 'WEIGHTED'];

/** The RRF constant of Cormack, Clarke and Büttcher (SIGIR 2009): score = Σ w / (60 + rank), ranks from 1. */
export const RRF_K = 60;

export interface HybridRequest {
  table: string;
  textColumn: string;
  query: string;
  vectorColumn: string;
  vector: number[];
  k: number;
  where?: string | null;
  params?: unknown[] | null;
  fusion?: Fusion | null;
  weights?: { text: number; vector: number } | null;
}

export interface HybridHit {
  key: string;
  score: number;
  textRank: number | null;
  textScore: number | null;
  vectorRank: number | null;
  vectorDistance: number | null;
}

/** Candidates each list contributes before fusion, as a multiple of k (at least 50). */
const CANDIDATE_FACTOR = 4;

/**
 * BM25 over a text column fused with vector similarity. Each list is ranked
 * separately over the rows that pass `where`, then fused by reciprocal rank
 * (RRF) or by weighted min-max normalised scores (WEIGHTED: BM25 score and
 * −distance, each mapped to [0, 1] over its own candidates).
 */
export class HybridSearch implements RowListener {
  /** BM25 indexes by table and column, dropped whenever the table changes. */
  private readonly textIndexes = new Map<string, TextIndex>();

  constructor(
    private readonly store: DataStore,
    private readonly vectors: VectorSearch,
    private readonly limits: DataLimits,
  ) {}

  /**
   * Forgets the BM25 indexes of a table (called after every write).
   * NOTE: the next search rebuilds the index from the whole column, which
   * costs a full scan per write on tables that change between searches.
   */
  invalidate(table: string): void {
    for (const id of [...this.textIndexes.keys()]) if (id.startsWith(`${table}\u0000`)) this.textIndexes.delete(id);
  }

  async rowsWritten(table: TableRecord): Promise<void> {
    this.invalidate(table.name);
  }

  async rowsDeleted(table: TableRecord): Promise<void> {
    this.invalidate(table.name);
  }

  async tableDropped(table: TableRecord): Promise<void> {
    this.invalidate(table.name);
  }

  private async textIndex(table: TableRecord, column: string): Promise<TextIndex> {
    const id = `${table.name}\u0000${column}`;
    let index = this.textIndexes.get(id);
    if (!index) {
      const built = new TextIndex();
      await this.store.scanText(table, column, (label, key, text) => built.add(key, label, text));
      this.textIndexes.set(id, built);
      index = built;
    }
    return index;
  }

  async search(table: TableRecord, request: HybridRequest): Promise<{ hits: HybridHit[]; vectorStrategy: SearchStrategy }> {
    if (!Number.isInteger(request.k) || request.k < 1 || request.k > this.limits.maxK) {
      throw new InputError(`k must be an integer from 1 to ${this.limits.maxK} (SCIFED_DATA_MAX_K), got ${request.k}.`);
    }
    const textColumn = findColumn(table, request.textColumn);
    if (textColumn.type !== 'VARCHAR' && textColumn.type !== 'JSON') {
      throw new InputError(`textColumn ${JSON.stringify(textColumn.name)} has type ${textColumn.type}; BM25 needs a VARCHAR or JSON column.`);
    }
    const weights = request.weights ?? { text: 1, vector: 1 };
    if (!(weights.text >= 0 && weights.vector >= 0 && weights.text + weights.vector > 0)) {
      throw new InputError(`weights must be non-negative and not both zero, got text ${weights.text} and vector ${weights.vector}.`);
    }
    const fetch = Math.min(this.limits.maxK, Math.max(50, request.k * CANDIDATE_FACTOR));

    const vectorOutcome = await this.vectors.search(table, {
      table: table.name,
      column: request.vectorColumn,
      vector: request.vector,
      k: fetch,
      where: request.where,
      params: request.params,
    });

    const text = await this.textIndex(table, textColumn.name);
    let allowed: ((doc: number) => boolean) | undefined;
    const where = request.where?.trim();
    if (where) {
      const filter = { where, params: (request.params ?? []).map((value, i) => parameterValue(value, i)) as DuckDBValue[] };
      const { labels } = await this.store.labelsWhere(table, filter, { maxRows: text.size, timeoutMs: this.limits.sqlTimeoutMs });
      const pass = new Set(labels);
      allowed = (doc) => pass.has(text.labels[doc]);
    }
    const textHits = text.search(request.query, fetch, allowed);

    const fused = new Map<string, HybridHit>();
    const entry = (key: string) => {
      let hit = fused.get(key);
      if (!hit) fused.set(key, (hit = { key, score: 0, textRank: null, textScore: null, vectorRank: null, vectorDistance: null }));
      return hit;
    };
    textHits.forEach(({ doc, score }, i) => Object.assign(entry(text.keys[doc]), { textRank: i + 1, textScore: score }));
    vectorOutcome.hits.forEach(({ key, distance }, i) => Object.assign(entry(key), { vectorRank: i + 1, vectorDistance: distance }));

    if (request.fusion === 'WEIGHTED') {
      const textNorm = minMax(textHits.map((hit) => hit.score));
      const vectorNorm = minMax(vectorOutcome.hits.map((hit) => -hit.distance));
      for (const hit of fused.values()) {
        hit.score =
          (hit.textScore !== null ? weights.text * textNorm(hit.textScore) : 0) +
          (hit.vectorDistance !== null ? weights.vector * vectorNorm(-hit.vectorDistance) : 0);
      }
    } else {
      for (const hit of fused.values()) {
        hit.score =
          (hit.textRank !== null ? weights.text / (RRF_K + hit.textRank) : 0) +
          (hit.vectorRank !== null ? weights.vector / (RRF_K + hit.vectorRank) : 0);
      }
    }
    const hits = [...fused.values()].sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : 1)).slice(0, request.k);
    return { hits, vectorStrategy: vectorOutcome.strategy };
  }
}

/** Maps values to [0, 1] by the min and max of `values`; all-equal values map to 1. */
function minMax(values: number[]): (value: number) => number {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return (value) => (hi > lo ? (value - lo) / (hi - lo) : 1);
}
