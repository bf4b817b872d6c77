import { connectionFrom, pageRequest } from '@scifed/schema';
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';

import type { DataContext } from '../context.js';
import { Material, MaterialRowConnection } from '../schema/types.js';

@Resolver(() => Material)
export class MaterialResolver {
  @FieldResolver(() => MaterialRowConnection, {
    // Nullable so that the gateway can return the rest of a query while this subgraph is down.
    nullable: true, description: 'Rows of linked formula columns whose value reduces to this formula, by table, column and key.' })
  async rows(
    @Root() material: Material,
    @Ctx() ctx: DataContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const page = pageRequest(first, after);
    const { records, total } = await ctx.rowsByFormula.load({ formula: material.formula, ...page });
    return connectionFrom(records, page, total);
  }
}
