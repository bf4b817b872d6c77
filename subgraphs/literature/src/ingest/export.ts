import type { PaperRecord } from '../store.js';

// Characters that BibTeX/LaTeX treat specially inside a braced value.
const LATEX_SPECIAL = /[\\{}%&#_$^~]/g;
const LATEX_ESCAPE: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '{': '\\{',
  '}': '\\}',
  '%': '\\%',
  '&': '\\&',
  '#': '\\#',
  _: '\\_',
  $: '\\$',
  '^': '\\^{}',
  '~': '\\~{}',
};

function escapeValue(value: string): string {
  return value.replace(LATEX_SPECIAL, (char) => LATEX_ESCAPE[char]);
}

/** A citation key BibTeX accepts: the id with characters outside [A-Za-z0-9_:.-] replaced by "_". */
function citationKey(id: string): string {
  return id.replace(/[^A-Za-z0-9_:.-]/g, '_');
}

/** Writes papers as BibTeX @article entries (UTF-8, LaTeX specials escaped). */
export function toBibtex(papers: PaperRecord[]): string {
  return papers
    .map((paper) => {
      const fields: [string, string | null][] = [
        ['title', paper.title || null],
        ['author', paper.authors.length ? paper.authors.join(' and ') : null],
        ['year', paper.year == null ? null : String(paper.year)],
        ['journal', paper.venue],
        ['doi', paper.doi],
        ['abstract', paper.abstract || null],
        ['keywords', paper.fields.length ? paper.fields.join(', ') : null],
      ];
      const body = fields
        .filter((field): field is [string, string] => field[1] != null)
        .map(([name, value]) => `  ${name} = {${escapeValue(value)}}`)
        .join(',\n');
      return `@article{${citationKey(paper.id)},\n${body}\n}\n`;
    })
    .join('\n');
}
