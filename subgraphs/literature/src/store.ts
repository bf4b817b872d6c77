import { listValue } from '@duckdb/node-api';
import { Database, type Transaction } from '@scifed/schema';

import type { IngestFormat, PaperInput } from './ingest/records.js';

/** A paper as stored: the parsed input plus what ingestion derives from it. `abstract` is the body text; passages are spans into it. */
export interface PaperRecord extends Omit<PaperInput, 'line'> {
  /** Reduced formulas mentioned in the title or abstract, sorted. */
  materials: string[];
  /** Passage spans into `abstract`, flat [start0, end0, start1, end1, ...]. */
  passages: number[];
  createdAt: Date;
}

const SCHEMA = `
CREATE SEQUENCE IF NOT EXISTS paper_seq;
CREATE TABLE IF NOT EXISTS papers (
  id VARCHAR NOT NULL,
  seq BIGINT NOT NULL,          -- ingestion order, for stable paging
  title VARCHAR NOT NULL,
  abstract VARCHAR NOT NULL,
  authors VARCHAR[] NOT NULL,
  year INTEGER,
  venue VARCHAR,
  doi VARCHAR,
  fields VARCHAR[] NOT NULL,
  refs VARCHAR[] NOT NULL,
  metadata JSON,
  vector FLOAT[],
  materials VARCHAR[] NOT NULL,
  passages INTEGER[] NOT NULL,  -- flat [start, end) pairs into abstract, UTF-16 code units
  source_format VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS conversation_turns (
  conversation_id VARCHAR NOT NULL,
  turn INTEGER NOT NULL,
  question VARCHAR NOT NULL,
  answer VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL
);
`;

// Uniqueness of papers.id is kept by the code (delete, then insert, in one
// transaction) rather than by a PRIMARY KEY, so that replacing a paper
// within one transaction never trips DuckDB's index constraint checks.

const COLUMNS =
  'id, title, abstract, authors, year, venue, doi, fields, refs, metadata, vector, materials, passages, source_format, created_at';

/** The shape `from_json` reads one batch of papers with. */
const BATCH_SHAPE = JSON.stringify([
  {
    id: 'VARCHAR',
    title: 'VARCHAR',
    abstract: 'VARCHAR',
    authors: ['VARCHAR'],
    year: 'INTEGER',
    venue: 'VARCHAR',
    doi: 'VARCHAR',
    fields: ['VARCHAR'],
    refs: ['VARCHAR'],
    metadata: 'JSON',
    vector: ['FLOAT'],
    materials: ['VARCHAR'],
    passages: ['INTEGER'],
    source_format: 'VARCHAR',
  },
]);

interface PaperRow {
  id: string;
  title: string;
  abstract: string;
  authors: string[];
  year: number | null;
  venue: string | null;
  doi: string | null;
  fields: string[];
  refs: string[];
  metadata: string | null;
  vector: number[] | null;
  materials: string[];
  passages: number[];
  source_format: string;
  created_at: Date;
}

function toRecord(row: PaperRow): PaperRecord {
  return {
    id: row.id,
    title: row.title,
    abstract: row.abstract,
    authors: row.authors,
    year: row.year,
    venue: row.venue,
    doi: row.doi,
    fields: row.fields,
    references: row.refs,
    metadata: row.metadata == null ? null : (JSON.parse(row.metadata) as Record<string, unknown>),
    vector: row.vector,
    materials: row.materials,
    passages: row.passages,
    sourceFormat: row.source_format as IngestFormat,
    createdAt: row.created_at,
  };
}

/** The literature subgraph's tables. All SQL of the subgraph lives here. */
export class LiteratureStore {
  private constructor(readonly db: Database) {}

  static async open(dir?: string): Promise<LiteratureStore> {
    const db = await Database.open('literature', dir);
    await db.migrate(SCHEMA);
    return new LiteratureStore(db);
  }

  /** Replaces papers by id (delete, then insert) inside `tx`; one statement each for any batch size. */
  async replacePapers(tx: Transaction, papers: Omit<PaperRecord, 'createdAt'>[]): Promise<void> {
    if (papers.length === 0) return;
    await tx.query('DELETE FROM papers WHERE list_contains($1, id)', [listValue(papers.map((p) => p.id))]);
    const batch = papers.map((p) => ({
      id: p.id,
      title: p.title,
      abstract: p.abstract,
      authors: p.authors,
      year: p.year,
      venue: p.venue,
      doi: p.doi,
      fields: p.fields,
      refs: p.references,
      metadata: p.metadata,
      vector: p.vector,
      materials: p.materials,
      passages: p.passages,
      source_format: p.sourceFormat,
    }));
    await tx.query(
      `INSERT INTO papers (id, seq, title, abstract, authors, year, venue, doi, fields, refs, metadata, vector, materials, passages, source_format, created_at)
       SELECT r.id, nextval('paper_seq'), r.title, r.abstract, r.authors, r.year, r.venue, r.doi, r.fields, r.refs, r.metadata,
              r.vector, r.materials, r.passages, r.source_format, current_timestamp
       FROM (SELECT unnest(from_json($1::JSON, '${BATCH_SHAPE}')) AS r)`,
      [JSON.stringify(batch)],
    );
  }

