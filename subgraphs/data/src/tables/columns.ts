import { InputError } from '@scifed/schema';

/**
 * Column types a table may declare. VECTOR is stored as DuckDB `FLOAT[dimension]`
 * (float32); the others map to the DuckDB type of the same name, and JSON is
 * DuckDB's JSON alias of VARCHAR.
 */
export const COLUMN_TYPES = ['BOOLEAN', 'INTEGER', 'BIGINT', 'DOUBLE', 'VARCHAR', 'TIMESTAMP', 'JSON', 'VECTOR'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** Column types that can serve as a primary key. */
export const KEY_TYPES: readonly ColumnType[] = ['INTEGER', 'BIGINT', 'VARCHAR'];

/**
 * Largest magnitude of a vector component, stored or queried. Distances are
 * summed in float32 (largest finite value about 3.4e38), and 4,096
 * components of 1e15 square to 4.1e33, so sums of squares and dot products
 * stay finite at any dimension up to 10^8.
 */
export const MAX_VECTOR_COMPONENT = 1e15;

/** Index of the first component that is not a finite number within ±MAX_VECTOR_COMPONENT, or −1. */
export function badVectorComponent(vector: ArrayLike<unknown>): number {
  for (let i = 0; i < vector.length; i++) {
    const x = vector[i];
    if (typeof x !== 'number' || !(Math.abs(x) <= MAX_VECTOR_COMPONENT)) return i;
  }
  return -1;
}

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /** VECTOR only: number of float32 components. */
  dimension: number | null;
}

export interface TableSpec {
  name: string;
  columns: ColumnSpec[];
  primaryKey: string;
}

/** Table and column names: a letter or underscore, then letters, digits and underscores. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const MAX_IDENTIFIER_LENGTH = 63;

/** Validates a table or column name; `what` names the argument in the message. */
export function checkIdentifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name) || name.length > MAX_IDENTIFIER_LENGTH) {
    throw new InputError(
      `${what} ${JSON.stringify(name)} is not a valid identifier; use 1 to ${MAX_IDENTIFIER_LENGTH} letters, digits and underscores, starting with a letter or underscore.`,
    );
  }
  return name;
}

/**
 * Quotes a validated identifier for SQL. Validation already excludes quotes,
 * so doubling them is only a second line of defence.
 */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The DuckDB type written in CREATE TABLE for a column. */
export function sqlType(column: ColumnSpec): string {
  return column.type === 'VECTOR' ? `FLOAT[${column.dimension}]` : column.type;
}

export interface SchemaLimits {
  maxColumns: number;
  maxDimension: number;
}

/** Validates a table definition and returns it normalised (dimension null except on VECTOR columns). */
export function checkTableSpec(input: { name: string; columns: { name: string; type: string; dimension?: number | null }[]; primaryKey: string }, limits: SchemaLimits): TableSpec {
  const name = checkIdentifier(input.name, 'table name');
  if (input.columns.length === 0) throw new InputError(`table ${JSON.stringify(name)} needs at least one column.`);
  if (input.columns.length > limits.maxColumns) {
    throw new InputError(
      `table ${JSON.stringify(name)} declares ${input.columns.length} columns, above the limit of ${limits.maxColumns} (SCIFED_DATA_MAX_COLUMNS).`,
      'LIMIT_EXCEEDED',
    );
  }

  const seen = new Set<string>();
  const columns = input.columns.map((column): ColumnSpec => {
    checkIdentifier(column.name, 'column name');
    const folded = column.name.toLowerCase();
    // DuckDB matches identifiers without regard to case, so "Mass" and "mass" would collide.
    if (seen.has(folded)) throw new InputError(`column ${JSON.stringify(column.name)} is declared twice (names are case-insensitive).`);
    seen.add(folded);
    if (!COLUMN_TYPES.includes(column.type as ColumnType)) {
      throw new InputError(`column ${JSON.stringify(column.name)} has unknown type ${JSON.stringify(column.type)}; use one of ${COLUMN_TYPES.join(', ')}.`);
    }
    const type = column.type as ColumnType;
    if (type !== 'VECTOR') {
      if (column.dimension != null) throw new InputError(`column ${JSON.stringify(column.name)}: dimension applies only to VECTOR columns.`);
      return { name: column.name, type, dimension: null };
    }
    const dimension = column.dimension;
    if (dimension == null || !Number.isInteger(dimension) || dimension < 1 || dimension > limits.maxDimension) {
      throw new InputError(
        `VECTOR column ${JSON.stringify(column.name)} needs a dimension from 1 to ${limits.maxDimension} (SCIFED_DATA_MAX_DIMENSION), got ${dimension ?? 'none'}.`,
      );
    }
    return { name: column.name, type, dimension };
  });

  const key = columns.find((column) => column.name === input.primaryKey);
  if (!key) {
    throw new InputError(`primaryKey ${JSON.stringify(input.primaryKey)} is not a column of ${JSON.stringify(name)}; use one of ${columns.map((c) => c.name).join(', ')}.`);
  }
  if (!KEY_TYPES.includes(key.type)) {
    throw new InputError(`primaryKey ${JSON.stringify(key.name)} has type ${key.type}; a key column must be ${KEY_TYPES.join(', ')}.`);
  }
  return { name, columns, primaryKey: key.name };
}

/** Finds a column by exact name or throws naming the valid ones. */
export function findColumn(table: TableSpec, name: string): ColumnSpec {
  const column = table.columns.find((c) => c.name === name);
  if (!column) {
    throw new InputError(`column ${JSON.stringify(name)} is not in table ${JSON.stringify(table.name)}; its columns are ${table.columns.map((c) => c.name).join(', ')}.`);
  }
  return column;
}
