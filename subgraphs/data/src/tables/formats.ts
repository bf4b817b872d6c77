import { InputError } from '@scifed/schema';

import type { TableSpec } from './columns.js';

/** One input record with its fields in the table's column order; `undefined` marks a column the input left out. */
export interface RawRecord {
  /** "line 4" for CSV and JSON Lines, "row 2" for Parquet and insertRows (1-based). */
  position: string;
  fields: unknown[];
  /** True when the fields are CSV text (empty text then means NULL). */
  fromText: boolean;
}

/**
 * Splits CSV text (RFC 4180: comma separator, double-quoted fields with ""
 * escapes, quoted newlines, LF or CRLF line ends) into records. Each record
 * carries the 1-based line on which it starts. Blank lines are skipped.
 */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let fieldStarted = false;

  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '' && !fieldStarted)) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    fieldStarted = false;
  };

  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      fieldStarted = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      fieldStarted = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += ch;
    }
  }
  if (quoted) throw new InputError(`CSV line ${recordLine}: a quoted field is not closed; end it with a double quote.`);
  if (field !== '' || fields.length > 0 || fieldStarted) endRecord();
  return records;
}

/** Maps input field names to table column positions, rejecting unknown and repeated names. */
function columnIndex(table: TableSpec, names: string[], where: string): number[] {
  const seen = new Set<string>();
  return names.map((name) => {
    const index = table.columns.findIndex((c) => c.name === name);
    if (index < 0) {
      throw new InputError(
        `${where}: ${JSON.stringify(name)} is not a column of table ${JSON.stringify(table.name)}; its columns are ${table.columns.map((c) => c.name).join(', ')}.`,
      );
    }
    if (seen.has(name)) throw new InputError(`${where}: column ${JSON.stringify(name)} appears twice.`);
    seen.add(name);
    return index;
  });
}

/** Reads CSV with a header line naming table columns (any order, any subset that includes the key). */
export function csvRecords(table: TableSpec, content: string): RawRecord[] {
  const rows = parseCsv(content);
  if (rows.length === 0) throw new InputError('CSV content is empty; the first line must be a header naming the columns.');
  const [header, ...body] = rows;
  const names = header.fields.map((name) => name.trim());
  const indices = columnIndex(table, names, `CSV header (line ${header.line})`);

  return body.map(({ line, fields }) => {
    if (fields.length !== names.length) {
      throw new InputError(`CSV line ${line} has ${fields.length} fields, but the header has ${names.length} (${names.join(', ')}).`);
    }
    const ordered = new Array<unknown>(table.columns.length).fill(undefined);
    indices.forEach((column, i) => (ordered[column] = fields[i]));
    return { position: `line ${line}`, fields: ordered, fromText: true };
  });
}

/** Places a JSON object's properties into column order; `where` prefixes errors. */
export function objectRecord(table: TableSpec, value: unknown, where: string): RawRecord {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(`${where}: expected a JSON object mapping column names to values, got ${JSON.stringify(value)?.slice(0, 60)}.`);
  }
  const names = Object.keys(value);
  const indices = columnIndex(table, names, where);
  const ordered = new Array<unknown>(table.columns.length).fill(undefined);
  indices.forEach((column, i) => (ordered[column] = (value as Record<string, unknown>)[names[i]]));
  return { position: where, fields: ordered, fromText: false };
}

/** Reads JSON Lines: one object per non-blank line. */
export function jsonlRecords(table: TableSpec, content: string): RawRecord[] {
  const records: RawRecord[] = [];
  const lines = content.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i].trim();
    if (text === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new InputError(`JSON Lines line ${i + 1} is not valid JSON (${(error as Error).message}).`);
    }
    records.push(objectRecord(table, value, `line ${i + 1}`));
  }
  return records;
}
