import { describe, expect, it } from 'vitest';

import { recognizeMaterials } from '../src/text/formulas.js';
import { analyze, normalizeText, tokenize } from '../src/text/normalize.js';
import { PASSAGE_MAX_WORDS, splitPassages, splitSentences } from '../src/text/sentences.js';

describe('normalizeText', () => {
  it('expands ligatures and keeps offsets into the original', () => {
    const original = 'E\ufb03cient ﬁlms';
    const tokens = tokenize(original);
    expect(tokens.map((t) => t.word)).toEqual(['efficient', 'films']);
    for (const token of tokens) expect(original.slice(token.start, token.end)).toBe(token.word === 'efficient' ? 'E\ufb03cient' : 'ﬁlms');
  });

  it('removes soft hyphens and line-end hyphenation', () => {
    const original = 'electro-\nchemical cat\u00adalysis, X-\nRay';
    const words = tokenize(original).map((t) => t.word);
    expect(words).toEqual(['electrochemical', 'catalysis', 'x', 'ray']);
    const first = tokenize(original)[0];
    expect(original.slice(first.start, first.end)).toBe('electro-\nchemical');
  });

  it('folds case, diacritics and subscripts', () => {
    expect(normalizeText('Café LiFePO₄').text).toBe('cafe lifepo4');
    const decomposed = 'Cafe\u0301';
    const token = tokenize(decomposed)[0];
    expect(token.word).toBe('cafe');
    expect(decomposed.slice(token.start, token.end)).toBe(decomposed);
  });

  it('maps every normalized unit to an original range', () => {
    const original = 'ﬁ²x\u00ad-y';
    const normalized = normalizeText(original);
    expect(normalized.start.length).toBe(normalized.text.length);
    for (let i = 0; i < normalized.text.length; i++) {
      expect(normalized.start[i]).toBeLessThan(normalized.end[i]);
      expect(normalized.end[i]).toBeLessThanOrEqual(original.length);
    }
  });

  it('drops stop words and stems terms', () => {
    expect(analyze('The cells were dividing in the cultures')).toEqual(['cell', 'divid', 'cultur']);
  });
});

describe('splitSentences', () => {
  it('splits at terminal punctuation but not after abbreviations, initials or decimals', () => {
    const text = 'Smith et al. found 2.5 eV gaps (e.g. in GaN). J. Doe disagreed! Was it right? Yes.';
    const sentences = splitSentences(text).map((s) => text.slice(s.start, s.end));
    expect(sentences).toEqual(['Smith et al. found 2.5 eV gaps (e.g. in GaN).', 'J. Doe disagreed!', 'Was it right?', 'Yes.']);
  });

  it('ends a sentence at a blank line', () => {
    const text = 'A heading\n\nThe body starts here.';
    expect(splitSentences(text).map((s) => text.slice(s.start, s.end))).toEqual(['A heading', 'The body starts here.']);
  });
});

describe('splitPassages', () => {
  const sentence = (n: number) => `Sentence ${n} ${'word '.repeat(28)}ends here.`;
  const text = Array.from({ length: 20 }, (_, i) => sentence(i)).join(' ');

  it('groups whole sentences into passages of 100 to 200 words', () => {
    const passages = splitPassages(text);
    expect(passages.length).toBeGreaterThan(1);
    for (const passage of passages) {
      const piece = text.slice(passage.start, passage.end);
      const words = piece.split(/\s+/).length;
      expect(words).toBeLessThanOrEqual(PASSAGE_MAX_WORDS);
      expect(piece.startsWith('Sentence')).toBe(true);
      expect(piece.endsWith('ends here.')).toBe(true);
    }
    expect(passages.slice(0, -1).every((p) => text.slice(p.start, p.end).split(/\s+/).length >= 100)).toBe(true);
  });

  it('cuts a sentence longer than the maximum at word boundaries', () => {
    const long = 'word '.repeat(450).trim() + '.';
    const passages = splitPassages(long);
    expect(passages.map((p) => long.slice(p.start, p.end).split(/\s+/).length)).toEqual([200, 200, 50]);
  });

  it('keeps a short text as one passage', () => {
    expect(splitPassages('One short abstract.')).toEqual([{ start: 0, end: 19 }]);
  });
});

describe('recognizeMaterials', () => {
  it('normalizes formulas and element names to reduced formulas', () => {
    expect(recognizeMaterials('LiFePO4 and LiFePO₄ cathodes')).toEqual(['FeLiO4P']);
    expect(recognizeMaterials('the NiAl alloy')).toEqual(['AlNi']);
    expect(recognizeMaterials('Cu films and copper wires, aluminum foil')).toEqual(['Al', 'Cu']);
    expect(recognizeMaterials('Fe2O3 and Ca(OH)2')).toEqual(['CaH2O2', 'Fe2O3']);
  });

  it('ignores acronyms, English words and labels', () => {
    expect(recognizeMaterials('HIV and NO signalling In As He No CO C B12 H1N1 P53 to lead')).toEqual([]);
  });
});
