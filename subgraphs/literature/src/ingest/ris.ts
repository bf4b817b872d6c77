import { cleanDoi, emptyPaper, failAt, parseYear, type PaperInput } from './records.js';

// RIS tag lines are "TG  - value": two characters, two spaces, a hyphen.
const TAG_LINE = /^([A-Z][A-Z0-9])  -(?: (.*))?$/;

/**
 * Parses RIS. A record runs from `TY` to `ER`; `TI`/`T1` give the title,
 * `AU`/`A1` the authors, `PY`/`Y1`/`DA` the year, `JO`/`JF`/`T2`/`JA` the
 * venue, `DO` the DOI, `AB`/`N2` the abstract, `KW` the keywords and `ID`
 * the id (else the DOI, else `ris-<line>`). Lines without a tag continue the
 * previous field, as wrapped abstracts do.
 */
export function parseRis(content: string): PaperInput[] {
  const papers: PaperInput[] = [];
  let tags: Map<string, string[]> | null = null;
  let lastTag = '';
  let recordLine = 0;
  const lines = content.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1;
    const raw = lines[index].replace(/^\ufeff/, '');
    const match = TAG_LINE.exec(raw.trimEnd());
    if (!match) {
      if (!raw.trim()) continue;
      if (!tags || !lastTag) failAt(line, `expected a RIS tag line such as "TY  - JOUR", got ${JSON.stringify(raw.slice(0, 40))}.`);
      const values = tags.get(lastTag)!;
      values[values.length - 1] += ` ${raw.trim()}`;
      continue;
    }
    const [, tag, value = ''] = match;
    if (tag === 'TY') {
      if (tags) failAt(line, `a new record starts before the record of line ${recordLine} ended; close it with "ER  - ".`);
      tags = new Map([['TY', [value.trim()]]]);
      recordLine = line;
      lastTag = 'TY';
      continue;
    }
    if (!tags) failAt(line, `tag ${tag} appears outside a record; start each record with "TY  - <type>".`);
    if (tag === 'ER') {
      papers.push(paperFromTags(tags, recordLine));
      tags = null;
      lastTag = '';
      continue;
    }
    tags.set(tag, [...(tags.get(tag) ?? []), value.trim()]);
    lastTag = tag;
  }
  if (tags) failAt(recordLine, 'the record that starts here has no "ER  - " line; end each record with it.');
  return papers;
}

function paperFromTags(tags: Map<string, string[]>, line: number): PaperInput {
  const first = (...names: string[]): string | null => {
    for (const name of names) {
      const value = tags.get(name)?.find(Boolean);
      if (value) return value;
    }
    return null;
  };
  const doi = cleanDoi(first('DO'));
  const paper = emptyPaper(first('ID') ?? doi ?? `ris-${line}`, line, 'RIS');
  paper.title = first('TI', 'T1') ?? '';
  paper.abstract = first('AB', 'N2') ?? '';
  paper.authors = [...(tags.get('AU') ?? []), ...(tags.get('A1') ?? [])].filter(Boolean);
  paper.year = parseYear(first('PY', 'Y1', 'DA'));
  paper.venue = first('JO', 'JF', 'T2', 'JA');
  paper.doi = doi;
  paper.fields = (tags.get('KW') ?? []).filter(Boolean);
  paper.metadata = { type: first('TY') };
  if (!paper.title && !paper.abstract) failAt(line, 'the record has no TI/T1 title and no AB/N2 abstract; give at least one.');
  return paper;
}
