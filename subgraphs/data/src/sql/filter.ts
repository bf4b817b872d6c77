import { InputError } from '@scifed/schema';

/**
 * Checks that a search filter is one SQL expression that stays inside the
 * parentheses the store wraps it in (`WHERE (filter)`). Outside quotes it may
 * hold no `;`, no `--` or `/*` comment, and no `)` that closes more than the
 * filter opened. Strings ('…', E'…' with backslash escapes, $tag$…$tag$) and
 * quoted identifiers ("…") are skipped. Throws BAD_USER_INPUT naming the fix.
 *
 * The read-only sandbox keeps a filter from writing or reading files. This
 * check keeps it from changing the statement around it (a LIMIT, a UNION),
 * because that would silently change which rows pass.
 */
export function checkFilterShape(where: string): void {
  let depth = 0;
  for (let i = 0; i < where.length; i++) {
    const c = where[i];
    if (c === "'") {
      const escapes = (where[i - 1] === 'e' || where[i - 1] === 'E') && !/[A-Za-z0-9_]/.test(where[i - 2] ?? '');
      i = endOfQuoted(where, i, "'", escapes);
    } else if (c === '"') {
      i = endOfQuoted(where, i, '"', false);
    } else if (c === '$' && !/[A-Za-z0-9_]/.test(where[i - 1] ?? '')) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(where.slice(i));
      if (tag) {
        const end = where.indexOf(tag[0], i + tag[0].length);
        i = end < 0 ? where.length : end + tag[0].length - 1;
      }
    } else if (c === ';') {
      throw shapeError(where, 'a ";"', 'a filter is one condition, not a statement; remove the ";" and anything after it');
    } else if ((c === '-' && where[i + 1] === '-') || (c === '/' && where[i + 1] === '*')) {
      throw shapeError(where, `a comment (${c}${where[i + 1]})`, 'remove the comment');
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
      if (depth < 0) throw shapeError(where, 'a ")" without its "("', 'balance the parentheses');
    }
  }
  if (depth > 0) throw shapeError(where, `${depth} unclosed "("`, 'balance the parentheses');
}

/** Index of the quote that ends the quoted text opening at `start` (doubled quotes, and backslashes when `escapes`, do not end it). */
function endOfQuoted(text: string, start: number, quote: string, escapes: boolean): number {
  for (let i = start + 1; i < text.length; i++) {
    if (escapes && text[i] === '\\') {
      i++;
    } else if (text[i] === quote) {
      if (text[i + 1] !== quote) return i;
      i++;
    }
  }
  return text.length;
}

function shapeError(where: string, found: string, fix: string): InputError {
  const excerpt = where.length > 80 ? `${where.slice(0, 80)}...` : where;
  return new InputError(`where ${JSON.stringify(excerpt)} contains ${found}; it must be one SQL boolean condition over the table's columns, such as category = $1, so ${fix}.`);
}
