import { InputError } from '@scifed/schema';

/** Input formats of `ingestPapers`. */
export type IngestFormat = 'JSONL' | 'BIBTEX' | 'RIS' | 'TEXT';
export const INGEST_FORMATS: readonly IngestFormat[] = ['JSONL', 'BIBTEX', 'RIS', 'TEXT'];

/**
 * One paper as parsed from any format, before it is stored. `abstract` is the
 * paper's body text exactly as given; passages, highlights and citations are
 * offsets into it.
 */
export interface PaperInput {
  id: string;
  title: string;
  abstract: string;
  authors: string[];
  year: number | null;
  venue: string | null;
  doi: string | null;
  /** Fields of study or keywords. */
  fields: string[];
  /** Ids of cited papers (they need not be stored). */
  references: string[];
  /** Extra source fields kept as JSON (BEIR `metadata`, BibTeX month, RIS type). */
  metadata: Record<string, unknown> | null;
  /** Client-supplied embedding, used by dense search when the query also supplies one. */
  vector: number[] | null;
  sourceFormat: IngestFormat;
  /** 1-based line of the record in the submitted content, for error messages. */
  line: number;
}

/** Throws a BAD_USER_INPUT error that names the line. */
export function failAt(line: number, message: string): never {
  throw new InputError(`line ${line}: ${message}`);
}

export function emptyPaper(id: string, line: number, sourceFormat: IngestFormat): PaperInput {
  return {
    id,
    title: '',
    abstract: '',
    authors: [],
    year: null,
    venue: null,
    doi: null,
    fields: [],
    references: [],
    metadata: null,
    vector: null,
    sourceFormat,
    line,
  };
}

/** Reads a year from text such as "2021", "2021/03/04" or "2021-03"; null when there is none. */
export function parseYear(value: string | undefined | null): number | null {
  const match = /\b(\d{4})\b/.exec(value ?? '');
  return match ? Number(match[1]) : null;
}

/** Removes a resolver prefix from a DOI ("https://doi.org/10.1/x" -> "10.1/x"). */
export function cleanDoi(value: string | null | undefined): string | null {
  const trimmed = (value ?? '').trim().replace(/^(https?:\/\/(dx\.)?doi\.org\/|doi:\s*)/i, '');
  return trimmed || null;
}
