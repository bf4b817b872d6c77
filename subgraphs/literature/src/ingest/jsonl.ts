import { cleanDoi, emptyPaper, failAt, type PaperInput } from './records.js';

/**
 * Parses JSON Lines. Each non-blank line is one paper, either a BEIR corpus
 * record (`_id`, `title`, `text`, `metadata`) or the plain form (`id`,
 * `title`, `abstract`, `authors`, `year`, `venue`, `doi`, `fields`,
 * `references`, optional `vector`). Throws on the first bad line, naming it.
 */
export function parseJsonLines(content: string): PaperInput[] {
  const papers: PaperInput[] = [];
  const lines = content.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1;
    const text = lines[index].trim();
    if (!text) continue;

    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (error) {
      failAt(line, `invalid JSON (${(error as Error).message}); each line must be one JSON object.`);
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      failAt(line, `expected a JSON object, got ${Array.isArray(record) ? 'an array' : JSON.stringify(record)}.`);
    }
    papers.push(paperFromRecord(record as Record<string, unknown>, line));
  }
  return papers;
}

function paperFromRecord(record: Record<string, unknown>, line: number): PaperInput {
  const beir = '_id' in record;
  if (!beir && !('id' in record)) {
    failAt(line, 'the record has neither "_id" (BEIR corpus form) nor "id" (plain form); add one of them.');
  }
  const paper = emptyPaper(readId(record[beir ? '_id' : 'id'], beir ? '_id' : 'id', line), line, 'JSONL');
  paper.title = readString(record, 'title', line) ?? '';
  paper.abstract = readString(record, beir ? 'text' : 'abstract', line) ?? '';
  if (beir) {
    const metadata = record.metadata;
    if (metadata != null && (typeof metadata !== 'object' || Array.isArray(metadata))) {
      failAt(line, `"metadata" must be a JSON object, got ${JSON.stringify(metadata)}.`);
    }
    paper.metadata = (metadata as Record<string, unknown> | undefined) ?? null;
  }
  paper.authors = readStringList(record, 'authors', line);
  paper.year = readYear(record, line);
  paper.venue = readString(record, 'venue', line)?.trim() || null;
  paper.doi = cleanDoi(readString(record, 'doi', line));
  paper.fields = readStringList(record, 'fields', line);
  paper.references = readStringList(record, 'references', line);
  paper.vector = readVector(record, line);
  if (!paper.title.trim() && !paper.abstract.trim()) {
    failAt(line, `paper ${JSON.stringify(paper.id)} has no title and no ${beir ? 'text' : 'abstract'}; give at least one.`);
  }
  return paper;
}

function readId(value: unknown, key: string, line: number): string {
  if ((typeof value === 'string' && value.trim()) || (typeof value === 'number' && Number.isFinite(value))) return String(value).trim();
  return failAt(line, `"${key}" must be a non-empty string or a number, got ${JSON.stringify(value)}.`);
}

function readString(record: Record<string, unknown>, key: string, line: number): string | null {
  const value = record[key];
  if (value == null) return null;
  if (typeof value !== 'string') failAt(line, `"${key}" must be a string, got ${JSON.stringify(value)}.`);
  return value;
}

function readStringList(record: Record<string, unknown>, key: string, line: number): string[] {
  const value = record[key];
  if (value == null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    failAt(line, `"${key}" must be an array of strings, got ${JSON.stringify(value).slice(0, 80)}.`);
  }
  return (value as string[]).map((item) => item.trim()).filter(Boolean);
}

function readYear(record: Record<string, unknown>, line: number): number | null {
  const value = record.year;
  if (value == null) return null;
  const year = typeof value === 'string' ? Number(value) : value;
  if (typeof year !== 'number' || !Number.isInteger(year) || year < 1000 || year > 2999) {
    failAt(line, `"year" must be a four-digit integer such as 2021, got ${JSON.stringify(value)}.`);
  }
  return year;
}

function readVector(record: Record<string, unknown>, line: number): number[] | null {
  const value = record.vector;
  if (value == null) return null;
  if (!Array.isArray(value) || value.length === 0 || value.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
    failAt(line, `"vector" must be a non-empty array of finite numbers, got ${JSON.stringify(value).slice(0, 80)}.`);
  }
  return value as number[];
}
