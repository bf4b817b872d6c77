/** A half-open span [start, end) of UTF-16 code units in a stored text. */
export interface Span {
  start: number;
  end: number;
}

// Abbreviations after which a period does not end a sentence (lower case, without the period).
const ABBREVIATIONS = new Set([
  'e.g', 'i.e', 'et al', 'al', 'fig', 'figs', 'eq', 'eqs', 'ref', 'refs', 'vs', 'approx', 'ca', 'cf', 'dr', 'prof',
  'no', 'vol', 'resp', 'sect', 'tab', 'suppl', 'etc', 'inc', 'ltd', 'mr', 'mrs', 'ms', 'st', 'jr', 'sr',
]);

// A candidate boundary: terminal punctuation, optional closing quotes or brackets, then white space.
const BOUNDARY = /[.!?][)\]"'\u201d\u2019]*(?=\s)/g;

/**
 * Splits `text` into sentence spans. A sentence ends at ".", "!" or "?"
 * followed by white space and a capital letter, digit or opening bracket,
 * unless the word before the period is a known abbreviation or a single
 * capital (an initial); a blank line always ends one. Spans exclude the
 * surrounding white space and cover every non-space character once.
 */
export function splitSentences(text: string): Span[] {
  const cuts: number[] = [];
  for (const match of text.matchAll(BOUNDARY)) {
    const end = match.index + match[0].length;
    const next = /\S/.exec(text.slice(end, end + 8));
    if (!next) continue;
    const nextChar = text[end + next.index];
    if (!/[\p{Lu}\p{N}(\["'\u201c]/u.test(nextChar)) continue;
    if (text[match.index] === '.') {
      const before = /([\p{L}.]+)$/u.exec(text.slice(Math.max(0, match.index - 12), match.index))?.[1] ?? '';
      if (ABBREVIATIONS.has(before.toLowerCase()) || /^\p{Lu}$/u.test(before)) continue;
    }
    cuts.push(end);
  }
  for (const match of text.matchAll(/\n[ \t]*\n/g)) cuts.push(match.index);
  cuts.sort((a, b) => a - b);

  const spans: Span[] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    const span = trimSpan(text, from, cut);
    if (span) spans.push(span);
    from = cut;
  }
  return spans;
}

function trimSpan(text: string, start: number, end: number): Span | null {
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return end > start ? { start, end } : null;
}

function countWords(text: string, span: Span): number {
  return text.slice(span.start, span.end).split(/\s+/).filter(Boolean).length;
}

/** Passage sizes in words: a passage closes once it reaches MIN and never grows past MAX. */
export const PASSAGE_MIN_WORDS = 100;
export const PASSAGE_MAX_WORDS = 200;

/**
 * Groups whole sentences into passages of about 100 to 200 words. A passage
 * closes when it has at least PASSAGE_MIN_WORDS words or when the next
 * sentence would take it past PASSAGE_MAX_WORDS; a single sentence longer
 * than that is cut at word boundaries. A short text is one passage.
 */
export function splitPassages(text: string): Span[] {
  const passages: Span[] = [];
  let current: Span | null = null;
  let words = 0;
  for (const sentence of splitSentences(text).flatMap((s) => cutLongSentence(text, s))) {
    const sentenceWords = countWords(text, sentence);
    if (current && words + sentenceWords > PASSAGE_MAX_WORDS) {
      passages.push(current);
      current = null;
      words = 0;
    }
    current = current ? { start: current.start, end: sentence.end } : { ...sentence };
    words += sentenceWords;
    if (words >= PASSAGE_MIN_WORDS) {
      passages.push(current);
      current = null;
      words = 0;
    }
  }
  if (current) passages.push(current);
  return passages;
}

function cutLongSentence(text: string, sentence: Span): Span[] {
  if (countWords(text, sentence) <= PASSAGE_MAX_WORDS) return [sentence];
  const pieces: Span[] = [];
  const word = /\S+/g;
  word.lastIndex = sentence.start;
  let pieceStart = sentence.start;
  let count = 0;
  let lastEnd = sentence.start;
  for (let match = word.exec(text); match && match.index < sentence.end; match = word.exec(text)) {
    if (count === PASSAGE_MAX_WORDS) {
      pieces.push({ start: pieceStart, end: lastEnd });
      pieceStart = match.index;
      count = 0;
    }
    count++;
    lastEnd = Math.min(match.index + match[0].length, sentence.end);
  }
  pieces.push({ start: pieceStart, end: lastEnd });
  return pieces;
}
