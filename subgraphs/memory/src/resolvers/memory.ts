import { connectionFrom, pageRequest } from '@scifed/schema';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';

import type { MemoryContext } from '../context.js';
import { Material, Memory, MemoryBank, MemoryConnection, MemoryToken, WriteMemoryInput, WriteMemoryKVInput } from '../schema/types.js';
import type { BankRecord, KeptToken, MemoryRecord } from '../store.js';

@Resolver(() => Memory)
export class MemoryResolver {
  @Query(() => Memory, { nullable: true, description: 'One memory by id; null when no memory has that id.' })
  memory(@Arg('id', () => ID) id: string, @Ctx() ctx: MemoryContext): Promise<MemoryRecord | null> {
    return ctx.memoryById.load(id);
  }

  @Query(() => MemoryConnection, { description: 'Memories of a bank in the order they were written.' })
  async memories(
    @Ctx() ctx: MemoryContext,
    @Arg('bank', () => String) bank: string,
    @Arg('tag', () => String, { nullable: true, description: 'Only memories carrying this exact tag.' }) tag?: string,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const page = pageRequest(first, after);
    await ctx.service.requireBank(bank);
    const { records, total } = await ctx.store.listMemories(bank, page, tag);
    return connectionFrom(records, page, total);
  }

  @Mutation(() => [Memory], { description: 'Stores text as memories, one per chunk of at most 128 tokens, all or nothing.' })
  writeMemory(@Arg('input', () => WriteMemoryInput) input: WriteMemoryInput, @Ctx() ctx: MemoryContext): Promise<MemoryRecord[]> {
    return ctx.service.writeText(input);
  }

  @Mutation(() => Memory, { description: "Stores one memory from a model's keys and values (base64, tokens × heads × headDim), all or nothing." })
  writeMemoryKV(@Arg('input', () => WriteMemoryKVInput) input: WriteMemoryKVInput, @Ctx() ctx: MemoryContext): Promise<MemoryRecord> {
    return ctx.service.writeTensors(input);
  }

  @FieldResolver(() => [MemoryToken], { description: 'Tokens kept by at least one head, in chunk order.' })
  async tokens(@Root() memory: MemoryRecord, @Ctx() ctx: MemoryContext): Promise<KeptToken[]> {
    const kv = await ctx.kvById.load(memory.id);
    return kv?.tokens ?? [];
  }

  @FieldResolver(() => MemoryBank)
  async bank(@Root() memory: MemoryRecord, @Ctx() ctx: MemoryContext): Promise<BankRecord> {
    return (await ctx.bankByName.load(memory.bank))!;
  }

  @FieldResolver(() => [Material], { description: 'Materials named by the tags that are chemical formulas, by reduced formula.' })
  materials(@Root() memory: MemoryRecord): Material[] {
    return memory.formulas.map((formula) => ({ formula }));
  }
}
