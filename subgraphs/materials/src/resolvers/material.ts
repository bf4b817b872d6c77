import { connectionFrom, pageRequest } from '@scifed/schema';
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';

import type { MaterialsContext } from '../context.js';
import { Material, StructureConnection } from '../schema/types.js';
import { reduceFormulaArgument } from './structure.js';

@Resolver(() => Material)
export class MaterialResolver {
  @Query(() => Material, {
    description: 'A chemical system by formula, in any written form ("Ni3Al", "AlNi3"); other subgraphs add its papers, rows and memories.',
  })
  material(@Arg('formula', () => String) formula: string): Material {
    return { formula: reduceFormulaArgument(formula) };
  }

  @FieldResolver(() => StructureConnection, {
    // Nullable so that the gateway can return the rest of a query while this subgraph is down.
    nullable: true, description: 'Stored structures with this reduced formula, oldest first.' })
  async structures(
    @Root() material: Material,
    @Ctx() ctx: MaterialsContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const page = pageRequest(first, after);
    const { records, total } = await ctx.structuresByFormula.load({ formula: material.formula, ...page });
    return connectionFrom(records, page, total);
  }
}
