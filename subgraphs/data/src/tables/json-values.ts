import {
  DuckDBArrayValue,
  DuckDBBlobValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';

/**
 * Converts DuckDB values to JSON-safe values for GraphQL `JSON` output:
 * - integers within ±2^53 become numbers, larger ones decimal strings, so
 *   BIGINT and HUGEINT stay exact;
 * - TIMESTAMP and TIMESTAMPTZ become ISO 8601 UTC strings with microseconds
 *   when present (TIMESTAMP is stored as UTC by this subgraph);
 * - NaN and ±Infinity become the strings "NaN", "Infinity", "-Infinity";
 * - lists, arrays and structs keep their shape, NULLs inside them included;
 * - columns of DuckDB's JSON type are parsed into values;
 * - BLOBs become base64; other values use DuckDB's text form.
 */
export function jsonValue(value: DuckDBValue, type?: DuckDBType): unknown {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    if (typeof value === 'string' && type?.alias === 'JSON') return JSON.parse(value);
    return value;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return exactInteger(value);
  if (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue) return isoFromMicros(value.micros);
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) {
    const childType = (type as { valueType?: DuckDBType } | undefined)?.valueType;
    return value.items.map((item) => jsonValue(item, childType));
  }
  if (value instanceof DuckDBStructValue) {
    const entryTypes = (type as { entryTypes?: DuckDBType[]; entryNames?: string[] } | undefined) ?? {};
    return Object.fromEntries(
      Object.entries(value.entries).map(([name, item]) => {
        const index = entryTypes.entryNames?.indexOf(name) ?? -1;
        return [name, jsonValue(item, index >= 0 ? entryTypes.entryTypes?.[index] : undefined)];
      }),
    );
  }
  if (value instanceof DuckDBMapValue) return value.entries.map(({ key, value: item }) => ({ key: jsonValue(key), value: jsonValue(item) }));
  if (value instanceof DuckDBDecimalValue) return value.toDouble();
  if (value instanceof DuckDBBlobValue) return Buffer.from(value.bytes).toString('base64');
  return String(value);
}

/** A number when exactly representable as a double, else the decimal string. */
export function exactInteger(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

/** ISO 8601 UTC text of a DuckDB timestamp in µs since the epoch ("2024-05-01T12:00:00.123456Z"). */
export function isoFromMicros(micros: bigint): string {
  const millis = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const date = new Date(Number(millis));
  if (Number.isNaN(date.getTime())) return String(micros);
  const subMillis = Number(((micros % 1000n) + 1000n) % 1000n);
  const iso = date.toISOString();
  return subMillis === 0 ? iso : `${iso.slice(0, -1)}${String(subMillis).padStart(3, '0')}Z`;
}

/** Converts a result's rows (DuckDB values) into JSON objects keyed by column name. */
export function jsonRows(names: string[], types: DuckDBType[], rows: DuckDBValue[][]): Record<string, unknown>[] {
  return rows.map((row) => Object.fromEntries(row.map((value, i) => [names[i], jsonValue(value, types[i])])));
}
