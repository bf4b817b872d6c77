import { normalizeFormula } from '@scifed/schema';

/**
 * Reduced formulas of the tags that are chemical formulas ("Ni3Al" links the
 * memory to Material "AlNi3"). A tag is a formula when it consists only of
 * element symbols with integer counts and parentheses, so one-letter tags
 * such as "C" or "I" link to carbon or iodine. Duplicates are dropped.
 */
export function formulasOfTags(tags: readonly string[]): string[] {
  const formulas = new Set<string>();
  for (const tag of tags) {
    const formula = normalizeFormula(tag);
    if (formula) formulas.add(formula);
  }
  return [...formulas];
}
