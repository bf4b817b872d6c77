import { ConnectionType, DateTimeScalar, JSONScalar } from '@scifed/schema';
import { Directive, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';

import { INGEST_FORMATS, type IngestFormat } from '../ingest/records.js';
import { SEARCH_MODES, type SearchMode } from '../search/rank.js';

export const IngestFormatEnum = Object.fromEntries(INGEST_FORMATS.map((f) => [f, f])) as { [K in IngestFormat]: K };
registerEnumType(IngestFormatEnum, {
  name: 'IngestFormat',
  description:
    'JSONL: one paper per line, BEIR corpus form {_id, title, text, metadata} or plain form {id, title, abstract, authors, year, venue, doi, fields, references, vector}. ' +
    'BIBTEX: entries keyed by citation key. RIS: TY ... ER records. TEXT: one plain-text or Markdown document whose first heading or line is the title.',
});

export const SearchModeEnum = Object.fromEntries(SEARCH_MODES.map((m) => [m, m])) as { [K in SearchMode]: K };
registerEnumType(SearchModeEnum, {
  name: 'SearchMode',
  description: 'BM25: term matching with title and body weights. DENSE: embedding similarity. HYBRID: both, as a weighted sum of the max-normalized BM25 score and the cosine.',
});

@ObjectType({ description: 'A span of a paper\'s abstract, about 100 to 200 words of whole sentences.' })
export class Passage {
  @Field(() => ID, { description: '"<paperId>#<index>", index from 0 in text order.' })
  passageId!: string;

  @Field(() => String, { description: 'Exactly abstract[start:end].' })
  text!: string;

  @Field(() => Int, { description: 'Start offset into Paper.abstract, UTF-16 code units.' })
  start!: number;

  @Field(() => Int, { description: 'End offset (exclusive) into Paper.abstract, UTF-16 code units.' })
  end!: number;
}

@ObjectType({ description: 'A scientific paper. `abstract` holds its body text as ingested; offsets point into it.' })
@Directive('@key(fields: "id")')
export class Paper {
  @Field(() => ID, { description: 'The id given at ingest (BEIR _id, BibTeX key, RIS ID or DOI, or a hash of a text title).' })
  id!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String, { description: 'Abstract or body text, unchanged from the source.' })
  abstract!: string;

  @Field(() => [String])
  authors!: string[];

  @Field(() => Int, { nullable: true })
  year!: number | null;

  @Field(() => String, { nullable: true, description: 'Journal, conference or publisher.' })
  venue!: string | null;

  @Field(() => String, { nullable: true, description: 'DOI without a resolver prefix, e.g. "10.1038/nature12373".' })
  doi!: string | null;

  @Field(() => [String], { description: 'Fields of study or keywords.' })
  fields!: string[];

  @Field(() => JSONScalar, { nullable: true, description: 'Other source fields (BEIR metadata, BibTeX entry type and month, RIS type).' })
  metadata!: Record<string, unknown> | null;

  @Field(() => String, { description: 'Format the paper was ingested from.' })
  sourceFormat!: string;

  @Field(() => DateTimeScalar, { description: 'When the paper was stored.' })
  createdAt!: Date;
}

export const PaperConnection = ConnectionType('Paper', Paper);

@ObjectType({ description: 'A chemical system, identified across subgraphs by its reduced formula.' })
@Directive('@key(fields: "formula")')
export class Material {
  @Field(() => String, { description: 'Reduced formula: elements in alphabetical order with counts, count 1 omitted (e.g. "Cu", "AlNi3").' })
  formula!: string;
}

@ObjectType({ description: 'Result of ingestPapers.' })
export class IngestResult {
  @Field(() => Int, { description: 'Papers stored (new or replaced).' })
  count!: number;

  @Field(() => [Paper], { description: 'The stored papers, in input order.' })
  papers!: Paper[];
}

@ObjectType({ description: 'A passage of a search hit that matches the query.' })
export class Highlight {
  @Field(() => ID)
  passageId!: string;

  @Field(() => String, { description: 'Exactly abstract[start:end].' })
  text!: string;

  @Field(() => Int, { description: 'Start offset into Paper.abstract, UTF-16 code units.' })
  start!: number;

  @Field(() => Int, { description: 'End offset (exclusive) into Paper.abstract, UTF-16 code units.' })
  end!: number;
}

@ObjectType({ description: 'One ranked paper.' })
export class PaperSearchEdge {
  @Field(() => String, { description: 'Opaque cursor; pass it as `after` to read the following page.' })
  cursor!: string;

  @Field(() => Paper)
  node!: Paper;

  @Field(() => Float, {
    description:
      'BM25: the BM25F score. DENSE and HYBRID: 1 + s for papers containing a query term and s for the others, s in [0, 1] (cosine mapped to [0, 1], or the fused score), so every term match scores above every non-match.',
  })
  score!: number;

  @Field(() => [Highlight], { description: 'The passage that best matches the query (the first passage when none matches).' })
  highlights!: Highlight[];
}

@ObjectType({ description: 'Ranked papers for a query.' })
export class PaperSearchConnection {
  @Field(() => [PaperSearchEdge])
  edges!: PaperSearchEdge[];

  @Field(() => Int, { description: 'Ranked papers available, at most the search depth limit.' })
  totalCount!: number;

  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@InputType({ description: 'Conditions a paper must meet to be ranked; string matches ignore case.' })
export class PaperFilterInput {
  @Field(() => Int, { nullable: true, description: 'Earliest year, inclusive.' })
  yearFrom?: number | null;

  @Field(() => Int, { nullable: true, description: 'Latest year, inclusive.' })
  yearTo?: number | null;

  @Field(() => String, { nullable: true, description: 'Exact venue, as stored.' })
  venue?: string | null;

  @Field(() => [String], { nullable: true, description: 'Papers with at least one of these authors (full names as stored).' })
  authors?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Papers with at least one of these fields of study or keywords.' })
  fields?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Only papers with (true) or without (false) a DOI.' })
  hasDoi?: boolean | null;
}

@ObjectType({ description: 'A cited span: quote is exactly Paper.abstract[start:end] of paper paperId.' })
export class Citation {
  @Field(() => ID)
  paperId!: string;

  @Field(() => ID)
  passageId!: string;

  @Field(() => Int, { description: 'Start offset into Paper.abstract, UTF-16 code units.' })
  start!: number;

  @Field(() => Int, { description: 'End offset (exclusive) into Paper.abstract, UTF-16 code units.' })
  end!: number;

  @Field(() => String)
  quote!: string;
}

@ObjectType({ description: 'One sentence of an answer with the spans it comes from.' })
export class AnswerSentence {
  @Field(() => String)
  text!: string;

  @Field(() => [Citation])
  citations!: Citation[];
}

@ObjectType({ description: 'An answer built from stored passages; every sentence cites at least one span.' })
export class Answer {
  @Field(() => String, { description: 'The sentences joined, or a statement that nothing stored answers the question.' })
  text!: string;

  @Field(() => [AnswerSentence])
  sentences!: AnswerSentence[];

  @Field(() => ID, { description: 'Pass it with the next question to ask a follow-up.' })
  conversationId!: string;
}

@ObjectType({ description: 'A paper near another one.' })
export class RelatedPaper {
  @Field(() => Paper)
  paper!: Paper;

  @Field(() => Float, { description: 'Cosine of the default embeddings, mapped to [0, 1].' })
  score!: number;
}
