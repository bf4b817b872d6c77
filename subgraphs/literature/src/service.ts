import { randomUUID } from 'node:crypto';

import { InputError, pageRequest, type PageRequest } from '@scifed/schema';

import { extractAnswer, type AnswerSentence } from './answer/extract.js';
import { generateAnswer, generatorFromEnv, type GeneratorConfig } from './answer/generator.js';
import { toBibtex } from './ingest/export.js';
import { parsePapers } from './ingest/parse.js';
import type { IngestFormat, PaperInput } from './ingest/records.js';
import type { LiteratureLimits } from './limits.js';
import type { Bm25Parameters } from './search/bm25.js';
import { CorpusIndex, type IndexedPaper, type PaperFilter } from './search/corpus.js';
import { highlightPassages, type PassageSpan } from './search/highlight.js';
import { rankPapers, type Fusion, type SearchMode } from './search/rank.js';
import type { LiteratureStore, PaperRecord } from './store.js';
import { recognizeMaterials } from './text/formulas.js';
import { analyze } from './text/normalize.js';
import { splitPassages } from './text/sentences.js';

export interface SearchArguments {
  query: string;
  mode: SearchMode;
  filter?: PaperFilter | null;
  first?: number | null;
  after?: string | null;
  /** Client query vector, compared with the vectors given at ingest. */
  vector?: number[] | null;
  fusion?: Fusion;
}

export interface SearchHit {
  paper: PaperRecord;
  score: number;
  highlights: PassageSpan[];
}

export interface AnswerResult {
  text: string;
  sentences: AnswerSentence[];
  conversationId: string;
}

/** Papers whose passages an answer draws from. */
const ANSWER_PAPERS = 5;
/** Query weight of terms that come only from earlier questions of a conversation. */
const CONTEXT_TERM_WEIGHT = 0.5;

/**
 * The literature domain: ingestion, search, answers and related papers over
 * the store (DuckDB, the source of truth) and the in-memory search index
 * rebuilt from it at start-up. Writes are serialized, and the index changes
 * only after the store's transaction commits.
 */
