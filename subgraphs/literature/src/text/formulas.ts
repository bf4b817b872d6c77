import { normalizeFormula, parseFormula, symbolForName } from '@scifed/schema';

// Words that are also element symbols or formulas but in running English text
// are almost always the word ("In", "As", "He", "No", "Be", "At"), and element
// names that are common English words ("lead").
const AMBIGUOUS_WORDS = new Set(['In', 'As', 'He', 'No', 'Be', 'At', 'Am', 'Es', 'Ho', 'Pa', 'Po', 'Re']);
const AMBIGUOUS_NAMES = new Set(['lead']);

/**
 * Recognizes the chemical systems a text mentions and returns their reduced
 * formulas, sorted. Accepted:
 * - a written formula with a count or brackets ("LiFePO4", "Fe2O3", "Ca(OH)2",
 *   also with Unicode subscripts, which NFKC turns into digits);
 * - a formula without counts that contains a two-letter symbol ("NiAl", "Cu"),
 *   unless it is a common English word such as "In" or "As";
 * - an English element name ("copper", "aluminum").
 * Rejected, because they are mostly acronyms or labels: all-capital words
 * without digits ("HIV", "CO", "NO"), one-letter symbols alone ("C") or with
 * a count ("B12"), and explicit counts of 1 ("H1N1").
 */
export function recognizeMaterials(text: string): string[] {
  const found = new Set<string>();
  const normalized = text.normalize('NFKC');
  for (const match of normalized.matchAll(/[A-Za-z0-9()]+/g)) {
    const word = match[0].replace(/^\(+|\)+$/g, (edge) => (balanced(match[0]) ? edge : ''));
    const formula = recognizeWord(word);
    if (formula) found.add(formula);
  }
  return [...found].sort();
}

function balanced(word: string): boolean {
  let depth = 0;
  for (const char of word) {
    if (char === '(') depth++;
    if (char === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

function recognizeWord(word: string): string | undefined {
  if (!word) return undefined;
  if (/^[a-z]+$/.test(word) || /^[A-Z][a-z]+$/.test(word)) {
    const lower = word.toLowerCase();
    const symbol = AMBIGUOUS_NAMES.has(lower) ? undefined : symbolForName(lower);
    if (symbol) return symbol;
  }
  if (!parseFormula(word)) return undefined;
  if (/[\d()]/.test(word)) {
    // Chemists never write a count of 1, and one one-letter element with a
    // count is mostly a label ("B12", "P53", "H1N1"), so both are rejected.
    if (/[A-Za-z)]1(?!\d)/.test(word) || /^[A-Z]\d+$/.test(word)) return undefined;
    return normalizeFormula(word);
  }
  if (!/[a-z]/.test(word) || AMBIGUOUS_WORDS.has(word)) return undefined;
  return normalizeFormula(word);
}
