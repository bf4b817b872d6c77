import { connectionFrom, JSONScalar, pageRequest } from '@scifed/schema';
import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';

import type { DataContext } from '../context.js';
import {
  ConflictActionEnum,
  CreateTableInput,
  DeleteResult,
  ImportFormatEnum,
  ImportResult,
  Table,
  TableConnection,
} from '../schema/types.js';
import type { TableRecord } from '../store.js';
import type { ConflictAction, ImportFormat } from '../tables/service.js';

@Resolver(() => Table)
export class TableResolver {
  @Query(() => Table, { nullable: true, description: 'One table by name; null when no table has that name.' })
  table(@Arg('name', () => String) name: string, @Ctx() ctx: DataContext): Promise<TableRecord | null> {
    return ctx.tableByName.load(name);
  }

  @Query(() => TableConnection, { description: 'Tables in name order.' })
  async tables(
    @Ctx() ctx: DataContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const page = pageRequest(first, after);
    const { records, total } = await ctx.store.listTables(page);
    return connectionFrom(records, page, total);
  }

  @Mutation(() => Table, { description: 'Creates an empty table with typed columns and a primary key.' })
  createTable(@Arg('input', () => CreateTableInput) input: CreateTableInput, @Ctx() ctx: DataContext): Promise<TableRecord> {
    return ctx.tables.createTable(input);
  }

  @Mutation(() => Boolean, { description: 'Drops a table with its rows, links and vector indexes; false when no table had that name.' })
  dropTable(@Arg('name', () => String) name: string, @Ctx() ctx: DataContext): Promise<boolean> {
    return ctx.tables.dropTable(name);
  }

  @Mutation(() => ImportResult, { description: 'Parses content and inserts every row in one transaction; one bad row stores nothing and the error names its line and column.' })
  importRows(
    @Arg('table', () => String) table: string,
    @Arg('format', () => ImportFormatEnum) format: ImportFormat,
    @Arg('content', () => String, { description: 'CSV or JSON Lines text, or a Parquet file as base64.' }) content: string,
    @Arg('onConflict', () => ConflictActionEnum, { nullable: true, defaultValue: 'ERROR' }) onConflict: ConflictAction,
    @Ctx() ctx: DataContext,
  ) {
    return ctx.tables.importRows(table, format, content, onConflict);
  }

  @Mutation(() => ImportResult, { description: 'Inserts rows given as objects of column name to value, in one transaction.' })
  insertRows(
    @Arg('table', () => String) table: string,
    @Arg('rows', () => [JSONScalar]) rows: unknown[],
    @Arg('onConflict', () => ConflictActionEnum, { nullable: true, defaultValue: 'ERROR' }) onConflict: ConflictAction,
    @Ctx() ctx: DataContext,
  ) {
    return ctx.tables.insertRows(table, rows, onConflict);
  }

  @Mutation(() => ImportResult, { description: 'Changes the named columns of existing rows, found by the primary key each object carries; all or nothing.' })
  updateRows(@Arg('table', () => String) table: string, @Arg('rows', () => [JSONScalar]) rows: unknown[], @Ctx() ctx: DataContext) {
    return ctx.tables.updateRows(table, rows);
  }

  @Mutation(() => DeleteResult, { description: 'Deletes rows by primary key (as strings).' })
  deleteRows(@Arg('table', () => String) table: string, @Arg('keys', () => [String]) keys: string[], @Ctx() ctx: DataContext) {
    return ctx.tables.deleteRows(table, keys);
  }

  @Mutation(() => Table, { description: 'Marks a VARCHAR column as holding chemical formulas, so its rows appear under Material.rows.' })
  linkMaterialColumn(@Arg('table', () => String) table: string, @Arg('column', () => String) column: string, @Ctx() ctx: DataContext): Promise<TableRecord> {
    return ctx.tables.linkMaterialColumn(table, column);
  }
}
