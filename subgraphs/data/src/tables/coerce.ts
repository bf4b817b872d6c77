import { arrayValue, timestampValue, type DuckDBValue } from '@duckdb/node-api';
import { InputError } from '@scifed/schema';

import { badVectorComponent, type ColumnSpec } from './columns.js';

/** Where a value came from, for error messages: "line 4" of a CSV, "row 2" of a batch. */
export type Position = string;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const EXPECTED: Record<ColumnSpec['type'], string> = {
  BOOLEAN: 'true or false',
  INTEGER: `an integer from ${INT32_MIN} to ${INT32_MAX}`,
  BIGINT: 'a 64-bit integer (write it as a string past 2^53)',
  DOUBLE: 'a number',
  VARCHAR: 'a string',
  TIMESTAMP: 'an ISO 8601 timestamp such as 2024-05-01T12:00:00Z',
  JSON: 'a JSON value',
  VECTOR: 'an array of numbers',
};

function invalid(position: Position, column: ColumnSpec, raw: unknown, detail?: string): InputError {
  let shown: string | undefined;
  if (typeof raw === 'string') shown = JSON.stringify(raw.length > 60 ? `${raw.slice(0, 60)}...` : raw);
  else shown = JSON.stringify(raw)?.slice(0, 60);
  const expected = column.type === 'VECTOR' ? `an array of ${column.dimension} numbers` : EXPECTED[column.type];
  return new InputError(`${position}, column ${JSON.stringify(column.name)}: ${shown} is not ${expected}${detail ? ` (${detail})` : ''}.`);
}

const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Parses an ISO 8601 date or date-time into microseconds since the Unix
 * epoch, UTC. A time without an offset is taken as UTC. Digits past the
 * microsecond are truncated (DuckDB TIMESTAMP resolution is 1 µs).
 */
export function parseTimestampMicros(text: string): bigint | undefined {
  const match = ISO_TIMESTAMP.exec(text.trim());
  if (!match) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', offset] = match;
  const millis = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const check = new Date(millis);
  // Date.UTC rolls 2024-02-30 over to March; reject such dates instead.
  if (Number.isNaN(millis) || check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return undefined;
  }
  let offsetMinutes = 0;
  if (offset && offset.toUpperCase() !== 'Z') {
    const sign = offset.startsWith('-') ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
  }
  const micros = BigInt(Number(fraction.padEnd(6, '0').slice(0, 6)));
  return (BigInt(millis) - BigInt(offsetMinutes) * 60_000n) * 1000n + micros;
}

function parseBigInt(raw: unknown): bigint | undefined {
  if (typeof raw === 'bigint') return raw;
  if (typeof raw === 'number') return Number.isSafeInteger(raw) ? BigInt(raw) : undefined;
  if (typeof raw === 'string' && /^\s*[+-]?\d+\s*$/.test(raw)) return BigInt(raw.trim());
  return undefined;
}

function parseNumber(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'bigint') return Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const text = raw.trim();
  if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return NaN;
  const value = Number(text);
  return Number.isNaN(value) ? undefined : value;
}

function parseBoolean(raw: unknown): boolean | undefined {
  if (typeof raw === 'boolean') return raw;
  if (raw === 1) return true;
  if (raw === 0) return false;
  if (typeof raw === 'number') return undefined;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim().toLowerCase();
  if (['true', 't', '1', 'yes', 'y'].includes(text)) return true;
  if (['false', 'f', '0', 'no', 'n'].includes(text)) return false;
  return undefined;
}

/** Parses a vector from an array or from its JSON text, checking length and finiteness. */
function parseVector(raw: unknown, column: ColumnSpec, position: Position): number[] {
  let items = raw;
  if (typeof raw === 'string') {
    try {
      items = JSON.parse(raw);
    } catch {
      throw invalid(position, column, raw, 'write it as a JSON array such as [0.1, 0.2]');
    }
  }
  if (!Array.isArray(items) && ArrayBuffer.isView(items)) items = Array.from(items as Float32Array);
  if (!Array.isArray(items)) throw invalid(position, column, raw);
  if (items.length !== column.dimension) throw invalid(position, column, raw, `it has ${items.length} components`);
  const bad = badVectorComponent(items);
  if (bad >= 0) {
    throw invalid(position, column, raw, `component ${bad} is ${String(items[bad])}; every component must be a finite number within ±1e15, so scale the vector down`);
  }
  return items as number[];
}

/**
 * Converts one input value to the DuckDB value for `column`. `raw` is CSV
 * text or a decoded JSON/Parquet value; null, undefined and (for CSV) the
 * empty string become SQL NULL. Throws InputError naming the position and column.
 */
export function coerceValue(raw: unknown, column: ColumnSpec, position: Position, fromText: boolean): DuckDBValue {
  if (raw === null || raw === undefined || (fromText && raw === '' && column.type !== 'VARCHAR')) return null;

  switch (column.type) {
    case 'BOOLEAN': {
      const value = parseBoolean(raw);
      if (value === undefined) throw invalid(position, column, raw);
      return value;
    }
    case 'INTEGER': {
      const value = parseNumber(raw);
      if (value === undefined || !Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) throw invalid(position, column, raw);
      return value;
    }
    case 'BIGINT': {
      const value = parseBigInt(raw);
      if (value === undefined || value < INT64_MIN || value > INT64_MAX) throw invalid(position, column, raw);
      return value;
    }
    case 'DOUBLE': {
      const value = parseNumber(raw);
      if (value === undefined) throw invalid(position, column, raw);
      return value;
    }
    case 'VARCHAR':
      if (typeof raw === 'string') return raw;
      if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'bigint') return String(raw);
      throw invalid(position, column, raw);
    case 'TIMESTAMP': {
      let micros: bigint | undefined;
      if (raw instanceof Date) micros = BigInt(raw.getTime()) * 1000n;
      else if (typeof raw === 'string') micros = parseTimestampMicros(raw);
      if (micros === undefined) throw invalid(position, column, raw);
      return timestampValue(micros);
    }
    case 'JSON': {
      if (!fromText) return JSON.stringify(raw);
      try {
        JSON.parse(raw as string);
      } catch (error) {
        throw invalid(position, column, raw, (error as Error).message);
      }
      return raw as string;
    }
    case 'VECTOR':
      return arrayValue(parseVector(raw, column, position));
  }
}

/** The primary key as text, the form in which keys travel in the API. */
export function keyText(value: DuckDBValue): string {
  return String(value);
}
