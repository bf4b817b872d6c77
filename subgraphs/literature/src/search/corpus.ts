import { analyze } from '../text/normalize.js';
import { InvertedIndex, type Bm25Parameters, DEFAULT_BM25 } from './bm25.js';
import { HashedNgramEmbedder } from './embedder.js';

/**
 * Dimension of the default embedding. Hash collisions cost accuracy: on the
 * SciFact training split DENSE nDCG@10 was 0.47 at 384, 0.58 at 1024 and
 * 0.63 at 2048; 1024 keeps 100k papers at 400 MB of float32.
 */
export const DEFAULT_DIM = 1024;

/** Fields of a paper kept by the in-memory index. */
export interface IndexedPaper {
  id: string;
  title: string;
  abstract: string;
  year: number | null;
  venue: string | null;
  authors: string[];
  fields: string[];
  hasDoi: boolean;
  /** Client-supplied embedding, if any. */
  vector: Float32Array | null;
  /** Passage spans into `abstract`, flat [start0, end0, start1, end1, ...]. */
  passages: Int32Array;
}

/** Search filter; every given condition must hold. String matches ignore case. */
export interface PaperFilter {
  yearFrom?: number | null;
  yearTo?: number | null;
  venue?: string | null;
  /** Papers with at least one of these authors. */
  authors?: string[] | null;
  /** Papers with at least one of these fields of study or keywords. */
  fields?: string[] | null;
  hasDoi?: boolean | null;
}

/** Case-insensitive counts of the values of one categorical field across live papers. */
class ValueCounts {
  private readonly counts = new Map<string, number>();
  private readonly spelling = new Map<string, string>();

  change(value: string, delta: 1 | -1): void {
    const key = value.toLowerCase();
    const next = (this.counts.get(key) ?? 0) + delta;
    if (next <= 0) this.counts.delete(key);
    else this.counts.set(key, next);
    if (delta > 0) this.spelling.set(key, value);
  }

  has(value: string): boolean {
    return this.counts.has(value.toLowerCase());
  }

  /** Up to `n` stored spellings, most frequent first, for error messages. */
  examples(n: number): string[] {
    return [...this.counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key]) => this.spelling.get(key)!);
  }
}

/**
 * The search state of the literature subgraph: papers by slot, the BM25
 * index, default embeddings (row-major slots × dim) and client vectors.
 * A slot is a paper's row in these arrays; replacing or deleting a paper
 * frees nothing, it only marks the old slot dead.
 */
export class CorpusIndex {
  readonly bm25: InvertedIndex;
  readonly embedder: HashedNgramEmbedder;
  readonly venues = new ValueCounts();
  readonly authors = new ValueCounts();
  readonly fields = new ValueCounts();
  private readonly papers: (IndexedPaper | null)[] = [];
  private readonly slotById = new Map<string, number>();
  private embeddings: Float32Array;
  /** Dimension of client vectors; fixed by the first paper that brings one. */
  clientDim: number | null = null;

  constructor(options: { bm25?: Bm25Parameters; dim?: number } = {}) {
    this.bm25 = new InvertedIndex(options.bm25 ?? DEFAULT_BM25);
    this.embedder = new HashedNgramEmbedder(options.dim ?? DEFAULT_DIM);
    this.embeddings = new Float32Array(1024 * this.embedder.dim);
  }

  get size(): number {
    return this.slotById.size;
  }

  /** Slots ever assigned, live or dead; the row count of the embedding matrix. */
  get slotCount(): number {
    return this.papers.length;
  }

  slotOf(id: string): number | undefined {
    return this.slotById.get(id);
  }

  paperAt(slot: number): IndexedPaper | null {
    return this.papers[slot] ?? null;
  }

  /** Returns the default embeddings of all slots, row-major slotCount × dim (dead rows included, zeroed). */
  embeddingMatrix(): Float32Array {
    return this.embeddings.subarray(0, this.papers.length * this.embedder.dim);
  }

