import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { DuckDBValue } from '@duckdb/node-api';
import { InputError, normalizeFormula } from '@scifed/schema';

import type { DataLimits } from '../limits.js';
import { readParquetRows, type DataStore, type MaterialKey, type TableRecord } from '../store.js';
import { checkIdentifier, checkTableSpec, findColumn, type ColumnSpec } from './columns.js';
import { coerceValue, keyText } from './coerce.js';
import { csvRecords, jsonlRecords, objectRecord, type RawRecord } from './formats.js';

export type ImportFormat = 'CSV' | 'JSONL' | 'PARQUET';
export const IMPORT_FORMATS: readonly ImportFormat[] = ['CSV', 'JSONL', 'PARQUET'];

export type ConflictAction = 'ERROR' | 'REPLACE';

export interface WriteResult {
  table: TableRecord;
  inserted: number;
  replaced: number;
}

/** Rows converted to DuckDB values, in column order, with their keys and sources. */
interface PreparedRows {
  rows: DuckDBValue[][];
  keys: string[];
  positions: string[];
}

/**
 * Observes committed row changes; the vector indexes implement it to stay in
 * step with the tables. `rows` hold DuckDB values in column order.
 */
export interface RowListener {
  rowsWritten(table: TableRecord, keys: string[], rows: DuckDBValue[][]): Promise<void>;
  rowsDeleted(table: TableRecord, keys: string[]): Promise<void>;
  tableDropped(table: TableRecord): Promise<void>;
}

/** Tables and their rows: validation, parsing and coercion around the store. */
export class TableService {
  private readonly listeners: RowListener[] = [];

  constructor(
    readonly store: DataStore,
    readonly limits: DataLimits,
  ) {}

  addListener(listener: RowListener): void {
    this.listeners.push(listener);
  }

  /** The table's catalog record, or NOT_FOUND naming the table. */
  async requireTable(name: string): Promise<TableRecord> {
    const [table] = await this.store.tablesByNames([name]);
    if (!table) throw new InputError(`table ${JSON.stringify(name)} was not found; create it with createTable or list existing ones with tables.`, 'NOT_FOUND');
    return table;
  }

  async createTable(input: { name: string; columns: { name: string; type: string; dimension?: number | null }[]; primaryKey: string }): Promise<TableRecord> {
    return this.store.createTable(checkTableSpec(input, this.limits));
  }

  async dropTable(name: string): Promise<boolean> {
    checkIdentifier(name, 'table name');
    const [table] = await this.store.tablesByNames([name]);
    if (!table) return false;
    const dropped = await this.store.dropTable(name);
    for (const listener of this.listeners) await listener.tableDropped(table);
    return dropped;
  }

  /** Parses `content` in `format` and inserts every row in one transaction. */
  async importRows(tableName: string, format: ImportFormat, content: string, onConflict: ConflictAction = 'ERROR'): Promise<WriteResult> {
    const bytes = Buffer.byteLength(content);
    if (bytes > this.limits.maxImportBytes) {
      throw new InputError(
        `content is ${bytes} bytes, above the import limit of ${this.limits.maxImportBytes} (SCIFED_DATA_MAX_IMPORT_BYTES); split it into several imports.`,
        'PAYLOAD_TOO_LARGE',
      );
    }
    const table = await this.requireTable(tableName);
    const records = await this.parse(table, format, content);
    return this.write(table, records, onConflict);
  }

  /** Inserts rows given as JSON objects (column name to value). */
  async insertRows(tableName: string, rows: unknown[], onConflict: ConflictAction = 'ERROR'): Promise<WriteResult> {
    const table = await this.requireTable(tableName);
    const records = rows.map((row, i) => objectRecord(table, row, `row ${i + 1}`));
    return this.write(table, records, onConflict);
  }

  /** Sets the columns each row names on the existing row with the same key. */
  async updateRows(tableName: string, rows: unknown[]): Promise<WriteResult> {
    const table = await this.requireTable(tableName);
    this.checkBatchSize(rows.length);
    const keyIndex = table.columns.findIndex((c) => c.name === table.primaryKey);
    const updates = rows.map((row, i) => {
      const record = objectRecord(table, row, `row ${i + 1}`);
      const key = record.fields[keyIndex];
      if (key === undefined || key === null) {
        throw new InputError(`${record.position}: the primary key ${JSON.stringify(table.primaryKey)} is missing; each update names the row it changes.`);
      }
      const columns: ColumnSpec[] = [];
      const values: DuckDBValue[] = [];
      table.columns.forEach((column, c) => {
        if (c === keyIndex || record.fields[c] === undefined) return;
        columns.push(column);
        values.push(coerceValue(record.fields[c], column, record.position, false));
      });
      return { key: keyText(coerceValue(key, table.columns[keyIndex], record.position, false)), position: record.position, columns, values };
    });
    const duplicate = firstDuplicate(updates.map((u) => u.key));
    if (duplicate >= 0) throw new InputError(`${updates[duplicate].position}: key ${JSON.stringify(updates[duplicate].key)} appears twice in the batch.`);

    const links: MaterialKey[] = [];
    for (const update of updates) {
      update.columns.forEach((column, i) => {
        if (!table.materialColumns.includes(column.name)) return;
        const formula = formulaOf(update.values[i]);
        if (formula) links.push({ column: column.name, key: update.key, formula });
      });
    }
    await this.store.updateRows(table, updates, links);

    const keys = updates.map((u) => u.key);
    if (this.listeners.length > 0) {
      const full = await this.store.rowsByKeys(table, keys);
      const rowsAsValues = await this.reloadValues(table, full);
      for (const listener of this.listeners) await listener.rowsWritten(table, keys, rowsAsValues);
    }
    const [after] = await this.store.tablesByNames([table.name]);
    return { table: after!, inserted: 0, replaced: updates.length };
  }

