import { parseBibtex } from './bibtex.js';
import { parseJsonLines } from './jsonl.js';
import type { IngestFormat, PaperInput } from './records.js';
import { parseRis } from './ris.js';
import { parseText } from './text.js';

/** Parses submitted content into papers; throws InputError naming the first bad line. */
export function parsePapers(format: IngestFormat, content: string): PaperInput[] {
  switch (format) {
    case 'JSONL':
      return parseJsonLines(content);
    case 'BIBTEX':
      return parseBibtex(content);
    case 'RIS':
      return parseRis(content);
    case 'TEXT':
      return parseText(content);
  }
}
