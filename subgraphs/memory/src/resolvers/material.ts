import { connectionFrom, pageRequest } from '@scifed/schema';
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';

import type { MemoryContext } from '../context.js';
import { Material, MemoryConnection } from '../schema/types.js';

@Resolver(() => Material)
export class MaterialResolver {
  @FieldResolver(() => MemoryConnection, {
    // Nullable so that the gateway can return the rest of a query while this subgraph is down.
    nullable: true,
    description: 'Memories with a tag whose reduced formula is this one ("Ni3Al" and "AlNi3" both match AlNi3), oldest first.',
  })
  async memories(
    @Root() material: Material,
    @Ctx() ctx: MemoryContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const page = pageRequest(first, after);
    const { records, total } = await ctx.memoriesByFormula.load({ key: material.formula, ...page });
    return connectionFrom(records, page, total);
  }
}
