import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { DuckDBArrayValue, DuckDBValue } from '@duckdb/node-api';
import { ResidentVectors } from '@scifed/compute';
import { InputError, logger } from '@scifed/schema';
import { Index, MetricKind, ScalarKind } from 'usearch';

import type { DataStore, TableRecord } from '../store.js';
import { findColumn, type ColumnSpec } from '../tables/columns.js';
import type { RowListener, TableService } from '../tables/service.js';
import { LabelSlots } from './label-slots.js';

export type VectorMetricName = 'COSINE' | 'L2' | 'IP';
export type Quantization = 'F32' | 'F16' | 'I8';
export const VECTOR_METRICS: readonly VectorMetricName[] = ['COSINE', 'L2', 'IP'];
export const QUANTIZATIONS: readonly Quantization[] = ['F32', 'F16', 'I8'];

/** HNSW parameters of one index; defaults are usearch's (connectivity 16, expansions 128 and 64). */
export interface IndexConfig {
  metric: VectorMetricName;
  connectivity: number;
  expansionAdd: number;
  expansionSearch: number;
  quantization: Quantization;
}

export const DEFAULT_INDEX_CONFIG: Omit<IndexConfig, 'metric'> = { connectivity: 16, expansionAdd: 128, expansionSearch: 64, quantization: 'F32' };

const USEARCH_METRIC: Record<VectorMetricName, MetricKind> = { COSINE: MetricKind.Cos, L2: MetricKind.L2sq, IP: MetricKind.IP };
const USEARCH_SCALAR: Record<Quantization, ScalarKind> = { F32: ScalarKind.F32, F16: ScalarKind.F16, I8: ScalarKind.I8 };

/** Stamp written beside an index file, compared with the table at start-up to detect a stale index. */
interface IndexStamp {
  count: number;
  checksum: string;
  dimension: number;
  config: IndexConfig;
}

/**
 * One vector column's index: a usearch HNSW graph keyed by row label, and a
 * float32 copy of every vector in slots for exact search through the kernel
 * layer. Slot i contains the vector of `keys[i]`, and freed slots are reused.
 */
export class ColumnIndex {
  readonly hnsw: Index;
  /** Row-major capacity × dim; only live slots hold meaningful rows. */
  base: Float32Array;
  keys: (string | null)[] = [];
  labels: bigint[] = [];
  readonly slotOf = new LabelSlots();
  private readonly free: number[] = [];
  /** Incremented whenever a slot's vector changes, so the resident copy knows it is stale. */
  private generation = 0;
  /** Incremented whenever a label gains, changes or loses its slot, so slot sets derived from labels know they are stale. */
  slotsVersion = 0;
  private residentGeneration = -1;
  private readonly resident: ResidentVectors;
  /** Seconds the last full build took (0 when loaded from file). */
  buildSeconds = 0;

  constructor(
    readonly table: string,
    readonly column: ColumnSpec,
    readonly config: IndexConfig,
    readonly file: string,
  ) {
    this.hnsw = new Index({
      dimensions: column.dimension!,
      metric: USEARCH_METRIC[config.metric],
      quantization: USEARCH_SCALAR[config.quantization],
      connectivity: config.connectivity,
      expansion_add: config.expansionAdd,
      expansion_search: config.expansionSearch,
      multi: false,
    } as ConstructorParameters<typeof Index>[0]);
    this.base = new Float32Array(1024 * column.dimension!);
    this.resident = new ResidentVectors(column.dimension!);
  }

  /**
   * The slot vectors (up to the highest slot ever used) resident in
   * WebAssembly memory, refreshed after any change, for exact search
   * through candidate slots without a per-query copy.
   * NOTE: the resident copy doubles the memory of the vectors (about 150 MiB
   * more at 300,000 × 128), and a write makes the next search copy it again.
   */
  residentVectors(): ResidentVectors {
    if (this.residentGeneration !== this.generation) {
      this.resident.setBase(this.base.subarray(0, this.keys.length * this.dim));
      this.residentGeneration = this.generation;
    }
    return this.resident;
  }

  get dim(): number {
    return this.column.dimension!;
  }

  get size(): number {
    return this.slotOf.size;
  }

  /** Slots of every live row, for an unfiltered exact search. */
  liveSlots(): Int32Array {
    return Int32Array.from(this.slotOf.values());
  }