  /** Deletes one paper; returns whether it existed. */
  async deletePaper(tx: Transaction, id: string): Promise<boolean> {
    const rows = await tx.query<{ id: string }>('DELETE FROM papers WHERE id = $1 RETURNING id', [id]);
    return rows.length > 0;
  }

  /** Papers by id in one query; the result follows `ids`, with null for unknown ids. */
  async papersByIds(ids: readonly string[]): Promise<(PaperRecord | null)[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<PaperRow>(`SELECT ${COLUMNS} FROM papers WHERE list_contains($1, id)`, [listValue([...ids])]);
    const byId = new Map(rows.map((row) => [row.id, toRecord(row)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** One page of papers in ingestion order. */
  async listPapers(page: { offset: number; limit: number }): Promise<{ records: PaperRecord[]; total: number }> {
    const [{ total }] = await this.db.query<{ total: bigint }>('SELECT count(*) AS total FROM papers');
    const rows = await this.db.query<PaperRow>(`SELECT ${COLUMNS} FROM papers ORDER BY seq LIMIT ${page.limit} OFFSET ${page.offset}`);
    return { records: rows.map(toRecord), total: Number(total) };
  }

  /** Every paper in ingestion order (used to rebuild the search index at start-up). */
  async allPapers(): Promise<PaperRecord[]> {
    const rows = await this.db.query<PaperRow>(`SELECT ${COLUMNS} FROM papers ORDER BY seq`);
    return rows.map(toRecord);
  }

  /**
   * Pages of papers for many reduced formulas in one query (the
   * Material.papers batch), in ingestion order. Returns, per formula in input
   * order, its page and its total count.
   */
  async papersByMaterials(formulas: readonly string[], page: { offset: number; limit: number }): Promise<{ records: PaperRecord[]; total: number }[]> {
    if (formulas.length === 0) return [];
    // Rank 0 is always read so that a formula whose page is empty still reports its total.
    const rows = await this.db.query<PaperRow & { formula: string; total: bigint; rank: bigint }>(
      `SELECT * FROM (
         SELECT ${COLUMNS}, formula,
                row_number() OVER (PARTITION BY formula ORDER BY seq) - 1 AS rank,
                count(*) OVER (PARTITION BY formula) AS total
         FROM (SELECT *, unnest(materials) AS formula FROM papers)
         WHERE list_contains($1, formula)
       ) WHERE rank = 0 OR (rank >= ${page.offset} AND rank < ${page.offset + page.limit})
       ORDER BY formula, rank`,
      [listValue([...formulas])],
    );
    return groupPages(formulas, rows, (row) => row.formula, (row) => Number(row.rank) >= page.offset && Number(row.rank) < page.offset + page.limit);
  }

  /** Papers whose reference lists contain each id, in one query; per id in input order. */
  async citingPapers(ids: readonly string[]): Promise<PaperRecord[][]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<PaperRow & { cited: string }>(
      `SELECT ${COLUMNS}, cited FROM (SELECT *, unnest(refs) AS cited FROM papers) WHERE list_contains($1, cited) ORDER BY seq`,
      [listValue([...ids])],
    );
    const byId = new Map<string, PaperRecord[]>();
    for (const row of rows) byId.set(row.cited, [...(byId.get(row.cited) ?? []), toRecord(row)]);
    return ids.map((id) => byId.get(id) ?? []);
  }

  /** Earlier turns of a conversation, oldest first; empty when the id is unknown. */
  async conversationTurns(conversationId: string): Promise<{ question: string; answer: string }[]> {
    return this.db.query<{ question: string; answer: string }>(
      'SELECT question, answer FROM conversation_turns WHERE conversation_id = $1 ORDER BY turn',
      [conversationId],
    );
  }

  async appendTurn(conversationId: string, turn: number, question: string, answer: string): Promise<void> {
    await this.db.query('INSERT INTO conversation_turns VALUES ($1, $2, $3, $4, current_timestamp)', [conversationId, turn, question, answer]);
  }

  close(): void {
    this.db.close();
  }
}

function groupPages<T extends PaperRow & { total: bigint }>(
  keys: readonly string[],
  rows: T[],
  keyOf: (row: T) => string,
  inPage: (row: T) => boolean,
): { records: PaperRecord[]; total: number }[] {
  const byKey = new Map<string, { records: PaperRecord[]; total: number }>();
  for (const row of rows) {
    const entry = byKey.get(keyOf(row)) ?? { records: [], total: Number(row.total) };
    if (inPage(row)) entry.records.push(toRecord(row));
    byKey.set(keyOf(row), entry);
  }
  return keys.map((key) => byKey.get(key) ?? { records: [], total: 0 });
}
