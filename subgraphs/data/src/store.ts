import {
  ARRAY,
  BIGINT,
  BOOLEAN,
  DOUBLE,
  DuckDBArrayValue,
  DuckDBDataChunk,
  DuckDBInstance,
  type DuckDBMaterializedResult,
  FLOAT,
  INTEGER,
  listValue,
  StatementType,
  TIMESTAMP,
  VARCHAR,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
  type DuckDBVector,
} from '@duckdb/node-api';
import { Database, InputError, type Transaction } from '@scifed/schema';

import { quoteIdentifier, sqlType, type ColumnSpec, type TableSpec } from './tables/columns.js';
import { jsonRows } from './tables/json-values.js';
import { highOf, lowOf } from './vectors/label-slots.js';

/** A table as the catalog records it. */
export interface TableRecord extends TableSpec {
  /** Columns whose values are chemical formulas linked to `Material`. */
  materialColumns: string[];
  rowCount: number;
  createdAt: Date;
}

/**
 * Row labels as 32-bit halves: label i has low half parts[2i] and high half
 * parts[2i + 1] (the little-endian layout of a BigInt64Array), signed as
 * highOf and lowOf return them. Only the first `count` labels are meaningful.
 */
export interface LabelList {
  parts: Int32Array;
  count: number;
}

/** Rows of a read-only statement, as DuckDB values. */
export interface ReadOnlyResult {
  names: string[];
  types: DuckDBType[];
  rows: DuckDBValue[][];
  truncated: boolean;
}

/** DuckDB rejected a user's statement: report its message as bad input. */
function userError(error: Error, argument = 'query'): never {
  // DuckDB appends the statement with a caret under the error position. For a
  // filter that statement is our wrapper, so only the message itself is kept.
  if (argument === 'query') throw new InputError(`${argument} failed: ${error.message}`);
  const message = error.message.split('\n\nLINE ')[0].replace(/^Failed to extract statements: /, '');
  throw new InputError(`${argument} failed: ${message} (a filter is one SQL boolean condition over the table's columns, such as category = $1)`);
}