  /**
   * Adds papers (replacing any with the same id), embeds them, and refits the
   * embedder's IDF when the corpus has doubled since the last fit.
   */
  addAll(papers: IndexedPaper[]): void {
    for (const paper of papers) this.add(paper);
    if (this.embedder.needsRefit()) {
      this.embedder.fit();
      for (let slot = 0; slot < this.papers.length; slot++) this.embedSlot(slot);
    } else {
      for (const paper of papers) this.embedSlot(this.slotById.get(paper.id)!);
    }
  }

  private add(paper: IndexedPaper): void {
    this.remove(paper.id);
    const slot = this.papers.length;
    this.papers.push(paper);
    this.slotById.set(paper.id, slot);
    this.bm25.add(slot, analyze(paper.title), analyze(paper.abstract));
    this.embedder.observe(this.embedder.features(embeddingText(paper)));
    if (paper.venue) this.venues.change(paper.venue, 1);
    for (const author of paper.authors) this.authors.change(author, 1);
    for (const field of paper.fields) this.fields.change(field, 1);
    if (paper.vector) this.clientDim ??= paper.vector.length;
  }

  private embedSlot(slot: number): void {
    const paper = this.papers[slot];
    if (!paper) return;
    const dim = this.embedder.dim;
    if (this.embeddings.length < (slot + 1) * dim) {
      const grown = new Float32Array(Math.max(this.embeddings.length * 2, (slot + 1) * dim));
      grown.set(this.embeddings);
      this.embeddings = grown;
    }
    // Features are recomputed rather than kept: a few thousand per paper would not fit in memory at 100k papers.
    this.embedder.project(this.embedder.features(embeddingText(paper)), this.embeddings, slot * dim);
  }

  /** Removes a paper by id; returns whether it was present. */
  remove(id: string): boolean {
    const slot = this.slotById.get(id);
    if (slot === undefined) return false;
    const paper = this.papers[slot]!;
    this.slotById.delete(id);
    this.papers[slot] = null;
    this.bm25.remove(slot);
    this.embedder.observe(this.embedder.features(embeddingText(paper)), -1);
    this.embeddings.fill(0, slot * this.embedder.dim, (slot + 1) * this.embedder.dim);
    if (paper.venue) this.venues.change(paper.venue, -1);
    for (const author of paper.authors) this.authors.change(author, -1);
    for (const field of paper.fields) this.fields.change(field, -1);
    if (this.size === 0) this.clientDim = null;
    return true;
  }

  /** A predicate for `filter` over live slots; undefined when the filter is empty. */
  acceptor(filter: PaperFilter | null | undefined): ((slot: number) => boolean) | undefined {
    if (!filter) return undefined;
    const venue = filter.venue?.toLowerCase();
    const authors = filter.authors?.length ? new Set(filter.authors.map((a) => a.toLowerCase())) : null;
    const fields = filter.fields?.length ? new Set(filter.fields.map((f) => f.toLowerCase())) : null;
    const { yearFrom, yearTo, hasDoi } = filter;
    if (yearFrom == null && yearTo == null && !venue && !authors && !fields && hasDoi == null) return undefined;
    return (slot) => {
      const paper = this.papers[slot];
      if (!paper) return false;
      if (yearFrom != null && (paper.year == null || paper.year < yearFrom)) return false;
      if (yearTo != null && (paper.year == null || paper.year > yearTo)) return false;
      if (venue && paper.venue?.toLowerCase() !== venue) return false;
      if (authors && !paper.authors.some((a) => authors.has(a.toLowerCase()))) return false;
      if (fields && !paper.fields.some((f) => fields.has(f.toLowerCase()))) return false;
      if (hasDoi != null && paper.hasDoi !== hasDoi) return false;
      return true;
    };
  }

  /** Live slots that pass `accept`, ascending. */
  liveSlots(accept?: (slot: number) => boolean): Int32Array {
    const slots: number[] = [];
    for (let slot = 0; slot < this.papers.length; slot++) {
      if (this.papers[slot] && (!accept || accept(slot))) slots.push(slot);
    }
    return Int32Array.from(slots);
  }
}

function embeddingText(paper: IndexedPaper): string {
  return `${paper.title}\n${paper.abstract}`;
}
