import { encodeCursor, InputError } from '@scifed/schema';
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver, Float } from 'type-graphql';

import type { LiteratureContext } from '../context.js';
import type { SearchMode } from '../search/rank.js';
import { Answer, PaperFilterInput, PaperSearchConnection, RelatedPaper, SearchModeEnum } from '../schema/types.js';

@Resolver()
export class SearchResolver {
  @Query(() => PaperSearchConnection, { description: 'Ranks papers for a query; filters apply before ranking.' })
  async searchPapers(
    @Arg('query', () => String) query: string,
    @Ctx() ctx: LiteratureContext,
    @Arg('mode', () => SearchModeEnum, { defaultValue: 'HYBRID' }) mode: SearchMode,
    @Arg('filter', () => PaperFilterInput, { nullable: true }) filter?: PaperFilterInput,
    @Arg('first', () => Int, { defaultValue: 10 }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('vector', () => [Float], {
      nullable: true,
      description: 'Client query vector (DENSE and HYBRID); compared by cosine with the vectors given at ingest instead of the default embedding.',
    })
    vector?: number[],
  ) {
    const { hits, total, page } = await ctx.service.search({ query, mode, filter, first, after, vector });
    const edges = hits.map((hit, i) => ({
      cursor: encodeCursor(page.offset + i),
      node: hit.paper,
      score: hit.score,
      highlights: hit.highlights,
    }));
    return { edges, totalCount: total, hasNextPage: page.offset + hits.length < total, endCursor: edges.at(-1)?.cursor ?? null };
  }

  @Mutation(() => Answer, {
    description: 'Answers a question with sentences quoted from stored papers; each citation quote equals abstract[start:end]. Pass conversationId for a follow-up.',
  })
  ask(
    @Arg('question', () => String) question: string,
    @Ctx() ctx: LiteratureContext,
    @Arg('filter', () => PaperFilterInput, { nullable: true }) filter?: PaperFilterInput,
    @Arg('conversationId', () => ID, { nullable: true }) conversationId?: string,
  ) {
    return ctx.service.ask({ question, filter, conversationId });
  }

  @Query(() => [RelatedPaper], { description: 'Papers nearest to a paper by default embedding, nearest first.' })
  relatedPapers(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: LiteratureContext,
    @Arg('first', () => Int, { defaultValue: 10 }) first: number,
  ) {
    return ctx.service.related(id, validateFirst(first));
  }

  @Query(() => String, { description: 'BibTeX entries of the given papers, in the order given.' })
  exportBibtex(@Arg('ids', () => [ID]) ids: string[], @Ctx() ctx: LiteratureContext): Promise<string> {
    return ctx.service.exportBibtex(ids);
  }
}

function validateFirst(first: number): number {
  if (!Number.isInteger(first) || first < 1 || first > 100) {
    throw new InputError(`first must be an integer from 1 to 100, got ${first}.`);
  }
  return first;
}