  /** Stores vectors in slots (replacing a label's old slot) without touching the HNSW graph. */
  putSlots(labels: bigint[], keys: string[], vectors: Float32Array): void {
    const dim = this.dim;
    this.generation++;
    this.slotsVersion++;
    for (let i = 0; i < labels.length; i++) {
      let slot = this.slotOf.get(labels[i]);
      if (slot === undefined) {
        slot = this.free.pop() ?? this.keys.length;
        if (slot === this.keys.length) {
          this.keys.push(null);
          this.labels.push(0n);
        }
        this.slotOf.set(labels[i], slot);
      }
      if ((slot + 1) * dim > this.base.length) {
        const grown = new Float32Array(Math.max(this.base.length * 2, (slot + 1) * dim));
        grown.set(this.base);
        this.base = grown;
      }
      this.base.set(vectors.subarray(i * dim, (i + 1) * dim), slot * dim);
      this.keys[slot] = keys[i];
      this.labels[slot] = labels[i];
    }
  }

  /** Adds or replaces vectors in both the slots and the HNSW graph. */
  upsert(labels: bigint[], keys: string[], vectors: Float32Array): void {
    const present = labels.filter((label) => this.slotOf.has(label));
    if (present.length > 0) this.hnsw.remove(BigUint64Array.from(present));
    this.putSlots(labels, keys, vectors);
    if (labels.length > 0) this.hnsw.add(BigUint64Array.from(labels), vectors);
  }

  remove(labels: bigint[]): void {
    const present = labels.filter((label) => this.slotOf.has(label));
    if (present.length === 0) return;
    this.slotsVersion++;
    this.hnsw.remove(BigUint64Array.from(present));
    for (const label of present) {
      const slot = this.slotOf.get(label)!;
      this.slotOf.delete(label);
      this.keys[slot] = null;
      this.free.push(slot);
    }
  }
}

/**
 * The vector indexes of every table: created, loaded or rebuilt at start-up,
 * and kept in step with row changes as a RowListener. Index files live
 * beside the DuckDB file as `data.<table>.<column>.usearch`, each with a
 * `.json` stamp of the row count and checksum it was built from.
 */
export class VectorIndexes implements RowListener {
  private readonly indexes = new Map<string, ColumnIndex>();

  constructor(
    private readonly store: DataStore,
    private readonly tables: TableService,
  ) {}

  private static id(table: string, column: string): string {
    return `${table}\u0000${column}`;
  }

  private fileFor(table: string, column: string): string {
    return path.join(path.dirname(this.store.db.file), `data.${table}.${column}.usearch`);
  }

  get(table: string, column: string): ColumnIndex | undefined {
    return this.indexes.get(VectorIndexes.id(table, column));
  }

  /** Index of a VECTOR column, or BAD_USER_INPUT naming the fix. */
  require(table: TableRecord, column: string): ColumnIndex {
    const spec = findColumn(table, column);
    if (spec.type !== 'VECTOR') throw new InputError(`column ${JSON.stringify(column)} has type ${spec.type}; vector search needs a VECTOR column.`);
    const index = this.get(table.name, column);
    if (!index) {
      throw new InputError(`column ${JSON.stringify(column)} of table ${JSON.stringify(table.name)} has no vector index; create one with createVectorIndex.`);
    }
    return index;
  }

  forTable(table: string): ColumnIndex[] {
    return [...this.indexes.values()].filter((index) => index.table === table);
  }

  /** Loads every catalogued index, rebuilding those whose file is missing or stale. */
  async openAll(): Promise<void> {
    for (const record of await this.store.vectorIndexes()) {
      const [table] = await this.store.tablesByNames([record.table]);
      if (!table) continue;
      await this.open(table, findColumn(table, record.column), record.config as unknown as IndexConfig, false);
    }
  }

  /** Creates (or re-creates with a new config) the index of a VECTOR column and builds it. */
  async create(tableName: string, columnName: string, config: IndexConfig): Promise<ColumnIndex> {
    const table = await this.tables.requireTable(tableName);
    const column = findColumn(table, columnName);
    if (column.type !== 'VECTOR') throw new InputError(`column ${JSON.stringify(columnName)} has type ${column.type}; only a VECTOR column can be indexed.`);
    if (!VECTOR_METRICS.includes(config.metric)) throw new InputError(`metric ${JSON.stringify(config.metric)} is unknown; use one of ${VECTOR_METRICS.join(', ')}.`);
    for (const [name, value] of [['connectivity', config.connectivity], ['expansionAdd', config.expansionAdd], ['expansionSearch', config.expansionSearch]] as const) {
      if (!Number.isInteger(value) || value < 2 || value > 4096) throw new InputError(`${name} must be an integer from 2 to 4096, got ${value}.`);
    }
    this.removeFiles(table.name, column.name);
    this.indexes.delete(VectorIndexes.id(table.name, column.name));
    await this.store.saveVectorIndex(table.name, column.name, config as unknown as Record<string, unknown>);
    return this.open(table, column, config, true);
  }

