import { Arg, Ctx, Float, ID, Mutation, Query, Resolver } from 'type-graphql';

import type { MemoryContext } from '../context.js';
import type { RecallResult } from '../memory/recall.js';
import { Memory, Recall, RecallInput } from '../schema/types.js';
import type { MemoryRecord } from '../store.js';

@Resolver(() => Recall)
export class RecallResolver {
  @Query(() => Recall, { description: 'Retrieves the best memories of a bank and reads them by sparse attention, with token evidence.' })
  recall(@Arg('input', () => RecallInput) input: RecallInput, @Ctx() ctx: MemoryContext): Promise<RecallResult> {
    return ctx.service.recall(input);
  }

  @Mutation(() => Memory, { description: 'Deletes a memory; the next recall no longer retrieves it. Returns the deleted memory.' })
  forgetMemory(@Arg('id', () => ID) id: string, @Ctx() ctx: MemoryContext): Promise<MemoryRecord> {
    return ctx.service.forget(id);
  }

  @Mutation(() => Memory, { description: "Adds delta to a memory's retrieval prior; positive raises it in the next recall, negative lowers it." })
  reinforceMemory(
    @Arg('id', () => ID) id: string,
    @Arg('delta', () => Float, { description: 'Added to the retrieval score, in units of cosine similarity.' }) delta: number,
    @Ctx() ctx: MemoryContext,
  ): Promise<MemoryRecord> {
    return ctx.service.reinforce(id, delta);
  }
}
