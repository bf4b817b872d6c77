import type { CorpusIndex, IndexedPaper } from '../search/corpus.js';
import { passagesOf, termOverlap } from '../search/highlight.js';
import { analyze } from '../text/normalize.js';
import { splitSentences } from '../text/sentences.js';

/** A cited span: `quote` is exactly `abstract.slice(start, end)` of paper `paperId`. */
export interface Citation {
  paperId: string;
  passageId: string;
  start: number;
  end: number;
  quote: string;
}

export interface AnswerSentence {
  text: string;
  citations: Citation[];
}

/** Sentences an extractive answer contains at most. */
export const ANSWER_SENTENCES = 3;

// A candidate sentence whose terms overlap a chosen one's by more than this
// share (Jaccard) repeats it and is skipped.
const MAX_OVERLAP = 0.6;

// A sentence must carry at least this share of the question's idf weight
// (terms absent from the corpus count at their maximum idf), so a question
// about something no paper covers gets no answer rather than a sentence that
// only shares some of its words. Chosen by hand on the test and demo questions.
export const MIN_COVERAGE = 0.5;

// Sentences scoring below this share of the best one are off topic padding.
const MIN_SHARE_OF_BEST = 0.5;

/**
 * Builds an extractive answer: every sentence of the top papers' passages is
 * scored by the idf-weighted query terms it contains, scaled down by the
 * paper's rank (1 / (1 + rank / 2)), and the best ANSWER_SENTENCES that do
 * not repeat each other are returned in score order, each quoting itself.
 * A sentence must also carry `minCoverage` of the question's idf weight and
 * score at least MIN_SHARE_OF_BEST of the best sentence, so an answer may be
 * empty.
 */
export function extractAnswer(
  corpus: CorpusIndex,
  papers: IndexedPaper[],
  terms: ReadonlyMap<string, number>,
  minCoverage = MIN_COVERAGE,
): AnswerSentence[] {
  const idf = (term: string) => corpus.bm25.idf(term);
  const candidates: { citation: Citation; score: number; terms: Set<string> }[] = [];
  let attainable = 0;
  for (const [term, weight] of terms) attainable += weight * idf(term);
  papers.forEach((paper, rank) => {
    for (const passage of passagesOf(paper)) {
      for (const sentence of splitSentences(passage.text)) {
        const start = passage.start + sentence.start;
        const end = passage.start + sentence.end;
        const quote = paper.abstract.slice(start, end);
        const coverage = termOverlap(quote, terms, idf);
        if (coverage <= 0 || coverage < minCoverage * attainable) continue;
        const score = coverage / (1 + rank / 2);
        candidates.push({
          citation: { paperId: paper.id, passageId: passage.passageId, start, end, quote },
          score,
          terms: new Set(analyze(quote)),
        });
      }
    }
  });
  candidates.sort((a, b) => b.score - a.score);

  const chosen: typeof candidates = [];
  const best = candidates[0]?.score ?? 0;
  for (const candidate of candidates) {
    if (chosen.length === ANSWER_SENTENCES || candidate.score < MIN_SHARE_OF_BEST * best) break;
    if (chosen.some((other) => jaccard(other.terms, candidate.terms) > MAX_OVERLAP)) continue;
    chosen.push(candidate);
  }
  return chosen.map(({ citation }) => ({ text: citation.quote, citations: [citation] }));
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const term of a) if (b.has(term)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 1 : shared / union;
}