export class LiteratureService {
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly store: LiteratureStore,
    readonly corpus: CorpusIndex,
    readonly limits: LiteratureLimits,
    private readonly generator: GeneratorConfig | null,
  ) {}

  static async open(
    store: LiteratureStore,
    limits: LiteratureLimits,
    options: { bm25?: Bm25Parameters; dim?: number; generator?: GeneratorConfig | null } = {},
  ): Promise<LiteratureService> {
    const corpus = new CorpusIndex(options);
    corpus.addAll((await store.allPapers()).map(toIndexed));
    const generator = options.generator === undefined ? generatorFromEnv() : options.generator;
    return new LiteratureService(store, corpus, limits, generator);
  }

  /** Parses, validates and stores a batch of papers; all or nothing. Re-ingesting an id replaces it. */
  ingest(format: IngestFormat, content: string): Promise<PaperRecord[]> {
    const bytes = Buffer.byteLength(content, 'utf8');
    if (bytes > this.limits.maxContentBytes) {
      throw new InputError(
        `content is ${bytes} bytes, above the limit of ${this.limits.maxContentBytes} (SCIFED_LITERATURE_MAX_CONTENT_BYTES); split it into smaller batches.`,
        'PAYLOAD_TOO_LARGE',
      );
    }
    const inputs = parsePapers(format, content);
    if (inputs.length === 0) throw new InputError(`content contains no ${format} records; give at least one paper.`);
    this.validateBatch(inputs);
    const records = inputs.map(toRecord);
    return this.exclusive(async () => {
      await this.store.db.transaction((tx) => this.store.replacePapers(tx, records));
      this.corpus.addAll(records.map(toIndexed));
      const stored = await this.store.papersByIds(records.map((r) => r.id));
      return stored.filter((paper): paper is PaperRecord => paper !== null);
    });
  }

  private validateBatch(inputs: PaperInput[]): void {
    const { maxBatchPapers, maxPaperChars } = this.limits;
    if (inputs.length > maxBatchPapers) {
      throw new InputError(
        `the batch has ${inputs.length} papers, above the limit of ${maxBatchPapers} (SCIFED_LITERATURE_MAX_BATCH); split it.`,
        'LIMIT_EXCEEDED',
      );
    }
    const lineById = new Map<string, number>();
    let batchDim: number | null = null;
    for (const input of inputs) {
      const earlier = lineById.get(input.id);
      if (earlier !== undefined) {
        throw new InputError(`line ${input.line}: paper id ${JSON.stringify(input.id)} already appears on line ${earlier}; give each paper once per batch.`);
      }
      lineById.set(input.id, input.line);
      const chars = input.title.length + input.abstract.length;
      if (chars > maxPaperChars) {
        throw new InputError(
          `line ${input.line}: paper ${JSON.stringify(input.id)} has ${chars} characters, above the limit of ${maxPaperChars} (SCIFED_LITERATURE_MAX_PAPER_CHARS).`,
          'LIMIT_EXCEEDED',
        );
      }
      if (input.vector) {
        const expected: number = batchDim ?? this.corpus.clientDim ?? input.vector.length;
        if (input.vector.length !== expected) {
          throw new InputError(
            `line ${input.line}: "vector" has ${input.vector.length} dimensions, but stored client vectors have ${expected}; give every paper a vector of one dimension.`,
          );
        }
        batchDim = expected;
      }
    }
  }

  /** Deletes a paper; throws NOT_FOUND when the id is unknown. */
  deletePaper(id: string): Promise<void> {
    return this.exclusive(async () => {
      const deleted = await this.store.db.transaction((tx) => this.store.deletePaper(tx, id));
      if (!deleted) throw new InputError(`paper ${JSON.stringify(id)} was not found; nothing was deleted.`, 'NOT_FOUND');
      this.corpus.remove(id);
    });
  }

  /** Ranks papers for a query; returns one page of hits with their best passages. */
  async search(args: SearchArguments): Promise<{ hits: SearchHit[]; total: number; page: PageRequest }> {
    const query = this.validateQuery(args.query, 'query');
    const page = pageRequest(args.first, args.after);
    if (page.offset + page.limit > this.limits.maxSearchDepth) {
      throw new InputError(
        `search results are served to a depth of ${this.limits.maxSearchDepth} (SCIFED_LITERATURE_MAX_SEARCH_DEPTH), and this page ends at ${page.offset + page.limit}; refine the query or filter instead of paging further.`,
        'LIMIT_EXCEEDED',
      );
    }
    const accept = this.corpus.acceptor(this.validateFilter(args.filter));
    const terms = queryTerms(query);
    const vector = this.queryVector(args, query);
    const { ranked, available } = await rankPapers(this.corpus, {
      mode: args.mode,
      terms,
      vector: vector.vector,
      clientVector: vector.client,
      accept,
      depth: page.offset + page.limit,
      fusion: args.fusion,
    });
    const pageSlots = ranked.slice(page.offset, page.offset + page.limit);
    const papers = await this.store.papersByIds(pageSlots.map(({ slot }) => this.corpus.paperAt(slot)!.id));
    const idf = (term: string) => this.corpus.bm25.idf(term);
    const hits = pageSlots.map(({ slot, score }, i) => ({
      paper: papers[i]!,
      score,
      highlights: highlightPassages(this.corpus.paperAt(slot)!, terms, idf),
    }));
    // The total counts every paper the query ranks, not only those up to this page, so hasNextPage holds.
    return { hits, total: Math.min(available, this.limits.maxSearchDepth), page };
  }

  /**
   * Ranks every live paper for a query and returns their ids, best first, to
   * `depth`. The evaluation uses this: it is `search` without paging or store reads.
   */
  async rankIds(query: string, mode: SearchMode, depth: number, fusion?: Fusion): Promise<string[]> {
    const terms = queryTerms(query);
    const vector = this.corpus.embedder.embed([query]);
    const { ranked } = await rankPapers(this.corpus, { mode, terms, vector, clientVector: false, depth, fusion });
    return ranked.map(({ slot }) => this.corpus.paperAt(slot)!.id);
  }

  private queryVector(args: SearchArguments, query: string): { vector: Float32Array | null; client: boolean } {
    if (args.vector) {
      if (args.mode === 'BM25') throw new InputError('vector applies to DENSE and HYBRID searches; drop it or choose one of those modes.');
      if (this.corpus.clientDim === null) {
        throw new InputError('vector was given, but no stored paper has a client vector; ingest papers with "vector" first or omit it.');
      }
      if (args.vector.length !== this.corpus.clientDim || args.vector.some((x) => !Number.isFinite(x))) {
        throw new InputError(
          `vector must be ${this.corpus.clientDim} finite numbers (the dimension of the stored client vectors), got ${args.vector.length}.`,
        );
      }
      return { vector: Float32Array.from(args.vector), client: true };
    }
    return { vector: args.mode === 'BM25' ? null : this.corpus.embedder.embed([query]), client: false };
  }

  private validateQuery(text: string, name: string): string {
    const trimmed = text.trim();
    if (!trimmed) throw new InputError(`${name} is empty; give a few words to search for.`);
    if (trimmed.length > this.limits.maxQueryChars) {
      throw new InputError(
        `${name} has ${trimmed.length} characters, above the limit of ${this.limits.maxQueryChars} (SCIFED_LITERATURE_MAX_QUERY_CHARS).`,
        'LIMIT_EXCEEDED',
      );
    }
    return trimmed;
  }

  /** Checks filter values: years in order, and categorical values that some stored paper has. */
  validateFilter(filter: PaperFilter | null | undefined): PaperFilter | null {
    if (!filter) return null;
    const { yearFrom, yearTo } = filter;
    for (const [name, year] of [['yearFrom', yearFrom], ['yearTo', yearTo]] as const) {
      if (year != null && (!Number.isInteger(year) || year < 1000 || year > 2999)) {
        throw new InputError(`filter.${name} must be a four-digit year, got ${year}.`);
      }
    }
    if (yearFrom != null && yearTo != null && yearFrom > yearTo) {
      throw new InputError(`filter.yearFrom (${yearFrom}) is after filter.yearTo (${yearTo}); swap them.`);
    }
    const known = (name: string, values: string[], counts: CorpusIndex['venues'], plural: string) => {
      for (const value of values) {
        if (!value.trim()) throw new InputError(`filter.${name} contains an empty string; remove it.`);
        if (!counts.has(value)) {
          const examples = counts.examples(5);
          throw new InputError(
            `filter.${name} ${JSON.stringify(value)} matches no stored paper; ${examples.length ? `stored ${plural} include ${examples.map((e) => JSON.stringify(e)).join(', ')}` : `no stored paper has ${plural}`}.`,
          );
        }
      }
    };
    if (filter.venue != null) known('venue', [filter.venue], this.corpus.venues, 'venues');
    known('authors', filter.authors ?? [], this.corpus.authors, 'authors');
    known('fields', filter.fields ?? [], this.corpus.fields, 'fields');
    return filter;
  }

  /**
   * Answers a question with sentences quoted from the best passages. With a
   * conversationId, the earlier questions of that conversation add their
   * terms at a lower weight, so a follow-up such as "and at high
   * temperature?" keeps its subject.
   */
  async ask(args: { question: string; filter?: PaperFilter | null; conversationId?: string | null }): Promise<AnswerResult> {
    const question = this.validateQuery(args.question, 'question');
    const filter = this.validateFilter(args.filter);
    const conversationId = args.conversationId ?? randomUUID();
    const turns = args.conversationId ? await this.store.conversationTurns(args.conversationId) : [];
    if (args.conversationId && turns.length === 0) {
      throw new InputError(`conversation ${JSON.stringify(args.conversationId)} was not found; omit conversationId to start one.`, 'NOT_FOUND');
    }

    const terms = queryTerms(question);
    for (const turn of turns) {
      for (const term of analyze(turn.question)) if (!terms.has(term)) terms.set(term, CONTEXT_TERM_WEIGHT);
    }
    const context = [...turns.map((turn) => turn.question), question].join('\n');
    const { ranked } = await rankPapers(this.corpus, {
      mode: 'HYBRID',
      terms,
      vector: this.corpus.embedder.embed([context]),
      clientVector: false,
      accept: this.corpus.acceptor(filter),
      depth: ANSWER_PAPERS,
    });
    const papers = ranked.filter((r) => r.matched).map(({ slot }) => this.corpus.paperAt(slot)!);
    // A follow-up borrows its subject from earlier turns, so only a stand-alone
    // question must be covered by the sentences that answer it.
    let sentences = extractAnswer(this.corpus, papers, terms, turns.length > 0 ? 0 : undefined);
    if (this.generator && sentences.length > 0) {
      const generated = await generateAnswer(this.generator, question, sentences.flatMap((s) => s.citations));
      if (generated && generated.length > 0) sentences = generated;
    }
    const text = sentences.length
      ? sentences.map((s) => s.text).join(' ')
      : 'No stored paper contains the terms of this question, so there is no cited answer.';
    await this.store.appendTurn(conversationId, turns.length, question, text);
    return { text, sentences, conversationId };
  }

  /** Papers nearest to paper `id` by default embedding, nearest first. */
  async related(id: string, first: number): Promise<{ paper: PaperRecord; score: number }[]> {
    const slot = this.corpus.slotOf(id);
    if (slot === undefined) throw new InputError(`paper ${JSON.stringify(id)} was not found.`, 'NOT_FOUND');
    const dim = this.corpus.embedder.dim;
    const vector = this.corpus.embeddingMatrix().slice(slot * dim, (slot + 1) * dim);
    const { ranked } = await rankPapers(this.corpus, {
      mode: 'DENSE',
      terms: new Map(),
      vector,
      clientVector: false,
      accept: (other) => other !== slot,
      depth: first,
    });
    const papers = await this.store.papersByIds(ranked.map((r) => this.corpus.paperAt(r.slot)!.id));
    // With no query terms every paper is "unmatched", so the score is the cosine mapped to [0, 1].
    return ranked.map((r, i) => ({ paper: papers[i]!, score: r.score }));
  }

  /** BibTeX of the given papers, in the order given; throws NOT_FOUND naming any unknown id. */
  async exportBibtex(ids: string[]): Promise<string> {
    const papers = await this.store.papersByIds(ids);
    const missing = ids.filter((_, i) => papers[i] === null);
    if (missing.length) throw new InputError(`papers ${missing.map((id) => JSON.stringify(id)).join(', ')} were not found.`, 'NOT_FOUND');
    return toBibtex(papers as PaperRecord[]);
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.writes.then(work, work);
    this.writes = next.catch(() => undefined);
    return next;
  }
}

/** Query terms with their counts as weights. */
export function queryTerms(text: string): Map<string, number> {
  const terms = new Map<string, number>();
  for (const term of analyze(text)) terms.set(term, (terms.get(term) ?? 0) + 1);
  return terms;
}

function toRecord(input: PaperInput): Omit<PaperRecord, 'createdAt'> {
  return {
    id: input.id,
    title: input.title,
    abstract: input.abstract,
    authors: input.authors,
    year: input.year,
    venue: input.venue,
    doi: input.doi,
    fields: input.fields,
    references: input.references,
    metadata: input.metadata,
    vector: input.vector,
    materials: recognizeMaterials(`${input.title}\n${input.abstract}`),
    passages: splitPassages(input.abstract).flatMap((span) => [span.start, span.end]),
    sourceFormat: input.sourceFormat,
  };
}

function toIndexed(record: Omit<PaperRecord, 'createdAt'>): IndexedPaper {
  return {
    id: record.id,
    title: record.title,
    abstract: record.abstract,
    year: record.year,
    venue: record.venue,
    authors: record.authors,
    fields: record.fields,
    hasDoi: record.doi !== null,
    vector: record.vector ? Float32Array.from(record.vector) : null,
    passages: Int32Array.from(record.passages),
  };
}
