import { ConnectionType, DateTimeScalar, JSONScalar } from '@scifed/schema';
import { Directive, Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';

import { COLUMN_TYPES, type ColumnType } from '../tables/columns.js';
import { IMPORT_FORMATS, type ConflictAction, type ImportFormat } from '../tables/service.js';
import { QUANTIZATIONS, VECTOR_METRICS, type Quantization, type VectorMetricName } from '../vectors/indexes.js';
import { FUSIONS, type Fusion } from '../vectors/hybrid.js';
import { SEARCH_STRATEGIES, type SearchStrategy } from '../vectors/search.js';

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

export const VectorMetricEnum = enumOf(VECTOR_METRICS);
registerEnumType(VectorMetricEnum, {
  name: 'VectorMetric',
  description: 'COSINE: distance 1 − cos θ. L2: Euclidean distance. IP: distance −q·v (largest inner product first).',
});

export const QuantizationEnum = enumOf(QUANTIZATIONS);
registerEnumType(QuantizationEnum, { name: 'Quantization', description: 'Scalar type of the vectors inside the HNSW graph: float32, float16 or int8.' });

export const SearchStrategyEnum = enumOf(SEARCH_STRATEGIES);
registerEnumType(SearchStrategyEnum, {
  name: 'SearchStrategy',
  description:
    'HNSW: the graph without a filter. HNSW_FILTERED: the graph, over-fetching until k rows pass the filter. EXACT: every row, exactly. EXACT_FILTERED: exactly, over the rows that pass the filter.',
});

@InputType({ description: 'An HNSW index over a VECTOR column (usearch).' })
export class CreateVectorIndexInput {
  @Field(() => String)
  table!: string;

  @Field(() => String)
  column!: string;

  @Field(() => VectorMetricEnum, { defaultValue: 'COSINE' })
  metric!: VectorMetricName;

  @Field(() => Int, { nullable: true, description: 'Graph edges per node (HNSW M); default 16.' })
  connectivity?: number | null;

  @Field(() => Int, { nullable: true, description: 'Candidate list size while inserting (efConstruction); default 128.' })
  expansionAdd?: number | null;

  @Field(() => Int, { nullable: true, description: 'Candidate list size while searching (ef); default 64.' })
  expansionSearch?: number | null;

  @Field(() => QuantizationEnum, { nullable: true, description: 'Default F32.' })
  quantization?: Quantization | null;
}

@ObjectType({ description: 'An HNSW index over a VECTOR column, kept in step with the rows.' })
export class VectorIndex {
  @Field(() => String)
  table!: string;

  @Field(() => String)
  column!: string;

  @Field(() => Int)
  dimension!: number;

  @Field(() => VectorMetricEnum)
  metric!: VectorMetricName;

  @Field(() => Int)
  connectivity!: number;

  @Field(() => Int)
  expansionAdd!: number;

  @Field(() => Int)
  expansionSearch!: number;

  @Field(() => QuantizationEnum)
  quantization!: Quantization;

  @Field(() => Int, { description: 'Rows in the index (rows whose vector is not NULL).' })
  size!: number;

  @Field(() => Float, { description: 'Seconds the last full build took; 0 when the index was loaded from its file.' })
  buildSeconds!: number;
}

@InputType({ description: 'A k-nearest-neighbour search over a VECTOR column, optionally filtered by SQL.' })
export class VectorSearchInput {
  @Field(() => String)
  table!: string;

  @Field(() => String)
  column!: string;

  @Field(() => [Float], { description: 'Query vector; its length must equal the column dimension.' })
  vector!: number[];

  @Field(() => Int)
  k!: number;

  @Field(() => String, { nullable: true, description: 'SQL boolean expression over the table columns, e.g. "category = $1 AND mass > $2"; it runs read-only like sql.' })
  where?: string | null;

  @Field(() => [JSONScalar], { nullable: true, description: 'Positional parameters of where ($1, $2, ...).' })
  params?: unknown[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Force exact search.' })
  exact?: boolean | null;
}

@ObjectType({ description: 'A row found by vector or hybrid search.' })
export class SearchHitType {
  @Field(() => String, { description: 'Primary key of the row, as a string.' })
  key!: string;

  @Field(() => Float, { description: 'Vector distance under the index metric (vectorSearch), or the fused score, larger first (hybridSearch).' })
  distance!: number;

  @Field(() => JSONScalar, { description: 'The row without its VECTOR columns.' })
  row!: Record<string, unknown>;
}

@ObjectType({ description: 'Nearest rows, nearest first, and the plan that found them.' })
export class VectorSearchResult {
  @Field(() => [SearchHitType])
  hits!: SearchHitType[];

  @Field(() => SearchStrategyEnum)
  strategy!: SearchStrategy;

  @Field(() => Int, { description: 'Rows that pass the filter (with a vector, on the exact plans), or every indexed row without a filter.' })
  candidates!: number;

  @Field(() => Boolean, { description: 'Whether the rows passing the filter came from the filter cache (no write since the same filter and params last ran) rather than a SQL statement.' })
  filterCached!: boolean;
}

export const FusionEnum = enumOf(FUSIONS);
registerEnumType(FusionEnum, {
  name: 'Fusion',
  description: 'RRF: Σ weight / (60 + rank), ranks from 1. WEIGHTED: Σ weight × score, with BM25 scores and negated distances each min-max normalised to [0, 1].',
});

@InputType({ description: 'Weights of the two lists in hybrid search; default 1 and 1.' })
export class HybridWeightsInput {
  @Field(() => Float)
  text!: number;

  @Field(() => Float)
  vector!: number;
}

@InputType({ description: 'BM25 over a text column fused with vector similarity.' })
export class HybridSearchInput {
  @Field(() => String)
  table!: string;

  @Field(() => String, { description: 'VARCHAR or JSON column scored by BM25 (k1 = 1.2, b = 0.75).' })
  textColumn!: string;

  @Field(() => String, { description: 'Query text; lower-cased runs of letters and digits are the terms.' })
  query!: string;

  @Field(() => String, { description: 'Indexed VECTOR column.' })
  vectorColumn!: string;

  @Field(() => [Float])
  vector!: number[];

  @Field(() => Int)
  k!: number;

  @Field(() => String, { nullable: true, description: 'SQL filter applied to both lists, as in vectorSearch.' })
  where?: string | null;

  @Field(() => [JSONScalar], { nullable: true })
  params?: unknown[] | null;

  @Field(() => FusionEnum, { nullable: true, defaultValue: 'RRF' })
  fusion?: Fusion | null;

  @Field(() => HybridWeightsInput, { nullable: true })
  weights?: HybridWeightsInput | null;
}

@ObjectType({ description: 'A row found by hybrid search, with its place in each list.' })
export class HybridHitType {
  @Field(() => String)
  key!: string;

  @Field(() => Float, { description: 'Fused score, larger first.' })
  score!: number;

  @Field(() => Int, { nullable: true, description: 'Rank in the BM25 list (from 1); null when the row was not in it.' })
  textRank!: number | null;

  @Field(() => Float, { nullable: true })
  textScore!: number | null;

  @Field(() => Int, { nullable: true, description: 'Rank in the vector list (from 1); null when the row was not in it.' })
  vectorRank!: number | null;

  @Field(() => Float, { nullable: true })
  vectorDistance!: number | null;

  @Field(() => JSONScalar, { description: 'The row without its VECTOR columns.' })
  row!: Record<string, unknown>;
}

@ObjectType({ description: 'Hybrid search hits, best first.' })
export class HybridSearchResult {
  @Field(() => [HybridHitType])
  hits!: HybridHitType[];

  @Field(() => SearchStrategyEnum, { description: 'Plan of the vector list.' })
  vectorStrategy!: SearchStrategy;
}