// Statements must start like a query. DuckDB rewrites PRAGMA and SHOW into
// SELECTs of table functions, so the statement type alone lets them through.
const QUERY_START = /^\s*(\(|select\b|with\b|from\b|values\b|table\b)/i;

// Catalog and setting functions that reveal server paths (database files,
// temp and extension directories) or the environment; none is needed to read
// the user's tables.
const BLOCKED_FUNCTIONS = /\b(pragma_\w+|duckdb_databases|duckdb_settings|duckdb_extensions|duckdb_secrets|duckdb_temporary_files|current_setting|getenv)\s*\(/i;

function article(word: string): string {
  return /^[AEIOU]/.test(word) ? 'an' : 'a';
}

/** A row reached from a `Material`: the table, the linked column and the row as JSON. */
export interface MaterialRowRecord {
  table: string;
  column: string;
  key: string;
  row: Record<string, unknown>;
}

/** A (row key, reduced formula) pair of a linked column. */
export interface MaterialKey {
  column: string;
  key: string;
  formula: string;
}

/**
 * The catalog lives in its own schema so user tables own `main` and plain
 * names in user SQL (`SELECT * FROM samples`) find them.
 */
const META = 'scifed_meta';

const SCHEMA = `
CREATE SCHEMA IF NOT EXISTS ${META};
CREATE TABLE IF NOT EXISTS ${META}.tables (
  name VARCHAR PRIMARY KEY,
  columns JSON NOT NULL,          -- [{name, type, dimension}]
  primary_key VARCHAR NOT NULL,
  material_columns VARCHAR[] NOT NULL DEFAULT [],
  row_count BIGINT NOT NULL DEFAULT 0,
  created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
-- One row per (row, linked column) whose value parses as a formula; formula is reduced.
CREATE TABLE IF NOT EXISTS ${META}.material_keys (
  table_name VARCHAR NOT NULL,
  column_name VARCHAR NOT NULL,
  row_key VARCHAR NOT NULL,
  formula VARCHAR NOT NULL
);
CREATE INDEX IF NOT EXISTS material_keys_formula ON ${META}.material_keys (formula);
CREATE TABLE IF NOT EXISTS ${META}.vector_indexes (
  table_name VARCHAR NOT NULL,
  column_name VARCHAR NOT NULL,
  config JSON NOT NULL,           -- metric, connectivity, expansions, quantization
  created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
  PRIMARY KEY (table_name, column_name)
);
`;

/**
 * SQL for a row's vector-index label: DuckDB's 64-bit hash of the primary
 * key, shifted to 63 bits so it binds as BIGINT. The same key always gets the
 * same label, so an index file stays valid across restarts. Should a DuckDB
 * upgrade change hash(), the checksum changes too and the index is rebuilt.
 */
export function labelSql(table: TableSpec): string {
  return `(hash(${quoteIdentifier(table.primaryKey)}) >> 1)::BIGINT`;
}

/** A vector index as the catalog records it. */
export interface VectorIndexRecord {
  table: string;
  column: string;
  config: Record<string, unknown>;
  createdAt: Date;
}

/**
 * Write-ahead log size at which DuckDB checkpoints at commit (its default is
 * 16 MiB). Rows not yet checkpointed stay in uncompressed in-memory
 * segments: after importing 300,000 rows of FLOAT[128] in 10,000-row
 * batches, the filter and hit-row statements of a search ran 15 to 25 %
 * slower with the default than with this value.
 */
const CHECKPOINT_THRESHOLD = '4MiB';

/** Most keys rowsByKeys writes into its statement as constants. */
const LITERAL_KEYS_MAX = 256;

/** Quotes a SQL string literal, doubling single quotes. */
function stringLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** DuckDB's vector size: the most rows one data chunk holds. */
const CHUNK_ROWS = 2048;

interface CatalogRow {
  name: string;
  columns: string;
  primary_key: string;
  material_columns: string[];
  row_count: bigint;
  created_at: Date;
}

function toRecord(row: CatalogRow): TableRecord {
  return {
    name: row.name,
    columns: JSON.parse(row.columns) as ColumnSpec[],
    primaryKey: row.primary_key,
    materialColumns: row.material_columns,
    rowCount: Number(row.row_count),
    createdAt: row.created_at,
  };
}

/** The DuckDB logical type of a column, for building data chunks. */
function chunkType(column: ColumnSpec): DuckDBType {
  switch (column.type) {
    case 'BOOLEAN':
      return BOOLEAN;
    case 'INTEGER':
      return INTEGER;
    case 'BIGINT':
      return BIGINT;
    case 'DOUBLE':
      return DOUBLE;
    case 'TIMESTAMP':
      return TIMESTAMP;
    case 'VARCHAR':
    case 'JSON':
      return VARCHAR;
    case 'VECTOR':
      return ARRAY(FLOAT, column.dimension!);
  }
}

/** Appends rows (values in column order) through data chunks of up to 2048 rows. */
async function appendRows(connection: DuckDBConnection, table: TableSpec, rows: DuckDBValue[][]): Promise<void> {
  if (rows.length === 0) return;
  const types = table.columns.map(chunkType);
  const appender = await connection.createAppender(table.name, 'main');
  try {
    for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
      const slice = rows.slice(start, start + CHUNK_ROWS);
      const chunk = DuckDBDataChunk.create(types, slice.length);
      for (let c = 0; c < types.length; c++) chunk.setColumnValues(c, slice.map((row) => row[c]));
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** The data subgraph's catalog and user tables. All SQL of the subgraph lives here. */
/** Idle read-only connections kept for reuse; more concurrent statements open and close their own. */
const MAX_IDLE_CONNECTIONS = 4;

export class DataStore {
  /** Connections of finished read-only statements, reused to save opening one per statement. */
  private readonly idle: DuckDBConnection[] = [];

  /**
   * Incremented after every write to the database ends, committed or not
   * (user tables and the catalog alike). A cache of read results tagged with
   * the version read before its statement ran is stale once this differs.
   */
  writeVersion = 0;

  private constructor(readonly db: Database) {}

  /** Runs a write transaction and then advances writeVersion. */
  private async write<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction(fn);
    } finally {
      this.writeVersion++;
    }
  }

  static async open(dir?: string): Promise<DataStore> {
    const db = await Database.open('data', dir);
    await db.migrate(SCHEMA);
    // The whole instance loses file, network and extension access, and its
    // settings are frozen, so no statement (ours or a user's) can read or
    // write outside the database file or undo this.
    await db.query(`SET GLOBAL checkpoint_threshold = '${CHECKPOINT_THRESHOLD}'`);
    await db.query('SET GLOBAL enable_external_access = false');
    await db.query('SET GLOBAL lock_configuration = true');
    return new DataStore(db);
  }

  // ---- catalog ----

  /** Tables by name in one query; the result follows `names`, null for unknown names. */
  async tablesByNames(names: readonly string[]): Promise<(TableRecord | null)[]> {
    if (names.length === 0) return [];
    const rows = await this.db.query<CatalogRow>(`SELECT * FROM ${META}.tables WHERE list_contains($1, name)`, [listValue([...names])]);
    const byName = new Map(rows.map((row) => [row.name, toRecord(row)]));
    return names.map((name) => byName.get(name) ?? null);
  }

  /** One page of tables by name, with the total count. */
  async listTables(page: { offset: number; limit: number }): Promise<{ records: TableRecord[]; total: number }> {
    const [{ total }] = await this.db.query<{ total: bigint }>(`SELECT count(*) AS total FROM ${META}.tables`);
    const rows = await this.db.query<CatalogRow>(`SELECT * FROM ${META}.tables ORDER BY name LIMIT ${page.limit} OFFSET ${page.offset}`);
    return { records: rows.map(toRecord), total: Number(total) };
  }

  /** Creates the DuckDB table and its catalog entry. */
  async createTable(spec: TableSpec): Promise<TableRecord> {
    return this.write(async (tx) => {
      const clash = await tx.query<{ name: string }>(
        `SELECT table_name AS name FROM information_schema.tables WHERE lower(table_name) = lower($1) AND table_schema = 'main'`,
        [spec.name],
      );
      if (clash.length > 0) {
        throw new InputError(`table ${JSON.stringify(clash[0].name)} already exists (names are case-insensitive); choose another name or drop it first.`);
      }
      const columns = spec.columns.map((c) => `${quoteIdentifier(c.name)} ${sqlType(c)}${c.name === spec.primaryKey ? ' PRIMARY KEY' : ''}`);
      await tx.query(`CREATE TABLE main.${quoteIdentifier(spec.name)} (${columns.join(', ')})`);
      await tx.query(`INSERT INTO ${META}.tables (name, columns, primary_key) VALUES ($1, $2, $3)`, [
        spec.name,
        JSON.stringify(spec.columns),
        spec.primaryKey,
      ]);
      const [row] = await tx.query<CatalogRow>(`SELECT * FROM ${META}.tables WHERE name = $1`, [spec.name]);
      return toRecord(row);
    });
  }

  /** Drops a table with its catalog entry and material links; false when it did not exist. */
  async dropTable(name: string): Promise<boolean> {
    return this.write(async (tx) => {
      const deleted = await tx.query(`DELETE FROM ${META}.tables WHERE name = $1 RETURNING name`, [name]);
      if (deleted.length === 0) return false;
      await tx.query(`DELETE FROM ${META}.material_keys WHERE table_name = $1`, [name]);
      await tx.query(`DROP TABLE main.${quoteIdentifier(name)}`);
      return true;
    });
  }

  // ---- rows ----

  /**
   * Inserts rows (values in column order) in one transaction. Keys already in
   * the table are an error naming the first such row unless `replace` is set,
   * in which case those rows are deleted first. `materialKeys` are the formula
   * links of the new rows. Runs `afterWrite` inside the transaction, so a
   * throw there (a vector index update) rolls the rows back.
   */
  async insertRows(
    table: TableRecord,
    rows: DuckDBValue[][],
    keys: string[],
    options: { replace: boolean; positions: string[]; materialKeys: MaterialKey[] },
  ): Promise<{ inserted: number; replaced: string[] }> {
    return this.write(async (tx) => {
      const existing = await this.existingKeys(tx, table, keys);
      if (existing.length > 0 && !options.replace) {
        const index = keys.indexOf(existing[0]);
        throw new InputError(
          `${options.positions[index]}: key ${JSON.stringify(existing[0])} already exists in table ${JSON.stringify(table.name)}; use onConflict: REPLACE to overwrite it or updateRows to change columns.`,
        );
      }
      if (existing.length > 0) await this.deleteKeys(tx, table, existing);
      await appendRows(tx.connection, table, rows);
      await this.addMaterialKeys(tx, table.name, options.materialKeys);
      await this.refreshRowCount(tx, table.name);
      return { inserted: rows.length - existing.length, replaced: existing };
    });
  }

  /**
   * Sets the given columns of existing rows, one parameterised UPDATE per
   * row. Every key must exist. Returns the keys updated.
   */
  async updateRows(
    table: TableRecord,
    updates: { key: string; position: string; columns: ColumnSpec[]; values: DuckDBValue[] }[],
    materialKeys: MaterialKey[],
  ): Promise<void> {
    const keyColumn = quoteIdentifier(table.primaryKey);
    await this.write(async (tx) => {
      const keys = updates.map((u) => u.key);
      const existing = new Set(await this.existingKeys(tx, table, keys));
      const missing = updates.find((u) => !existing.has(u.key));
      if (missing) throw new InputError(`${missing.position}: key ${JSON.stringify(missing.key)} is not in table ${JSON.stringify(table.name)}; use insertRows to add it.`);

      for (const update of updates) {
        if (update.columns.length === 0) continue;
        const sets = update.columns.map((c, i) => `${quoteIdentifier(c.name)} = $${i + 1}::${sqlType(c)}`);
        await tx.query(
          `UPDATE main.${quoteIdentifier(table.name)} SET ${sets.join(', ')} WHERE CAST(${keyColumn} AS VARCHAR) = $${update.columns.length + 1}`,
          [...update.values, update.key],
        );
      }
      const touched = new Set(materialKeys.map((m) => `${m.column}\u0000${m.key}`));
      for (const update of updates) {
        for (const column of update.columns) touched.add(`${column.name}\u0000${update.key}`);
      }
      await this.removeMaterialKeys(tx, table.name, [...touched].map((pair) => pair.split('\u0000') as [string, string]));
      await this.addMaterialKeys(tx, table.name, materialKeys);
    });
  }

  /** Deletes rows by key; returns the keys that existed. */
  async deleteRows(table: TableRecord, keys: string[]): Promise<string[]> {
    return this.write(async (tx) => {
      const deleted = await this.deleteKeys(tx, table, keys);
      await this.refreshRowCount(tx, table.name);
      return deleted;
    });
  }

  /** Rows by key as JSON objects; the result follows `keys`, null where absent. */
  async rowsByKeys(table: TableRecord, keys: readonly string[], columns?: readonly string[]): Promise<(Record<string, unknown> | null)[]> {
    if (keys.length === 0) return [];
    const keyColumn = quoteIdentifier(table.primaryKey);
    // Comparing typed keys lets DuckDB probe the primary-key index instead of casting every row.
    const keyType = table.columns.find((c) => c.name === table.primaryKey)!.type;
    const select = columns ? columns.map(quoteIdentifier).join(', ') : '*';
    const from = `SELECT CAST(${keyColumn} AS VARCHAR) AS __key, ${select} FROM main.${quoteIdentifier(table.name)}`;
    // A short list of constants lets DuckDB prune row groups by their min/max
    // (about half the time of a join against an unnested list at 300,000 rows).
    const rows =
      keys.length <= LITERAL_KEYS_MAX && keys.every((key) => !key.includes('\0'))
        ? await this.readJson(`${from} WHERE ${keyColumn} IN (${keys.map((key) => `TRY_CAST(${stringLiteral(key)} AS ${keyType})`).join(', ')})`)
        : await this.readJson(`${from} WHERE ${keyColumn} IN (SELECT TRY_CAST(unnest($1) AS ${keyType}))`, [listValue([...keys])]);
    const byKey = new Map(rows.map(({ __key, ...row }) => [String(__key), row]));
    return keys.map((key) => byKey.get(key) ?? null);
  }

  /** Every (key, value as text) of one column, for linking existing rows to materials. */
  async columnText(table: TableRecord, column: string): Promise<{ key: string; value: string | null }[]> {
    return this.db.query(
      `SELECT CAST(${quoteIdentifier(table.primaryKey)} AS VARCHAR) AS key, CAST(${quoteIdentifier(column)} AS VARCHAR) AS value FROM main.${quoteIdentifier(table.name)}`,
    );
  }

  // ---- materials ----

  /** Marks a column as holding formulas and records the links of its current rows. */
  async linkMaterialColumn(table: TableRecord, column: string, links: MaterialKey[]): Promise<void> {
    await this.write(async (tx) => {
      await tx.query(`DELETE FROM ${META}.material_keys WHERE table_name = $1 AND column_name = $2`, [table.name, column]);
      await tx.query(
        `UPDATE ${META}.tables SET material_columns = list_distinct(list_append(material_columns, $2)) WHERE name = $1`,
        [table.name, column],
      );
      await this.addMaterialKeys(tx, table.name, links);
    });
  }

  /**
   * Linked rows for many formulas: one query finds the page of (table,
   * column, key) links per formula, then one query per table involved reads
   * the rows. Returns, per formula in input order, its page and total.
   */
  async rowsByFormulas(formulas: readonly string[], page: { offset: number; limit: number }): Promise<{ records: MaterialRowRecord[]; total: number }[]> {
    if (formulas.length === 0) return [];
    const links = await this.db.query<{ formula: string; table_name: string; column_name: string; row_key: string; total: bigint }>(
      `SELECT * FROM (
         SELECT formula, table_name, column_name, row_key,
                row_number() OVER (PARTITION BY formula ORDER BY table_name, column_name, row_key) - 1 AS rank,
                count(*) OVER (PARTITION BY formula) AS total
         FROM ${META}.material_keys WHERE list_contains($1, formula)
       ) WHERE rank >= ${page.offset} AND rank < ${page.offset + page.limit}
       ORDER BY formula, rank`,
      [listValue([...formulas])],
    );

    const tableNames = [...new Set(links.map((link) => link.table_name))];
    const tables = await this.tablesByNames(tableNames);
    const rowsByTable = new Map<string, Map<string, Record<string, unknown>>>();
    for (const table of tables) {
      if (!table) continue;
      const keys = [...new Set(links.filter((l) => l.table_name === table.name).map((l) => l.row_key))];
      const rows = await this.rowsByKeys(table, keys);
      rowsByTable.set(table.name, new Map(keys.map((key, i) => [key, rows[i]!]).filter(([, row]) => row) as [string, Record<string, unknown>][]));
    }

    const byFormula = new Map<string, { records: MaterialRowRecord[]; total: number }>();
    for (const link of links) {
      const entry = byFormula.get(link.formula) ?? { records: [], total: Number(link.total) };
      const row = rowsByTable.get(link.table_name)?.get(link.row_key);
      if (row) entry.records.push({ table: link.table_name, column: link.column_name, key: link.row_key, row });
      byFormula.set(link.formula, entry);
    }
    return formulas.map((formula) => byFormula.get(formula) ?? { records: [], total: 0 });
  }

  // ---- read-only SQL ----

  /**
   * Runs one user statement read-only: it must parse as exactly one SELECT
   * (WITH ... SELECT included), runs inside a READ ONLY transaction that is
   * rolled back, on an instance without file, network or extension access.
   * Reads at most `maxRows + 1` rows to learn whether more exist, and
   * interrupts the statement after `timeoutMs`.
   */
  async runReadOnly(
    sql: string,
    params: DuckDBValue[],
    options: {
      maxRows: number;
      timeoutMs: number;
      firstColumnOnly?: boolean;
      onChunk?: (chunk: DuckDBDataChunk, rows: number) => void;
      /** The argument named in errors: `query` for sql, `where` for filters. */
      argument?: string;
      /** Checks and prepares the statement without running it; the result has its column types and no rows. */
      prepareOnly?: boolean;
    },
  ): Promise<ReadOnlyResult> {
    const argument = options.argument ?? 'query';
    if (argument === 'query' && !QUERY_START.test(sql)) {
      const first = /^\s*(\S+)/.exec(sql)?.[1]?.toUpperCase() ?? 'nothing';
      throw new InputError(
        `query must be a read-only SELECT or WITH statement, but it starts with ${first}; PRAGMA, SHOW, COPY and other commands are not allowed.`,
      );
    }
    const blocked = BLOCKED_FUNCTIONS.exec(sql);
    if (blocked) {
      throw new InputError(`${argument} calls ${blocked[1]}(), which reads server settings or files; query your tables instead.`);
    }
    const fail = (error: Error) => userError(error, argument);
    this.db.queryCount++;
    const connection = this.idle.pop() ?? (await this.db.connect());
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      connection.interrupt();
    }, options.timeoutMs);
    try {
      await connection.run('BEGIN TRANSACTION READ ONLY');
      const extracted = await connection.extractStatements(sql).catch(fail);
      if (extracted.count !== 1) {
        throw new InputError(`${argument} must be exactly one statement, found ${extracted.count}; send statements one at a time.`);
      }
      const prepared = await extracted.prepare(0).catch(fail);
      if (prepared.statementType !== StatementType.SELECT) {
        const kind = StatementType[prepared.statementType];
        throw new InputError(`${argument} must be a read-only SELECT or WITH statement; DuckDB classifies this one as ${article(kind)} ${kind} statement.`);
      }
      if (prepared.parameterCount !== params.length) {
        throw new InputError(`query has ${prepared.parameterCount} parameters ($1, $2, ...), but params has ${params.length} values.`);
      }
      if (params.length > 0) prepared.bind(params);
      if (options.prepareOnly) {
        const columns = Array.from({ length: prepared.columnCount }, (_, i) => i);
        return { names: columns.map((i) => prepared.columnName(i)), types: columns.map((i) => prepared.columnType(i)), rows: [], truncated: false };
      }

      // A caller that reads chunks itself wants every row in compact columns, so the result is
      // materialized in one call instead of fetched chunk by chunk (one round trip each).
      const result = options.onChunk ? await prepared.run().catch(fail) : await prepared.stream().catch(fail);
      const materialized = options.onChunk ? (result as DuckDBMaterializedResult) : undefined;
      const rows: DuckDBValue[][] = [];
      let seen = 0;
      let truncated = false;
      for (let index = 0; ; index++) {
        let chunk: DuckDBDataChunk | null;
        if (!materialized) chunk = await result.fetchChunk().catch(fail);
        else chunk = index < materialized.chunkCount ? materialized.getChunk(index) : null;
        if (!chunk || chunk.rowCount === 0) break;
        const take = Math.min(chunk.rowCount, options.maxRows - seen);
        seen += take;
        if (options.onChunk) {
          // The caller reads the first `take` rows of the chunk's column vectors itself.
          options.onChunk(chunk, take);
        } else if (options.firstColumnOnly) {
          // One column read straight from its vector, without a row array per row.
          const vector = chunk.getColumnVector(0);
          for (let i = 0; i < take; i++) rows.push([vector.getItem(i)]);
        } else {
          rows.push(...chunk.getRows().slice(0, take));
        }
        if (take < chunk.rowCount) {
          truncated = true;
          break;
        }
      }
      return { names: result.columnNames(), types: result.columnTypes(), rows, truncated };
    } catch (error) {
      if (timedOut) {
        throw new InputError(`query was interrupted after ${options.timeoutMs} ms (SCIFED_SQL_TIMEOUT_MS); add a filter or a LIMIT.`, 'LIMIT_EXCEEDED');
      }
      throw error;
    } finally {
      clearTimeout(timer);
      // Only a connection whose transaction ended cleanly, and that was not interrupted, is reused.
      const clean = await connection.run('ROLLBACK').then(() => true, () => false);
      if (clean && !timedOut && this.idle.length < MAX_IDLE_CONNECTIONS) this.idle.push(connection);
      else connection.closeSync();
    }
  }

  // ---- vector indexes ----

  async vectorIndexes(): Promise<VectorIndexRecord[]> {
    const rows = await this.db.query<{ table_name: string; column_name: string; config: string; created_at: Date }>(
      `SELECT * FROM ${META}.vector_indexes ORDER BY table_name, column_name`,
    );
    return rows.map((row) => ({ table: row.table_name, column: row.column_name, config: JSON.parse(row.config), createdAt: row.created_at }));
  }

  async saveVectorIndex(table: string, column: string, config: Record<string, unknown>): Promise<VectorIndexRecord> {
    await this.write((tx) =>
      tx.query(`INSERT OR REPLACE INTO ${META}.vector_indexes (table_name, column_name, config) VALUES ($1, $2, $3)`, [table, column, JSON.stringify(config)]),
    );
    const [record] = (await this.vectorIndexes()).filter((r) => r.table === table && r.column === column);
    return record;
  }

  async deleteVectorIndexes(table: string, column?: string): Promise<number> {
    const rows = await this.write((tx) =>
      tx.query(`DELETE FROM ${META}.vector_indexes WHERE table_name = $1 AND ($2::VARCHAR IS NULL OR column_name = $2) RETURNING table_name`, [
        table,
        column ?? null,
      ]),
    );
    return rows.length;
  }

  /** Row count and an order-independent checksum of (key, vector) over rows with a vector. */
  async vectorChecksum(table: TableSpec, column: string): Promise<{ count: number; checksum: string }> {
    const [row] = await this.db.query<{ count: bigint; checksum: string }>(
      `SELECT count(*) AS count, coalesce(bit_xor(hash(${quoteIdentifier(table.primaryKey)}, ${quoteIdentifier(column)})), 0)::VARCHAR AS checksum
       FROM main.${quoteIdentifier(table.name)} WHERE ${quoteIdentifier(column)} IS NOT NULL`,
    );
    return { count: Number(row.count), checksum: row.checksum };
  }

  /**
   * Streams (label, key, vector) of every row with a vector, in chunks of up
   * to 2048 rows; `vectors` is row-major rows × dim float32.
   */
  async scanVectors(
    table: TableSpec,
    column: ColumnSpec,
    onChunk: (labels: bigint[], keys: string[], vectors: Float32Array) => void,
  ): Promise<void> {
    this.db.queryCount++;
    const connection = await this.db.connect();
    try {
      const result = await connection.stream(
        `SELECT ${labelSql(table)} AS label, CAST(${quoteIdentifier(table.primaryKey)} AS VARCHAR) AS key, ${quoteIdentifier(column.name)} AS v
         FROM main.${quoteIdentifier(table.name)} WHERE ${quoteIdentifier(column.name)} IS NOT NULL`,
      );
      const dim = column.dimension!;
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        const n = chunk.rowCount;
        const labelVector = chunk.getColumnVector(0);
        const keyVector = chunk.getColumnVector(1);
        const vectorColumn = chunk.getColumnVector(2);
        const labels: bigint[] = [];
        const keys: string[] = [];
        const vectors = new Float32Array(n * dim);
        for (let i = 0; i < n; i++) {
          labels.push(labelVector.getItem(i) as bigint);
          keys.push(keyVector.getItem(i) as string);
          vectors.set((vectorColumn.getItem(i) as DuckDBArrayValue).items as number[], i * dim);
        }
        onChunk(labels, keys, vectors);
      }
    } finally {
      connection.closeSync();
    }
  }

  /** Streams (label, key, text) of every row of a column, for building a BM25 index. */
  async scanText(table: TableSpec, column: string, onRow: (label: bigint, key: string, text: string | null) => void): Promise<void> {
    this.db.queryCount++;
    const connection = await this.db.connect();
    try {
      const result = await connection.stream(
        `SELECT ${labelSql(table)} AS label, CAST(${quoteIdentifier(table.primaryKey)} AS VARCHAR) AS key, CAST(${quoteIdentifier(column)} AS VARCHAR) AS text
         FROM main.${quoteIdentifier(table.name)}`,
      );
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        for (const [label, key, text] of chunk.getRows()) onRow(label as bigint, key as string, text as string | null);
      }
    } finally {
      connection.closeSync();
    }
  }

  /** Labels of keys given as text, computed the way labelSql computes them from the stored key. */
  async labelsOfKeys(table: TableSpec, keys: string[]): Promise<bigint[]> {
    if (keys.length === 0) return [];
    const keyType = table.columns.find((c) => c.name === table.primaryKey)!.type;
    const rows = await this.db.query<{ label: bigint }>(
      `SELECT (hash(CAST(k AS ${keyType})) >> 1)::BIGINT AS label FROM (SELECT unnest($1) AS k, generate_subscripts($1, 1) AS i) ORDER BY i`,
      [listValue(keys)],
    );
    return rows.map((row) => row.label);
  }

  /**
   * Labels of rows that pass a user filter, run in the read-only sandbox
   * (the filter is user SQL). At most `maxRows` labels are returned. Rows without a vector are not
   * excluded here, because `v IS NOT NULL` on a FLOAT[n] column reads the
   * whole column; callers skip labels that have no index slot.
   */
  async labelsWhere(
    table: TableSpec,
    filter: { where: string; params: DuckDBValue[] },
    options: { maxRows: number; timeoutMs: number },
  ): Promise<{ labels: bigint[]; truncated: boolean }> {
    const result = await this.runReadOnly(
      `SELECT ${labelSql(table)} AS label FROM main.${quoteIdentifier(table.name)} WHERE (${filter.where})`,
      filter.params,
      { maxRows: options.maxRows, timeoutMs: options.timeoutMs, firstColumnOnly: true, argument: 'where' },
    );
    return { labels: result.rows.map((row) => row[0] as bigint), truncated: result.truncated };
  }

  /**
   * Labels of every row that passes a user filter (sandboxed like
   * labelsWhere), in one statement, as a LabelList. Rows without a vector are
   * included, because the caller's slot lookup skips them.
   */
  async labelListWhere(table: TableSpec, filter: { where: string; params: DuckDBValue[] }, timeoutMs: number): Promise<LabelList> {
    let parts = new Int32Array(2 * CHUNK_ROWS);
    let count = 0;
    await this.runReadOnly(
      // The filter stays the statement's last clause (no subquery around it), so a filter that smuggles in
      // a second statement is rejected as such rather than as a syntax error.
      `SELECT ${labelSql(table)} AS label FROM main.${quoteIdentifier(table.name)} WHERE (${filter.where})`,
      filter.params,
      {
        maxRows: Number.MAX_SAFE_INTEGER,
        timeoutMs,
        argument: 'where',
        onChunk: (chunk, rows) => {
          if (2 * (count + rows) > parts.length) {
            const grown = new Int32Array(Math.max(parts.length * 2, 2 * (count + rows)));
            grown.set(parts);
            parts = grown;
          }
          const vector = chunk.getColumnVector(0);
          const items = rawItems(vector);
          if (items) {
            // Copied as 32-bit halves straight from the chunk's memory; a label is never NULL.
            parts.set(new Int32Array(items.buffer, items.byteOffset, 2 * rows), 2 * count);
            count += rows;
          } else {
            for (let i = 0; i < rows; i++, count++) {
              const label = vector.getItem(i) as bigint;
              parts[2 * count] = lowOf(label);
              parts[2 * count + 1] = highOf(label);
            }
          }
        },
      },
    );
    return { parts, count };
  }

  /** Type of a filter's value over a table, from preparing (not running) `SELECT (filter)` in the sandbox. */
  async filterType(table: TableSpec, filter: { where: string; params: DuckDBValue[] }, timeoutMs: number): Promise<DuckDBType> {
    const result = await this.runReadOnly(`SELECT (${filter.where}) AS passes FROM main.${quoteIdentifier(table.name)}`, filter.params, {
      maxRows: 0,
      timeoutMs,
      argument: 'where',
      prepareOnly: true,
    });
    return result.types[0];
  }

  /**
   * Lower-case names of the functions that DuckDB does not mark CONSISTENT
   * (same result for the same arguments), such as random, now and nextval,
   * plus table functions and macros, whose stability it does not record.
   */
  async unstableFunctionNames(): Promise<string[]> {
    const rows = await this.db.query<{ name: string }>(
      `SELECT DISTINCT lower(function_name) AS name FROM duckdb_functions() WHERE stability IS DISTINCT FROM 'CONSISTENT'`,
    );
    return rows.map((row) => row.name);
  }

  // ---- helpers ----

  /** Runs a query and converts its rows to JSON-safe objects. */
  async readJson(sql: string, params: DuckDBValue[] = []): Promise<Record<string, unknown>[]> {
    this.db.queryCount++;
    const connection = await this.db.connect();
    try {
      const reader = await connection.runAndReadAll(sql, params.length ? params : undefined);
      return jsonRows(reader.columnNames(), reader.columnTypes(), reader.getRows());
    } finally {
      connection.closeSync();
    }
  }

  private async existingKeys(tx: Transaction, table: TableRecord, keys: string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const rows = await tx.query<{ key: string }>(
      `SELECT CAST(${quoteIdentifier(table.primaryKey)} AS VARCHAR) AS key FROM main.${quoteIdentifier(table.name)}
       WHERE CAST(${quoteIdentifier(table.primaryKey)} AS VARCHAR) IN (SELECT unnest($1))`,
      [listValue(keys)],
    );
    const found = new Set(rows.map((row) => row.key));
    return keys.filter((key) => found.has(key));
  }

  private async deleteKeys(tx: Transaction, table: TableRecord, keys: string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const rows = await tx.query<{ key: string }>(
      `DELETE FROM main.${quoteIdentifier(table.name)} WHERE CAST(${quoteIdentifier(table.primaryKey)} AS VARCHAR) IN (SELECT unnest($1))
       RETURNING CAST(${quoteIdentifier(table.primaryKey)} AS VARCHAR) AS key`,
      [listValue(keys)],
    );
    const deleted = rows.map((row) => row.key);
    if (deleted.length > 0) {
      await tx.query(`DELETE FROM ${META}.material_keys WHERE table_name = $1 AND list_contains($2, row_key)`, [table.name, listValue(deleted)]);
    }
    return deleted;
  }

  private async addMaterialKeys(tx: Transaction, tableName: string, links: MaterialKey[]): Promise<void> {
    if (links.length === 0) return;
    const appender = await tx.connection.createAppender('material_keys', META);
    try {
      for (let start = 0; start < links.length; start += CHUNK_ROWS) {
        const slice = links.slice(start, start + CHUNK_ROWS);
        const chunk = DuckDBDataChunk.create([VARCHAR, VARCHAR, VARCHAR, VARCHAR], slice.length);
        chunk.setColumnValues(0, slice.map(() => tableName));
        chunk.setColumnValues(1, slice.map((l) => l.column));
        chunk.setColumnValues(2, slice.map((l) => l.key));
        chunk.setColumnValues(3, slice.map((l) => l.formula));
        appender.appendDataChunk(chunk);
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  private async removeMaterialKeys(tx: Transaction, tableName: string, pairs: [string, string][]): Promise<void> {
    for (const [column, key] of pairs) {
      await tx.query(`DELETE FROM ${META}.material_keys WHERE table_name = $1 AND column_name = $2 AND row_key = $3`, [tableName, column, key]);
    }
  }

  private async refreshRowCount(tx: Transaction, tableName: string): Promise<void> {
    await tx.query(`UPDATE ${META}.tables SET row_count = (SELECT count(*) FROM main.${quoteIdentifier(tableName)}) WHERE name = $1`, [tableName]);
  }

  close(): void {
    for (const connection of this.idle.splice(0)) connection.closeSync();
    this.db.close();
  }
}

/**
 * Reads a Parquet file's rows as JS values. The store's own instance has no
 * file access, so a private in-memory DuckDB instance, which only ever runs
 * this statement on a file this process wrote, does the reading.
 */
export async function readParquetRows(file: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll('SELECT * FROM read_parquet($1)', [file]);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * Returns the BIGINT items of a result vector as the typed array that
 * @duckdb/node-api keeps over the chunk's memory. Returns undefined when that
 * internal field is missing, so callers fall back to getItem.
 * NOTE: `items` is private in @duckdb/node-api 1.5; reading it skips one
 * call per value, which is most of the time of reading 30,000 labels.
 */
function rawItems(vector: DuckDBVector): BigInt64Array | undefined {
  const items = (vector as unknown as { items?: unknown }).items;
  return items instanceof BigInt64Array ? items : undefined;
}
