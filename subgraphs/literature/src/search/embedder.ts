import { termOf, tokenize } from '../text/normalize.js';

/** Turns texts into fixed-length vectors for dense retrieval. */
export interface Embedder {
  /** Name reported with results, e.g. "hashed-ngram-384". */
  readonly name: string;
  readonly dim: number;
  /** Row-major texts.length × dim vectors, L2-normalized. */
  embed(texts: readonly string[]): Float32Array;
}

/** Sparse features of a text: hashed feature bucket -> count. */
export type FeatureCounts = Map<number, number>;

/** Hash buckets of the sparse feature space; document frequencies are kept per bucket. */
const FEATURE_BITS = 20;
const FEATURE_MASK = (1 << FEATURE_BITS) - 1;

// Feature kinds and their weights: word terms count most, character n-grams
// catch morphology and spelling variants that stemming misses.
const WORD_WEIGHT = 1.0;
const BIGRAM_WEIGHT = 0.7;
const CHAR_WEIGHT = 0.25;
const CHAR_NGRAM_SIZES = [3, 4, 5];

/** FNV-1a, 32 bits, over UTF-16 code units, seeded by the feature kind. */
function hashString(kind: number, text: string): number {
  let hash = (0x811c9dc5 ^ kind) >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Murmur3's 32-bit finalizer: spreads a bucket id over the dense index and sign. */
function mix(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const KIND_WEIGHT = [WORD_WEIGHT, BIGRAM_WEIGHT, CHAR_WEIGHT];

/**
 * The default embedder: deterministic, no model files. A text becomes sparse
 * features (stemmed word terms, adjacent term pairs, and character 3- to
 * 5-grams of each word), each weighted by (1 + ln tf) · idf · kind weight,
 * and the sparse vector is projected to `dim` dimensions by signed feature
 * hashing (Weinberger et al., "Feature Hashing for Large Scale Multitask
 * Learning", 2009), then L2-normalized. Inner products of two embeddings
 * approximate the cosine of the IDF-weighted sparse vectors.
 *
 * IDF comes from document frequencies per feature bucket. They change as
 * papers arrive, so `fit` takes a snapshot; the caller refits and
 * re-embeds when the corpus has doubled since the last fit, which keeps the
 * amortized cost per paper constant.
 */
export class HashedNgramEmbedder implements Embedder {
  readonly name: string;
  private readonly documentFrequency = new Uint32Array(1 << FEATURE_BITS);
  private documentCount = 0;
  private idf = new Float32Array(1 << FEATURE_BITS).fill(1);
  /** Documents counted when `fit` last ran. */
  fittedCount = 0;

  constructor(readonly dim = 384) {
    this.name = `hashed-ngram-${dim}`;
  }

  /** Sparse features of `text` (bucket ids carry the feature kind in the hash seed). */
  features(text: string): FeatureCounts {
    const counts: FeatureCounts = new Map();
    const add = (kind: number, value: string) => {
      const bucket = ((hashString(kind, value) & FEATURE_MASK) << 2) | kind;
      counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
    };
    let previous: string | null = null;
    for (const token of tokenize(text)) {
      const term = termOf(token.word);
      if (!term) {
        previous = null;
        continue;
      }
      add(0, term);
      if (previous) add(1, `${previous} ${term}`);
      previous = term;
      const padded = `<${token.word}>`;
      for (const size of CHAR_NGRAM_SIZES) {
        for (let i = 0; i + size <= padded.length; i++) add(2, padded.slice(i, i + size));
      }
    }
    return counts;
  }

  /** Counts a document's features towards document frequencies (`sign` -1 removes it). */
  observe(features: FeatureCounts, sign: 1 | -1 = 1): void {
    for (const bucket of features.keys()) {
      const index = bucket >>> 2;
      this.documentFrequency[index] = Math.max(0, this.documentFrequency[index] + sign);
    }
    this.documentCount = Math.max(0, this.documentCount + sign);
  }

  /** Snapshots IDF from the observed document frequencies: ln(1 + (N − df + 0.5) / (df + 0.5)). */
  fit(): void {
    const n = this.documentCount;
    for (let i = 0; i < this.idf.length; i++) {
      const df = this.documentFrequency[i];
      this.idf[i] = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    }
    this.fittedCount = n;
  }

  /** True when the corpus has at least doubled since the last fit. */
  needsRefit(): boolean {
    return this.documentCount >= 2 * Math.max(this.fittedCount, 1) || (this.fittedCount === 0 && this.documentCount > 0);
  }

  /** Projects sparse features to a unit vector written into `out` at `offset`. */
  project(features: FeatureCounts, out: Float32Array, offset = 0): void {
    const dim = this.dim;
    out.fill(0, offset, offset + dim);
    for (const [bucket, tf] of features) {
      const weight = (1 + Math.log(tf)) * this.idf[bucket >>> 2] * KIND_WEIGHT[bucket & 3];
      const h = mix(bucket);
      out[offset + (h % dim)] += h & 0x80000000 ? -weight : weight;
    }
    let norm = 0;
    for (let i = 0; i < dim; i++) norm += out[offset + i] * out[offset + i];
    if (norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let i = 0; i < dim; i++) out[offset + i] *= scale;
    }
  }

  embed(texts: readonly string[]): Float32Array {
    const out = new Float32Array(texts.length * this.dim);
    texts.forEach((text, i) => this.project(this.features(text), out, i * this.dim));
    return out;
  }
}