  async drop(tableName: string, columnName: string): Promise<boolean> {
    const removed = await this.store.deleteVectorIndexes(tableName, columnName);
    this.indexes.delete(VectorIndexes.id(tableName, columnName));
    this.removeFiles(tableName, columnName);
    return removed > 0;
  }

  private removeFiles(table: string, column: string): void {
    const file = this.fileFor(table, column);
    rmSync(file, { force: true });
    rmSync(`${file}.json`, { force: true });
  }

  private async open(table: TableRecord, column: ColumnSpec, config: IndexConfig, forceBuild: boolean): Promise<ColumnIndex> {
    const file = this.fileFor(table.name, column.name);
    const index = new ColumnIndex(table.name, column, config, file);
    await this.store.scanVectors(table, column, (labels, keys, vectors) => index.putSlots(labels, keys, vectors));

    const current = await this.store.vectorChecksum(table, column.name);
    const stamp = readStamp(`${file}.json`);
    const fresh =
      !forceBuild &&
      existsSync(file) &&
      stamp !== undefined &&
      stamp.count === current.count &&
      stamp.checksum === current.checksum &&
      stamp.dimension === column.dimension &&
      JSON.stringify(stamp.config) === JSON.stringify(config);

    if (fresh) {
      index.hnsw.load(file);
    } else {
      const started = performance.now();
      if (index.size > 0) {
        const slots = index.liveSlots();
        const labels = BigUint64Array.from(slots, (slot) => index.labels[slot]);
        const vectors = new Float32Array(slots.length * index.dim);
        slots.forEach((slot, i) => vectors.set(index.base.subarray(slot * index.dim, (slot + 1) * index.dim), i * index.dim));
        index.hnsw.add(labels, vectors);
      }
      index.buildSeconds = (performance.now() - started) / 1000;
      if (!forceBuild) logger.info({ table: table.name, column: column.name, rows: index.size, reason: stamp ? 'stale' : 'missing' }, 'rebuilt vector index');
      this.persist(index, current);
    }
    this.indexes.set(VectorIndexes.id(table.name, column.name), index);
    return index;
  }

  private persist(index: ColumnIndex, current: { count: number; checksum: string }): void {
    index.hnsw.save(index.file);
    const stamp: IndexStamp = { ...current, dimension: index.dim, config: index.config };
    writeFileSync(`${index.file}.json`, JSON.stringify(stamp));
  }

  // NOTE: every write batch saves the whole index file (and rehashes the
  // column for the stamp), so many small writes to a large index are slow.
  // Batch writes, or defer the save, when that matters.
  private async persistTable(table: TableRecord, touched: ColumnIndex[]): Promise<void> {
    for (const index of touched) this.persist(index, await this.store.vectorChecksum(table, index.column.name));
  }

  // ---- RowListener ----

  async rowsWritten(table: TableRecord, keys: string[], rows: DuckDBValue[][]): Promise<void> {
    const indexes = this.forTable(table.name);
    if (indexes.length === 0 || keys.length === 0) return;
    const labels = await this.store.labelsOfKeys(table, keys);
    for (const index of indexes) {
      const c = table.columns.findIndex((spec) => spec.name === index.column.name);
      const withVector: number[] = [];
      const withoutVector: bigint[] = [];
      rows.forEach((row, i) => (row[c] === null ? withoutVector.push(labels[i]) : withVector.push(i)));
      const vectors = new Float32Array(withVector.length * index.dim);
      withVector.forEach((i, j) => vectors.set((rows[i][c] as DuckDBArrayValue).items as number[], j * index.dim));
      // A row whose vector became NULL leaves the index.
      index.remove(withoutVector);
      index.upsert(withVector.map((i) => labels[i]), withVector.map((i) => keys[i]), vectors);
    }
    await this.persistTable(table, indexes);
  }

  async rowsDeleted(table: TableRecord, keys: string[]): Promise<void> {
    const indexes = this.forTable(table.name);
    if (indexes.length === 0 || keys.length === 0) return;
    const labels = await this.store.labelsOfKeys(table, keys);
    for (const index of indexes) index.remove(labels);
    await this.persistTable(table, indexes);
  }

  async tableDropped(table: TableRecord): Promise<void> {
    for (const index of this.forTable(table.name)) {
      this.indexes.delete(VectorIndexes.id(table.name, index.column.name));
      this.removeFiles(table.name, index.column.name);
    }
    await this.store.deleteVectorIndexes(table.name);
  }
}

function readStamp(file: string): IndexStamp | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as IndexStamp;
  } catch {
    return undefined;
  }
}
