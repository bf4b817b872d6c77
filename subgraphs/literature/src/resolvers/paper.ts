import { connectionFrom, pageRequest } from '@scifed/schema';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';

import type { LiteratureContext } from '../context.js';
import type { IngestFormat } from '../ingest/records.js';
import { passagesOf } from '../search/highlight.js';
import { IngestFormatEnum, IngestResult, Material, Paper, PaperConnection, Passage } from '../schema/types.js';
import type { PaperRecord } from '../store.js';

@Resolver(() => Paper)
export class PaperResolver {
  @Query(() => Paper, { nullable: true, description: 'One paper by id; null when no paper has that id.' })
  paper(@Arg('id', () => ID) id: string, @Ctx() ctx: LiteratureContext): Promise<PaperRecord | null> {
    return ctx.paperById.load(id);
  }

  @Query(() => PaperConnection, { description: 'Stored papers in ingestion order.' })
  async papers(
    @Ctx() ctx: LiteratureContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    const page = pageRequest(first, after);
    const { records, total } = await ctx.service.store.listPapers(page);
    return connectionFrom(records, page, total);
  }

  @Mutation(() => IngestResult, {
    description: 'Parses and stores papers; a paper whose id is already stored replaces it. A bad record is reported by line and nothing is stored.',
  })
  async ingestPapers(
    @Arg('format', () => IngestFormatEnum) format: IngestFormat,
    @Arg('content', () => String) content: string,
    @Ctx() ctx: LiteratureContext,
  ): Promise<{ count: number; papers: PaperRecord[] }> {
    const papers = await ctx.service.ingest(format, content);
    return { count: papers.length, papers };
  }

  @Mutation(() => ID, { description: 'Deletes a paper and returns its id; NOT_FOUND when the id is unknown.' })
  async deletePaper(@Arg('id', () => ID) id: string, @Ctx() ctx: LiteratureContext): Promise<string> {
    await ctx.service.deletePaper(id);
    return id;
  }

  @FieldResolver(() => [Passage], { description: 'Passages of the abstract, in text order.' })
  passages(@Root() paper: PaperRecord) {
    return passagesOf({ id: paper.id, abstract: paper.abstract, passages: Int32Array.from(paper.passages) });
  }

  @FieldResolver(() => [Material], { description: 'Chemical systems the title or abstract mentions, by reduced formula.' })
  materials(@Root() paper: PaperRecord): Material[] {
    return paper.materials.map((formula) => ({ formula }));
  }

  @FieldResolver(() => [Paper], { description: 'Stored papers this paper cites; cited ids that are not stored are left out.' })
  async references(@Root() paper: PaperRecord, @Ctx() ctx: LiteratureContext): Promise<PaperRecord[]> {
    const cited = await ctx.paperById.loadMany(paper.references);
    return cited.filter((p): p is PaperRecord => p !== null && !(p instanceof Error));
  }

  @FieldResolver(() => [String], { description: 'Ids this paper cites, as ingested (stored or not).' })
  referenceIds(@Root() paper: PaperRecord): string[] {
    return paper.references;
  }

  @FieldResolver(() => [Paper], { description: 'Stored papers that cite this paper, in ingestion order.' })
  citedBy(@Root() paper: PaperRecord, @Ctx() ctx: LiteratureContext): Promise<PaperRecord[]> {
    return ctx.citingPapers.load(paper.id);
  }
}
