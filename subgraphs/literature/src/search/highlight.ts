import { analyze } from '../text/normalize.js';
import type { IndexedPaper } from './corpus.js';

/** A passage of a paper's abstract: its id and span. */
export interface PassageSpan {
  /** "<paperId>#<index>", index counting from 0 in text order. */
  passageId: string;
  start: number;
  end: number;
  text: string;
}

export function passageId(paperId: string, index: number): string {
  return `${paperId}#${index}`;
}

/** The passages of a paper, in text order. */
export function passagesOf(paper: Pick<IndexedPaper, 'id' | 'abstract' | 'passages'>): PassageSpan[] {
  const spans: PassageSpan[] = [];
  for (let i = 0; i + 1 < paper.passages.length; i += 2) {
    const start = paper.passages[i];
    const end = paper.passages[i + 1];
    spans.push({ passageId: passageId(paper.id, i / 2), start, end, text: paper.abstract.slice(start, end) });
  }
  return spans;
}

/**
 * Scores a text against weighted query terms: the sum of weight · idf over the
 * distinct query terms it contains (repeats add nothing, so long passages
 * gain no advantage from repetition).
 */
export function termOverlap(text: string, terms: ReadonlyMap<string, number>, idf: (term: string) => number): number {
  let score = 0;
  for (const term of new Set(analyze(text))) {
    const weight = terms.get(term);
    if (weight) score += weight * idf(term);
  }
  return score;
}

/**
 * The passages of `paper` that best match the query, best first: at most
 * `count`, only those containing a query term, or the first passage when
 * none does (so every hit shows some text).
 */
export function highlightPassages(
  paper: IndexedPaper,
  terms: ReadonlyMap<string, number>,
  idf: (term: string) => number,
  count = 1,
): PassageSpan[] {
  const passages = passagesOf(paper);
  const scored = passages
    .map((passage, index) => ({ passage, index, score: termOverlap(passage.text, terms, idf) }))
    .filter((entry) => entry.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, count)
    .map((entry) => entry.passage);
  return scored.length > 0 ? scored : passages.slice(0, 1);
}
