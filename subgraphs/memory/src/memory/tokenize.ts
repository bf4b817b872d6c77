/**
 * Tokenization and chunking of memory text.
 *
 * A token is a run of letters, marks and digits ("Ni3Al", "copper"), a
 * decimal number ("3.52", "1,000"), or one other non-space character ("(",
 * "."). Offsets are UTF-16 code-unit indices, the unit of JavaScript string
 * indexing, so `text.slice(start, end)` returns the token.
 */
export interface Token {
  text: string;
  /** Offset of the first code unit. */
  start: number;
  /** Offset one past the last code unit. */
  end: number;
}

const TOKEN = /\p{N}+(?:[.,]\p{N}+)+(?![\p{L}\p{N}])|[\p{L}\p{N}][\p{L}\p{M}\p{N}]*|[^\s\p{L}\p{M}\p{N}]/gu;

/** Splits `text` into tokens with their offsets in `text`. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(TOKEN)) {
    tokens.push({ text: match[0], start: match.index, end: match.index + match[0].length });
  }
  return tokens;
}

/** One chunk of a written text: its slice of the source and its tokens, offsets relative to the chunk. */
export interface Chunk {
  /** Position of the chunk in the written text, from 0. */
  index: number;
  text: string;
  /** Offset of the chunk in the written text. */
  start: number;
  end: number;
  tokens: Token[];
}

const SENTENCE_END = new Set(['.', '!', '?', ';']);

/**
 * Splits text into chunks of at most `maxTokens` tokens. A chunk ends after
 * the last sentence-ending token (. ! ? ;) in its window when that token lies
 * in the window's second half; otherwise it is cut at `maxTokens`.
 */
export function chunkText(text: string, maxTokens: number): Chunk[] {
  const tokens = tokenize(text);
  const chunks: Chunk[] = [];
  let first = 0;
  while (first < tokens.length) {
    let last = Math.min(first + maxTokens, tokens.length) - 1;
    if (last < tokens.length - 1) {
      for (let i = last; i >= first + Math.floor(maxTokens / 2); i--) {
        if (SENTENCE_END.has(tokens[i].text)) {
          last = i;
          break;
        }
      }
    }
    const start = tokens[first].start;
    const end = tokens[last].end;
    chunks.push({
      index: chunks.length,
      text: text.slice(start, end),
      start,
      end,
      tokens: tokens.slice(first, last + 1).map((t) => ({ text: t.text, start: t.start - start, end: t.end - start })),
    });
    first = last + 1;
  }
  return chunks;
}
