import { MAX_TOP_K, searchVectors } from '@scifed/compute';

import type { CorpusIndex } from './corpus.js';

export type SearchMode = 'BM25' | 'DENSE' | 'HYBRID';
export const SEARCH_MODES: readonly SearchMode[] = ['BM25', 'DENSE', 'HYBRID'];

/** Fusion method of HYBRID searches. */
export type Fusion = 'RRF' | 'WEIGHTED';

/** Reciprocal rank fusion constant (Cormack, Clarke and Büttcher, SIGIR 2009). */
export const RRF_K = 60;
/**
 * WEIGHTED measured better than RRF on the SciFact training split (hybrid
 * nDCG@10 0.696 against 0.636 on 200 queries): the default embedding is much
 * weaker than BM25 there, and RRF gives its ranks equal weight.
 */
export const DEFAULT_FUSION: Fusion = 'WEIGHTED';
/** WEIGHTED fusion: share of the max-normalized BM25 score, the rest is the cosine (0.55 measured best of 0.55 to 0.8). */
export const BM25_SHARE = 0.55;

export interface RankRequest {
  mode: SearchMode;
  /** Query terms with weights. */
  terms: ReadonlyMap<string, number>;
  /** Query vector: the default embedding of the query, or a client vector. */
  vector: Float32Array | null;
  /** True when `vector` is a client vector (compared with client vectors by cosine). */
  clientVector: boolean;
  accept?: (slot: number) => boolean;
  /** Results wanted (offset + first); at most MAX_TOP_K for the dense part. */
  depth: number;
  fusion?: Fusion;
  /** WEIGHTED fusion only: overrides BM25_SHARE. */
  bm25Share?: number;
}

export interface RankedSlot {
  slot: number;
  /**
   * BM25: the BM25F score. DENSE and HYBRID: a rank score in [0, 2]. Papers
   * that contain a query term get 1 + s and the others s, where s in [0, 1]
   * is the cosine mapped to [0, 1] (DENSE) or the fused score (HYBRID).
   */
  score: number;
  matched: boolean;
}

export interface Ranking {
  /** Ranked papers, best first, at most `depth`. */
  ranked: RankedSlot[];
  /**
   * Papers the same request ranks at unlimited depth: matching papers for
   * BM25, and for DENSE and HYBRID every paper that passes `accept` (only
   * those with a client vector when the query vector is a client vector,
   * except that HYBRID keeps every matching paper).
   */
  available: number;
}

/**
 * Ranks the live papers that pass `accept`. In every mode a paper that
 * contains a query term ranks above every paper that contains none. BM25
 * returns only matching papers. DENSE and HYBRID rank the matching ones
 * first and fill the rest of the depth with the nearest non-matching ones.
 */
