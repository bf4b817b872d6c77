import { connectionFrom, pageRequest } from '@scifed/schema';
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';

import type { LiteratureContext } from '../context.js';
import { Material, PaperConnection } from '../schema/types.js';

@Resolver(() => Material)
export class MaterialResolver {
  @FieldResolver(() => PaperConnection, {
    // Nullable so that the gateway can return the rest of a query while this subgraph is down.
    nullable: true,
    description: 'Papers whose title or abstract mentions this system (its formula, or its element name for a pure element), in ingestion order.',
  })
  async papers(
    @Root() material: Material,
    @Ctx() ctx: LiteratureContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const page = pageRequest(first, after);
    const { records, total } = await ctx.papersByMaterial.load({ formula: material.formula, ...page });
    return connectionFrom(records, page, total);
  }
}
