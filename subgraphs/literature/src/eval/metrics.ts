/** Relevance judgments of one query: document id -> graded relevance (> 0 is relevant). */
export type Judgments = ReadonlyMap<string, number>;

/**
 * nDCG@k with gain equal to the graded relevance and discount 1 / log2(rank + 1),
 * as trec_eval and BEIR compute it: DCG of the ranking over DCG of the ideal ranking.
 */
export function ndcgAt(ranking: readonly string[], judgments: Judgments, k: number): number {
  let dcg = 0;
  ranking.slice(0, k).forEach((id, i) => {
    dcg += (judgments.get(id) ?? 0) / Math.log2(i + 2);
  });
  const ideal = [...judgments.values()].filter((g) => g > 0).sort((a, b) => b - a).slice(0, k);
  const idcg = ideal.reduce((sum, gain, i) => sum + gain / Math.log2(i + 2), 0);
  return idcg === 0 ? 0 : dcg / idcg;
}

/** Share of the relevant documents found in the top k. */
export function recallAt(ranking: readonly string[], judgments: Judgments, k: number): number {
  const relevant = [...judgments.entries()].filter(([, g]) => g > 0).map(([id]) => id);
  if (relevant.length === 0) return 0;
  const top = new Set(ranking.slice(0, k));
  return relevant.filter((id) => top.has(id)).length / relevant.length;
}

/** Reciprocal rank of the first relevant document within the top k, else 0. */
export function mrrAt(ranking: readonly string[], judgments: Judgments, k: number): number {
  const index = ranking.slice(0, k).findIndex((id) => (judgments.get(id) ?? 0) > 0);
  return index < 0 ? 0 : 1 / (index + 1);
}
