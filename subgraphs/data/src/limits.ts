/** Configurable limits of the data subgraph; each comes from the SCIFED_* variable named beside it. */
export interface DataLimits {
  /** SCIFED_DATA_MAX_IMPORT_BYTES: size of one importRows content string, bytes. */
  maxImportBytes: number;
  /** SCIFED_DATA_MAX_BATCH_ROWS: rows in one import, insert, update or delete. */
  maxBatchRows: number;
  /** SCIFED_DATA_MAX_COLUMNS: columns per table. */
  maxColumns: number;
  /** SCIFED_DATA_MAX_DIMENSION: components of a VECTOR column. */
  maxDimension: number;
  /** SCIFED_SQL_MAX_ROWS: rows `sql` returns before it sets `truncated`. */
  sqlMaxRows: number;
  /** SCIFED_SQL_TIMEOUT_MS: wall-clock limit of one `sql` statement, ms. */
  sqlTimeoutMs: number;
  /** SCIFED_DATA_MAX_K: largest `k` of vector and hybrid search. */
  maxK: number;
  /** SCIFED_DATA_EXACT_MAX_ROWS: filtered searches whose filter passes at most this many rows run exactly. */
  exactMaxRows: number;
  /** SCIFED_DATA_FILTER_CACHE_MB: memory for the labels of recent vector-search filters, MiB; 0 turns the cache off. */
  filterCacheBytes: number;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, minimum = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < minimum) {
    throw new Error(`${name} must be ${minimum === 0 ? 'a non-negative' : 'a positive'} integer, got ${JSON.stringify(raw)}.`);
  }
  return value;
}

export function limitsFromEnv(env = process.env): DataLimits {
  return {
    maxImportBytes: positiveInteger(env, 'SCIFED_DATA_MAX_IMPORT_BYTES', 64 * 1024 * 1024),
    maxBatchRows: positiveInteger(env, 'SCIFED_DATA_MAX_BATCH_ROWS', 1_000_000),
    maxColumns: positiveInteger(env, 'SCIFED_DATA_MAX_COLUMNS', 256),
    maxDimension: positiveInteger(env, 'SCIFED_DATA_MAX_DIMENSION', 4096),
    sqlMaxRows: positiveInteger(env, 'SCIFED_SQL_MAX_ROWS', 10_000),
    sqlTimeoutMs: positiveInteger(env, 'SCIFED_SQL_TIMEOUT_MS', 10_000),
    maxK: positiveInteger(env, 'SCIFED_DATA_MAX_K', 1000),
    exactMaxRows: positiveInteger(env, 'SCIFED_DATA_EXACT_MAX_ROWS', 20_000),
    filterCacheBytes: positiveInteger(env, 'SCIFED_DATA_FILTER_CACHE_MB', 64, 0) * 2 ** 20,
  };
}
