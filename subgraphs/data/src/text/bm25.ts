/**
 * Okapi BM25 over an in-memory inverted index (Robertson and Zaragoza,
 * "The Probabilistic Relevance Framework: BM25 and Beyond", 2009):
 *
 *   score(d, q) = Σ_{t ∈ q} idf(t) · tf(t,d) · (k1 + 1) / (tf(t,d) + k1 · (1 − b + b · |d| / avgdl))
 *   idf(t)      = ln(1 + (N − df(t) + 0.5) / (df(t) + 0.5))
 *
 * with k1 = 1.2 and b = 0.75; the idf form is Lucene's, which stays positive
 * for terms in more than half of the documents.
 */
export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

/** Lower-cased runs of letters and digits (Unicode aware). */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

export class TextIndex {
  /** term → (document id → term frequency). */
  private readonly postings = new Map<string, Map<number, number>>();
  private readonly lengths: number[] = [];
  readonly keys: string[] = [];
  readonly labels: bigint[] = [];
  private totalLength = 0;

  add(key: string, label: bigint, text: string | null): void {
    const doc = this.keys.length;
    const tokens = text ? tokenize(text) : [];
    this.keys.push(key);
    this.labels.push(label);
    this.lengths.push(tokens.length);
    this.totalLength += tokens.length;
    for (const token of tokens) {
      let docs = this.postings.get(token);
      if (!docs) this.postings.set(token, (docs = new Map()));
      docs.set(doc, (docs.get(doc) ?? 0) + 1);
    }
  }

  get size(): number {
    return this.keys.length;
  }

  /**
   * Scores every document that contains a query term, optionally only those
   * `allowed`, and returns the best `limit` as document ids, highest first
   * (ties by document id).
   */
  search(query: string, limit: number, allowed?: (doc: number) => boolean): { doc: number; score: number }[] {
    const n = this.keys.length;
    if (n === 0) return [];
    const averageLength = this.totalLength / n || 1;
    const scores = new Map<number, number>();
    for (const term of new Set(tokenize(query))) {
      const docs = this.postings.get(term);
      if (!docs) continue;
      const idf = Math.log(1 + (n - docs.size + 0.5) / (docs.size + 0.5));
      for (const [doc, tf] of docs) {
        if (allowed && !allowed(doc)) continue;
        const norm = tf + BM25_K1 * (1 - BM25_B + (BM25_B * this.lengths[doc]) / averageLength);
        scores.set(doc, (scores.get(doc) ?? 0) + (idf * tf * (BM25_K1 + 1)) / norm);
      }
    }
    return [...scores]
      .map(([doc, score]) => ({ doc, score }))
      .sort((a, b) => b.score - a.score || a.doc - b.doc)
      .slice(0, limit);
  }
}
