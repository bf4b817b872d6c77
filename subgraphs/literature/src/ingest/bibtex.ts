import { parse as parseBibtexLibrary } from '@retorquere/bibtex-parser';

import { cleanDoi, emptyPaper, failAt, parseYear, type PaperInput } from './records.js';

type Creator = { lastName?: string; firstName?: string; name?: string };

/**
 * Parses BibTeX with @retorquere/bibtex-parser, which resolves braces, LaTeX
 * escapes ({\"u} -> ü), @string macros and month names. Each entry's
 * citation key becomes the paper id; journal, booktitle or publisher the
 * venue; keywords the fields. Any parse error rejects the whole batch.
 */
export function parseBibtex(content: string): PaperInput[] {
  // Titles are kept as written: the parser's sentence-casing would rewrite them.
  const library = parseBibtexLibrary(content, { sentenceCase: false });
  if (library.errors.length > 0) {
    const first = library.errors[0];
    const line = Number(/at line (\d+)/.exec(first.error)?.[1] ?? lineOf(content, first.input ?? ''));
    failAt(line, `invalid BibTeX: ${first.error}`);
  }
  return library.entries.map((entry) => {
    const line = lineOf(content, `{${entry.key}`);
    const fields = entry.fields as Record<string, unknown>;
    const text = (name: string): string | null => {
      const value = fields[name];
      if (value == null) return null;
      // The parser can emit decomposed accents ("o" + U+0308); store the composed form.
      return (Array.isArray(value) ? value.join(', ') : String(value)).normalize('NFC');
    };
    if (!entry.key) failAt(line, 'a BibTeX entry has no citation key; write it as @article{key, ...}.');
    const paper = emptyPaper(entry.key, line, 'BIBTEX');
    paper.title = text('title') ?? '';
    paper.abstract = text('abstract') ?? '';
    paper.authors = ((fields.author as Creator[] | undefined) ?? []).map(creatorName).filter(Boolean);
    paper.year = parseYear(text('year') ?? text('date'));
    paper.venue = text('journal') ?? text('journaltitle') ?? text('booktitle') ?? text('publisher');
    paper.doi = cleanDoi(text('doi'));
    paper.fields = Array.isArray(fields.keywords)
      ? (fields.keywords as string[]).map((keyword) => String(keyword).normalize('NFC'))
      : (text('keywords')?.split(/[,;]\s*/) ?? []);
    paper.metadata = { entryType: entry.type, ...(text('month') ? { month: Number(text('month')) || text('month') } : {}) };
    if (!paper.title.trim() && !paper.abstract.trim()) {
      failAt(line, `entry ${JSON.stringify(entry.key)} has no title and no abstract; give at least one.`);
    }
    return paper;
  });
}

function creatorName(creator: Creator): string {
  if (creator.name) return creator.name.normalize('NFC');
  return [creator.firstName, creator.lastName].filter(Boolean).join(' ').normalize('NFC');
}

function lineOf(content: string, needle: string): number {
  const at = needle ? content.indexOf(needle) : -1;
  return at < 0 ? 1 : content.slice(0, at).split('\n').length;
}
