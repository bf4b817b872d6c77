import { connectionFrom, pageRequest } from '@scifed/schema';
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';

import type { MemoryContext } from '../context.js';
import { MemoryConnection, Paper } from '../schema/types.js';

@Resolver(() => Paper)
export class PaperResolver {
  @FieldResolver(() => MemoryConnection, {
    // Nullable so that the gateway can return the rest of a query while this subgraph is down.
    nullable: true, description: 'Memories whose source is this paper id, oldest first.' })
  async memories(
    @Root() paper: Paper,
    @Ctx() ctx: MemoryContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const page = pageRequest(first, after);
    const { records, total } = await ctx.memoriesBySource.load({ key: paper.id, ...page });
    return connectionFrom(records, page, total);
  }
}
