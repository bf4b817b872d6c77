import { stemmer } from 'stemmer';

/**
 * Search normalization that keeps a map back to the original text.
 *
 * The stored text of a paper is never changed; search works on a normalized
 * copy (Unicode NFKC, so "ﬁ" becomes "fi" and "₄" becomes "4"; diacritics
 * removed; lower case; soft hyphens and end-of-line hyphenation removed).
 * Every normalized UTF-16 code unit records the half-open range of original
 * code units it came from, so a token found in the normalized copy maps back
 * to exact offsets into the original string. Offsets everywhere in this
 * subgraph are JavaScript string indices (UTF-16 code units).
 */
export interface NormalizedText {
  text: string;
  /** Original start index of each normalized code unit. */
  start: Int32Array;
  /** Original end index (exclusive) of each normalized code unit. */
  end: Int32Array;
}

const SOFT_HYPHEN = '\u00ad';
const COMBINING_MARK = /\p{M}/u;
const LINE_END_HYPHEN = /^[-\u2010][ \t]*\r?\n[ \t]*(?=\p{Ll})/u;

/** Normalizes `original` for search; `foldCase` false keeps letter case (formula recognition needs it). */
export function normalizeText(original: string, foldCase = true): NormalizedText {
  const out: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let i = 0;
  while (i < original.length) {
    const code = original.charCodeAt(i);
    // ASCII fast path: only letters change (case), apart from the hyphen rule below.
    if (code < 0x80 && code !== 0x2d && !(i + 1 < original.length && original.charCodeAt(i + 1) >= 0x300)) {
      out.push(foldCase && code >= 0x41 && code <= 0x5a ? String.fromCharCode(code + 32) : original[i]);
      starts.push(i);
      ends.push(i + 1);
      i++;
      continue;
    }
    const codePoint = original.codePointAt(i)!;
    let unitEnd = i + (codePoint > 0xffff ? 2 : 1);
    // A base character and the combining marks after it normalize together.
    while (unitEnd < original.length && COMBINING_MARK.test(original[unitEnd])) unitEnd++;
    const unit = original.slice(i, unitEnd);

    if (unit === SOFT_HYPHEN) {
      i = unitEnd;
      continue;
    }
    // "electro-\nchemical" is one word broken by typesetting; a hyphen before a capital stays.
    if ((unit === '-' || unit === '\u2010') && out.length > 0 && /\p{L}/u.test(out[out.length - 1])) {
      const hyphenation = LINE_END_HYPHEN.exec(original.slice(i, i + 16));
      if (hyphenation) {
        i += hyphenation[0].length;
        continue;
      }
    }

    let normalized = unit.normalize('NFKC').normalize('NFD').replace(/\p{M}/gu, '');
    if (foldCase) normalized = normalized.toLowerCase();
    for (const char of normalized) {
      for (let k = 0; k < char.length; k++) {
        out.push(char[k]);
        starts.push(i);
        ends.push(unitEnd);
      }
    }
    i = unitEnd;
  }
  return { text: out.join(''), start: Int32Array.from(starts), end: Int32Array.from(ends) };
}

/** A word of the normalized text with its span in the original text. */
export interface Token {
  /** Normalized surface form (lower case, no diacritics). */
  word: string;
  start: number;
  end: number;
}

const WORD = /[\p{L}\p{N}]+/gu;

/** Splits `original` into words, each with its original offsets. */
export function tokenize(original: string): Token[] {
  const normalized = normalizeText(original);
  const tokens: Token[] = [];
  for (const match of normalized.text.matchAll(WORD)) {
    const first = match.index;
    const last = first + match[0].length - 1;
    tokens.push({ word: match[0], start: normalized.start[first], end: normalized.end[last] });
  }
  return tokens;
}

/**
 * English stop words: function words that carry no topic. The list is short on
 * purpose; scientific words such as "cell", "effect" or "level" are kept.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be been being but by can could did do does doing for from had has have having he her hers him his how ' +
    'i if in into is it its itself me my no nor not of off on or our ours she should so such than that the their theirs them ' +
    'then there these they this those through to too under until up very was we were what when where which while who whom why ' +
    'will with would you your yours also may might must shall about above after again against all any because before below ' +
    'between both during each few further here more most only other own same some just over once out'
  ).split(' '),
);

/** Index term of a normalized word: stop words give null; others are Porter-stemmed. */
export function termOf(word: string): string | null {
  if (STOP_WORDS.has(word)) return null;
  // Numbers and mixed tokens ("lifepo4", "2020") are kept as written.
  if (/\d/.test(word)) return word;
  return stemmer(word);
}

/** Index terms of a text, in order, with repeats. */
export function analyze(text: string): string[] {
  const terms: string[] = [];
  for (const token of tokenize(text)) {
    const term = termOf(token.word);
    if (term) terms.push(term);
  }
  return terms;
}
