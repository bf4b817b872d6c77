import { ConnectionType, DateTimeScalar, JSONScalar } from '@scifed/schema';
import { Directive, Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';

import { COLUMN_TYPES, type ColumnType } from '../tables/columns.js';
import { IMPORT_FORMATS, type ConflictAction, type ImportFormat } from '../tables/service.js';

function enumOf<T extends string>(values: readonly T[]): { [K in T]: K } {
  return Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };
}

export const ColumnTypeEnum = enumOf(COLUMN_TYPES);
registerEnumType(ColumnTypeEnum, {
  name: 'ColumnType',
  description: 'Type of a table column. VECTOR is a fixed-length float32 array (DuckDB FLOAT[dimension]); TIMESTAMP values are UTC.',
});

export const ImportFormatEnum = enumOf(IMPORT_FORMATS);
registerEnumType(ImportFormatEnum, {
  name: 'ImportFormat',
  description: 'CSV with a header line, JSON Lines (one object per line), or PARQUET (the file as base64).',
});

export const ConflictActionEnum = enumOf<ConflictAction>(['ERROR', 'REPLACE']);
registerEnumType(ConflictActionEnum, {
  name: 'ConflictAction',
  description: 'What an insert does with a key already in the table: ERROR rejects the batch, REPLACE overwrites the whole row.',
});

@ObjectType({ description: 'A column of a table.' })
export class Column {
  @Field(() => String)
  name!: string;

  @Field(() => ColumnTypeEnum)
  type!: ColumnType;

  @Field(() => Int, { nullable: true, description: 'Number of components of a VECTOR column; null for other types.' })
  dimension!: number | null;
}

@ObjectType({ description: 'A typed DuckDB table of the data subgraph, identified by its name.' })
@Directive('@key(fields: "name")')
export class Table {
  @Field(() => String)
  name!: string;

  @Field(() => [Column], { description: 'Columns in declaration order.' })
  columns!: Column[];

  @Field(() => String, { description: 'Name of the primary-key column; keys travel as strings in the API.' })
  primaryKey!: string;

  @Field(() => Int, { description: 'Number of rows.' })
  rowCount!: number;

  @Field(() => [String], { description: 'Columns whose values are chemical formulas linked to Material.' })
  materialColumns!: string[];

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}

export const TableConnection = ConnectionType('Table', Table);

@InputType({ description: 'A column to create.' })
export class ColumnInput {
  @Field(() => String, { description: 'Letters, digits and underscores, starting with a letter or underscore; unique ignoring case.' })
  name!: string;

  @Field(() => ColumnTypeEnum)
  type!: ColumnType;

  @Field(() => Int, { nullable: true, description: 'Number of components; required for VECTOR, omitted otherwise.' })
  dimension?: number | null;
}

@InputType({ description: 'A table to create.' })
export class CreateTableInput {
  @Field(() => String, { description: 'Letters, digits and underscores, starting with a letter or underscore; unique ignoring case.' })
  name!: string;

  @Field(() => [ColumnInput])
  columns!: ColumnInput[];

  @Field(() => String, { description: 'The key column; it must be INTEGER, BIGINT or VARCHAR.' })
  primaryKey!: string;
}

@ObjectType({ description: 'Outcome of an import or insert: all rows were stored, or none.' })
export class ImportResult {
  @Field(() => Table)
  table!: Table;

  @Field(() => Int, { description: 'Rows added under new keys.' })
  inserted!: number;

  @Field(() => Int, { description: 'Existing rows overwritten (onConflict: REPLACE) or changed (updateRows).' })
  replaced!: number;
}

@ObjectType({ description: 'Outcome of deleteRows.' })
export class DeleteResult {
  @Field(() => Table)
  table!: Table;

  @Field(() => Int, { description: 'Rows that existed and were deleted; unknown keys are skipped.' })
  deleted!: number;
}

@ObjectType({ description: 'A table row linked to a Material through a formula column.' })
export class MaterialRow {
  @Field(() => String, { description: 'Name of the table that holds the row.' })
  table!: string;

  @Field(() => String, { description: 'The linked column whose formula matched.' })
  column!: string;

  @Field(() => String, { description: 'Primary key of the row, as a string.' })
  key!: string;

  @Field(() => JSONScalar, { description: 'The row as an object of column name to value (BIGINT past 2^53 as a string, timestamps in ISO 8601).' })
  row!: Record<string, unknown>;
}

export const MaterialRowConnection = ConnectionType('MaterialRow', MaterialRow);

@ObjectType({ description: 'A chemical system, identified across subgraphs by its reduced formula.' })
@Directive('@key(fields: "formula")')
export class Material {
  @Field(() => String, { description: 'Reduced formula: elements in alphabetical order with counts, count 1 omitted (e.g. "Cu", "AlNi3").' })
  formula!: string;
}

@ObjectType({ description: 'A result column of a SQL query.' })
export class SqlColumn {
  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'DuckDB type, e.g. BIGINT, TIMESTAMP, FLOAT[384].' })
  type!: string;
}

@ObjectType({ description: 'Rows of a read-only SQL query.' })
export class SqlResult {
  @Field(() => [SqlColumn])
  columns!: SqlColumn[];

  @Field(() => [[JSONScalar]], {
    nullable: 'items',
    description: 'Rows as arrays in column order. BIGINT past 2^53 is a string, timestamps are ISO 8601 UTC, NULLs inside lists are kept.',
  })
  rows!: unknown[][];

  @Field(() => Boolean, { description: 'True when the query had more rows than SCIFED_SQL_MAX_ROWS and only that many were returned.' })
  truncated!: boolean;
}
