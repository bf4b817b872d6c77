import { listValue, type DuckDBValue } from '@duckdb/node-api';
import { InputError } from '@scifed/schema';

import type { DataLimits } from '../limits.js';
import type { DataStore } from '../store.js';
import { jsonValue } from '../tables/json-values.js';

export interface SqlResult {
  columns: { name: string; type: string }[];
  /** Rows as arrays of JSON values, in column order. */
  rows: unknown[][];
  truncated: boolean;
}

/**
 * Converts a JSON parameter to a DuckDB value: integers within ±2^53 bind as
 * BIGINT, other numbers as DOUBLE, arrays as lists, and objects as JSON text.
 */
export function parameterValue(value: unknown, index: number): DuckDBValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value as DuckDBValue;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) {
    const items = value.map((item) => parameterValue(item, index));
    // An all-number array binds as a list; array_cosine_distance and friends need FLOAT[n], so cast in SQL ($1::FLOAT[3]).
    return items.every((item) => typeof item === 'number' || typeof item === 'bigint') ? listValue(items.map(Number)) : listValue(items);
  }
  if (typeof value === 'object') return JSON.stringify(value);
  throw new InputError(`params[${index}] (${String(value)}) cannot be bound; use a string, number, boolean, null, array or object.`);
}


/** Runs one read-only statement under the row and time limits. */
export async function runSql(store: DataStore, limits: DataLimits, query: string, params: unknown[] = []): Promise<SqlResult> {
  const values = params.map((value, i) => parameterValue(value, i));
  const result = await store.runReadOnly(query, values, { maxRows: limits.sqlMaxRows, timeoutMs: limits.sqlTimeoutMs });
  return {
    columns: result.names.map((name, i) => ({ name, type: String(result.types[i]) })),
    rows: result.rows.map((row) => row.map((value, i) => jsonValue(value, result.types[i]))),
    truncated: result.truncated,
  };
}