export async function rankPapers(corpus: CorpusIndex, request: RankRequest): Promise<Ranking> {
  const bm25 = corpus.bm25.score(request.terms, request.accept);
  const bm25Order = [...bm25.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  if (request.mode === 'BM25' || !request.vector) {
    return { ranked: bm25Order.slice(0, request.depth).map(([slot, score]) => ({ slot, score, matched: true })), available: bm25Order.length };
  }

  const matchedSlots = Int32Array.from(bm25Order.map(([slot]) => slot)).sort();
  const denseDepth = Math.min(MAX_TOP_K, request.mode === 'HYBRID' ? Math.max(request.depth, MAX_TOP_K) : request.depth);
  const denseMatched = await nearest(corpus, request, matchedSlots, denseDepth);

  let ranked: RankedSlot[];
  if (request.mode === 'DENSE') {
    ranked = denseMatched.map(({ slot, similarity }) => ({ slot, score: 1 + toUnit(similarity), matched: true }));
  } else {
    ranked = fuse(bm25Order, denseMatched, request.fusion ?? DEFAULT_FUSION, request.bm25Share ?? BM25_SHARE);
  }
  ranked = ranked.slice(0, request.depth);

  // Fill the remaining depth with the nearest papers that match no query term.
  const matched = new Set(matchedSlots);
  const rest = corpus.liveSlots((slot) => !matched.has(slot) && (!request.accept || request.accept(slot)));
  if (ranked.length < request.depth) {
    const nearestRest = await nearest(corpus, request, rest, request.depth - ranked.length);
    for (const { slot, similarity } of nearestRest) ranked.push({ slot, score: toUnit(similarity), matched: false });
  }

  // nearest() skips papers without a client vector when the query vector is a client vector.
  const hasVector = (slot: number) => !request.clientVector || corpus.paperAt(slot)?.vector != null;
  const countWithVector = (slots: Iterable<number>) => {
    let count = 0;
    for (const slot of slots) if (hasVector(slot)) count++;
    return count;
  };
  const matchedAvailable = request.mode === 'HYBRID' ? matchedSlots.length : countWithVector(matchedSlots);
  return { ranked, available: matchedAvailable + countWithVector(rest) };
}

/** Maps a cosine in [-1, 1] to [0, 1]. */
function toUnit(similarity: number): number {
  return Math.min(1, Math.max(0, (1 + similarity) / 2));
}

interface Neighbour {
  slot: number;
  similarity: number;
}

/** Exact nearest neighbours among `candidates` through the kernel layer; similarity is the cosine. */
async function nearest(corpus: CorpusIndex, request: RankRequest, candidates: Int32Array, k: number): Promise<Neighbour[]> {
  const wanted = Math.min(k, candidates.length, MAX_TOP_K);
  if (wanted <= 0 || !request.vector) return [];
  const { base, dim, rows } = request.clientVector ? clientMatrix(corpus, candidates) : { base: corpus.embeddingMatrix(), dim: corpus.embedder.dim, rows: candidates };
  if (rows.length === 0) return [];
  const result = await searchVectors({
    base,
    dim,
    queries: request.vector,
    k: Math.min(wanted, rows.length),
    // Default embeddings are unit vectors, so the inner product is the cosine.
    metric: request.clientVector ? 'cos' : 'ip',
    candidates: rows,
  });
  const neighbours: Neighbour[] = [];
  for (let i = 0; i < result.k; i++) {
    const row = result.indices[i];
    if (row < 0) continue;
    const slot = request.clientVector ? candidates[row] : row;
    const distance = result.distances[i];
    neighbours.push({ slot, similarity: request.clientVector ? 1 - distance : -distance });
  }
  return neighbours;
}

/** Client vectors of the candidates that have one, as a compact matrix; row i of it is `candidates[i]`. */
function clientMatrix(corpus: CorpusIndex, candidates: Int32Array): { base: Float32Array; dim: number; rows: Int32Array } {
  const dim = corpus.clientDim ?? 1;
  const base = new Float32Array(candidates.length * dim);
  const rows: number[] = [];
  candidates.forEach((slot, i) => {
    const vector = corpus.paperAt(slot)?.vector;
    if (vector) {
      base.set(vector, i * dim);
      rows.push(i);
    }
  });
  return { base, dim, rows: Int32Array.from(rows) };
}

/**
 * Fuses the BM25 order (all matching papers) with the dense order of the
 * matching papers. RRF: Σ 1 / (RRF_K + rank). WEIGHTED: BM25_SHARE ·
 * bm25 / max bm25 + (1 − BM25_SHARE) · cosine mapped to [0, 1], where a
 * paper outside the dense top list takes the lowest cosine seen.
 */
function fuse(bm25Order: [number, number][], dense: Neighbour[], fusion: Fusion, bm25Share: number): RankedSlot[] {
  const fused = new Map<number, number>();
  if (fusion === 'RRF') {
    bm25Order.forEach(([slot], rank) => fused.set(slot, 1 / (RRF_K + rank + 1)));
    dense.forEach(({ slot }, rank) => fused.set(slot, (fused.get(slot) ?? 0) + 1 / (RRF_K + rank + 1)));
    // Two first places give 2 / (RRF_K + 1); scale so the fused score is in [0, 1].
    for (const [slot, score] of fused) fused.set(slot, (score * (RRF_K + 1)) / 2);
  } else {
    const maxBm25 = bm25Order[0]?.[1] || 1;
    const cosine = new Map(dense.map(({ slot, similarity }) => [slot, toUnit(similarity)]));
    const floor = dense.length ? toUnit(dense[dense.length - 1].similarity) : 0;
    for (const [slot, score] of bm25Order) {
      fused.set(slot, bm25Share * (score / maxBm25) + (1 - bm25Share) * (cosine.get(slot) ?? floor));
    }
  }
  return [...fused.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .map(([slot, score]) => ({ slot, score: 1 + score, matched: true }));
}
