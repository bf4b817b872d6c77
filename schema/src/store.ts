import { mkdirSync } from 'node:fs';
import path from 'node:path';

import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';

/** Returns the folder of every subgraph's DuckDB file: SCIFED_DATA_DIR, default ./data. */
export function dataDir(): string {
  return path.resolve(process.env.SCIFED_DATA_DIR ?? 'data');
}

export type Row = Record<string, unknown>;

/**
 * One subgraph's DuckDB database file. Reads share one connection; each
 * transaction gets its own connection, so concurrent requests never write
 * into another request's transaction. `queryCount` counts every statement,
 * which tests use to prove that entity lookups are batched.
 */
export class Database {
  queryCount = 0;

  private constructor(
    readonly file: string,
    private readonly instance: DuckDBInstance,
    private readonly reader: DuckDBConnection,
  ) {}

  /** Opens (creating if needed) `<dir>/<name>.duckdb`. */
  static async open(name: string, dir = dataDir()): Promise<Database> {
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name}.duckdb`);
    // Extensions never download at run time: a missing one fails at once.
    const instance = await DuckDBInstance.create(file, {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'true',
    });
    const reader = await instance.connect();
    return new Database(file, instance, reader);
  }

  /**
   * Runs schema DDL, then CHECKPOINT, so the DDL lives in the database file
   * rather than the write-ahead log. DuckDB 1.5 fails to replay a WAL that
   * contains `ALTER TABLE ... ADD COLUMN` on a table with a
   * `DEFAULT current_timestamp` column ("Calling
   * DatabaseManager::GetDefaultDatabase with no default database set"), which
   * after a crash would keep the subgraph from starting.
   */
  async migrate(ddl: string): Promise<void> {
    await this.query(ddl);
    await this.query('CHECKPOINT');
  }

  /** Runs one statement with positional parameters ($1, $2, ...) and returns its rows as JS values. */
  async query<T = Row>(sql: string, params: DuckDBValue[] = []): Promise<T[]> {
    return runOn<T>(this.reader, sql, params, this);
  }

  /**
   * Runs `work` inside BEGIN/COMMIT on a dedicated connection; any throw
   * rolls back, so a failed request stores nothing.
   */
  async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const connection = await this.instance.connect();
    try {
      await connection.run('BEGIN TRANSACTION');
      try {
        const result = await work({ query: (sql, params = []) => runOn(connection, sql, params, this), connection });
        await connection.run('COMMIT');
        return result;
      } catch (error) {
        await connection.run('ROLLBACK');
        throw error;
      }
    } finally {
      connection.closeSync();
    }
  }

  /** A fresh connection for callers that manage their own (appenders, sandboxed reads). */
  connect(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  close(): void {
    this.reader.closeSync();
    this.instance.closeSync();
  }
}

export interface Transaction {
  query<T = Row>(sql: string, params?: DuckDBValue[]): Promise<T[]>;
  connection: DuckDBConnection;
}

async function runOn<T>(connection: DuckDBConnection, sql: string, params: DuckDBValue[], db: Database): Promise<T[]> {
  db.queryCount++;
  const reader = await connection.runAndReadAll(sql, params.length ? params : undefined);
  return reader.getRowObjectsJS() as T[];
}
