import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';

import type { DataContext } from '../context.js';
import {
  CreateVectorIndexInput,
  HybridSearchInput,
  HybridSearchResult,
  Table,
  VectorIndex,
  VectorSearchInput,
  VectorSearchResult,
} from '../schema/types.js';
import type { TableRecord } from '../store.js';
import { DEFAULT_INDEX_CONFIG, type ColumnIndex } from '../vectors/indexes.js';

export function vectorIndexView(index: ColumnIndex): VectorIndex {
  return { table: index.table, column: index.column.name, dimension: index.dim, ...index.config, size: index.size, buildSeconds: index.buildSeconds };
}

@Resolver(() => Table)
export class VectorResolver {
  @Mutation(() => VectorIndex, { description: 'Builds an HNSW index over a VECTOR column (replacing an existing one); it then follows every insert, update and delete.' })
  async createVectorIndex(@Arg('input', () => CreateVectorIndexInput) input: CreateVectorIndexInput, @Ctx() ctx: DataContext): Promise<VectorIndex> {
    const index = await ctx.vectors.create(input.table, input.column, {
      metric: input.metric,
      connectivity: input.connectivity ?? DEFAULT_INDEX_CONFIG.connectivity,
      expansionAdd: input.expansionAdd ?? DEFAULT_INDEX_CONFIG.expansionAdd,
      expansionSearch: input.expansionSearch ?? DEFAULT_INDEX_CONFIG.expansionSearch,
      quantization: input.quantization ?? DEFAULT_INDEX_CONFIG.quantization,
    });
    return vectorIndexView(index);
  }

  @Mutation(() => Boolean, { description: 'Drops the index of a column; false when it had none.' })
  dropVectorIndex(@Arg('table', () => String) table: string, @Arg('column', () => String) column: string, @Ctx() ctx: DataContext): Promise<boolean> {
    return ctx.vectors.drop(table, column);
  }

  @Query(() => VectorSearchResult, { description: 'The k rows nearest to a vector, optionally among rows passing a SQL filter; strategy names the plan.' })
  async vectorSearch(@Arg('input', () => VectorSearchInput) input: VectorSearchInput, @Ctx() ctx: DataContext): Promise<VectorSearchResult> {
    const table = await ctx.tables.requireTable(input.table);
    const outcome = await ctx.search.search(table, input);
    const rows = await ctx.store.rowsByKeys(table, outcome.hits.map((hit) => hit.key), scalarColumns(table));
    return { ...outcome, hits: outcome.hits.map((hit, i) => ({ ...hit, row: rows[i] ?? {} })) };
  }

  @Query(() => HybridSearchResult, { description: 'BM25 over a text column fused with vector similarity, by reciprocal rank or weighted scores.' })
  async hybridSearch(@Arg('input', () => HybridSearchInput) input: HybridSearchInput, @Ctx() ctx: DataContext): Promise<HybridSearchResult> {
    const table = await ctx.tables.requireTable(input.table);
    const { hits, vectorStrategy } = await ctx.hybrid.search(table, input);
    const rows = await ctx.store.rowsByKeys(table, hits.map((hit) => hit.key), scalarColumns(table));
    return { vectorStrategy, hits: hits.map((hit, i) => ({ ...hit, row: rows[i] ?? {} })) };
  }

  @FieldResolver(() => [VectorIndex], { description: 'HNSW indexes over this table’s VECTOR columns.' })
  vectorIndexes(@Root() table: TableRecord, @Ctx() ctx: DataContext): VectorIndex[] {
    return ctx.vectors.forTable(table.name).map(vectorIndexView);
  }
}

/** Names of the non-VECTOR columns, which search hits return. */
export function scalarColumns(table: TableRecord): string[] {
  return table.columns.filter((c) => c.type !== 'VECTOR').map((c) => c.name);
}