  /** Deletes rows by key (keys as text); returns how many existed. */
  async deleteRows(tableName: string, keys: string[]): Promise<{ table: TableRecord; deleted: number }> {
    const table = await this.requireTable(tableName);
    this.checkBatchSize(keys.length);
    const deleted = await this.store.deleteRows(table, keys);
    for (const listener of this.listeners) await listener.rowsDeleted(table, deleted);
    const [after] = await this.store.tablesByNames([table.name]);
    return { table: after!, deleted: deleted.length };
  }

  /** Marks a VARCHAR column as holding chemical formulas and links its rows to `Material`. */
  async linkMaterialColumn(tableName: string, columnName: string): Promise<TableRecord> {
    const table = await this.requireTable(tableName);
    const column = findColumn(table, columnName);
    if (column.type !== 'VARCHAR') {
      throw new InputError(`column ${JSON.stringify(column.name)} has type ${column.type}; only a VARCHAR column can hold formulas.`);
    }
    const links: MaterialKey[] = [];
    for (const { key, value } of await this.store.columnText(table, column.name)) {
      const formula = value === null ? undefined : normalizeFormula(value);
      if (formula) links.push({ column: column.name, key, formula });
    }
    await this.store.linkMaterialColumn(table, column.name, links);
    const [after] = await this.store.tablesByNames([table.name]);
    return after!;
  }

  // ---- internals ----

  private async parse(table: TableRecord, format: ImportFormat, content: string): Promise<RawRecord[]> {
    switch (format) {
      case 'CSV':
        return csvRecords(table, content);
      case 'JSONL':
        return jsonlRecords(table, content);
      case 'PARQUET': {
        const bytes = Buffer.from(content, 'base64');
        // "PAR1" opens and closes every Parquet file.
        if (bytes.length < 8 || bytes.subarray(0, 4).toString('latin1') !== 'PAR1') {
          throw new InputError('PARQUET content is not a base64-encoded Parquet file (it must start with the bytes "PAR1").');
        }
        const dir = mkdtempSync(path.join(os.tmpdir(), 'scifed-parquet-'));
        try {
          const file = path.join(dir, 'import.parquet');
          writeFileSync(file, bytes);
          const rows = await readParquetRows(file).catch((error: Error) => {
            throw new InputError(`PARQUET content could not be read: ${error.message}`);
          });
          return rows.map((row, i) => objectRecord(table, row, `row ${i + 1}`));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
      default:
        throw new InputError(`format ${JSON.stringify(format)} is unknown; use one of ${IMPORT_FORMATS.join(', ')}.`);
    }
  }

  private checkBatchSize(count: number): void {
    if (count > this.limits.maxBatchRows) {
      throw new InputError(
        `the batch has ${count} rows, above the limit of ${this.limits.maxBatchRows} (SCIFED_DATA_MAX_BATCH_ROWS); split it into smaller batches.`,
        'LIMIT_EXCEEDED',
      );
    }
  }

  /** Coerces every field; the first bad value aborts the batch with its position and column. */
  private prepare(table: TableRecord, records: RawRecord[]): PreparedRows {
    this.checkBatchSize(records.length);
    const keyIndex = table.columns.findIndex((c) => c.name === table.primaryKey);
    const prepared: PreparedRows = { rows: [], keys: [], positions: [] };
    const seen = new Map<string, string>();
    for (const record of records) {
      const row = table.columns.map((column, c) => coerceValue(record.fields[c], column, record.position, record.fromText));
      if (row[keyIndex] === null) {
        throw new InputError(`${record.position}: the primary key ${JSON.stringify(table.primaryKey)} is empty; every row needs a key.`);
      }
      const key = keyText(row[keyIndex]);
      const earlier = seen.get(key);
      if (earlier) throw new InputError(`${record.position}: key ${JSON.stringify(key)} repeats the key of ${earlier}; keys must be unique.`);
      seen.set(key, record.position);
      prepared.rows.push(row);
      prepared.keys.push(key);
      prepared.positions.push(record.position);
    }
    return prepared;
  }

  private async write(table: TableRecord, records: RawRecord[], onConflict: ConflictAction): Promise<WriteResult> {
    const prepared = this.prepare(table, records);
    const links: MaterialKey[] = [];
    for (const column of table.materialColumns) {
      const c = table.columns.findIndex((spec) => spec.name === column);
      prepared.rows.forEach((row, i) => {
        const formula = formulaOf(row[c]);
        if (formula) links.push({ column, key: prepared.keys[i], formula });
      });
    }
    const { inserted, replaced } = await this.store.insertRows(table, prepared.rows, prepared.keys, {
      replace: onConflict === 'REPLACE',
      positions: prepared.positions,
      materialKeys: links,
    });
    for (const listener of this.listeners) await listener.rowsWritten(table, prepared.keys, prepared.rows);
    const [after] = await this.store.tablesByNames([table.name]);
    return { table: after!, inserted, replaced: replaced.length };
  }

  /** Converts stored rows (JSON form) back to DuckDB values for listeners. */
  private async reloadValues(table: TableRecord, rows: (Record<string, unknown> | null)[]): Promise<DuckDBValue[][]> {
    return rows.map((row, i) =>
      table.columns.map((column) => (row ? coerceValue(row[column.name], column, `row ${i + 1}`, false) : null)),
    );
  }
}

function formulaOf(value: DuckDBValue): string | undefined {
  return typeof value === 'string' ? normalizeFormula(value) : undefined;
}

function firstDuplicate(keys: string[]): number {
  const seen = new Set<string>();
  for (let i = 0; i < keys.length; i++) {
    if (seen.has(keys[i])) return i;
    seen.add(keys[i]);
  }
  return -1;
}
