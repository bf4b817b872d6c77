import { connectionFrom, pageRequest } from '@scifed/schema';
import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';

import type { MemoryContext } from '../context.js';
import { CreateMemoryBankInput, MemoryBank, MemoryBankConnection, MemoryBankStats } from '../schema/types.js';
import type { BankRecord } from '../store.js';

@Resolver(() => MemoryBank)
export class MemoryBankResolver {
  @Query(() => MemoryBank, { nullable: true, description: 'One bank by name; null when no bank has that name.' })
  memoryBank(@Arg('name', () => String) name: string, @Ctx() ctx: MemoryContext): Promise<BankRecord | null> {
    return ctx.bankByName.load(name);
  }

  @Query(() => MemoryBankConnection, { description: 'Memory banks in name order.' })
  async memoryBanks(
    @Ctx() ctx: MemoryContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const page = pageRequest(first, after);
    const { records, total } = await ctx.store.listBanks(page);
    return connectionFrom(records, page, total);
  }

  @Mutation(() => MemoryBank, { description: 'Creates an empty memory bank; fields left out take their documented defaults.' })
  createMemoryBank(@Arg('input', () => CreateMemoryBankInput) input: CreateMemoryBankInput, @Ctx() ctx: MemoryContext): Promise<BankRecord> {
    return ctx.service.createBank(input);
  }

  @FieldResolver(() => MemoryBankStats, { description: 'Memories, kept tokens and bytes, with the compression ratio against dense storage.' })
  async stats(@Root() bank: BankRecord, @Ctx() ctx: MemoryContext): Promise<MemoryBankStats> {
    const stats = await ctx.bankStats.load(bank.name);
    return {
      ...stats,
      bytesPerMemory: stats.memories ? stats.bytes / stats.memories : 0,
      compressionRatio: stats.bytes ? stats.denseBytes / stats.bytes : 0,
    };
  }
}
