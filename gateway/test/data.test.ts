import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { startStack, type Stack } from './stack.js';

// Tables, imports, read-only SQL, vector indexes and filtered vector search
// sent through the gateway to the data subgraph. The limits below are
// lowered so that 201 rows reach every search plan and every limit: a filter
// passing at most 20 rows runs exactly, and more than that runs on the graph.
const LIMITS = {
  SCIFED_DATA_EXACT_MAX_ROWS: '20',
  SCIFED_SQL_MAX_ROWS: '50',
  SCIFED_SQL_TIMEOUT_MS: '1000',
  SCIFED_DATA_MAX_IMPORT_BYTES: '200000',
  SCIFED_DATA_MAX_BATCH_ROWS: '300',
  SCIFED_DATA_MAX_K: '100',
};

const DIM = 8;
/** Row key above 2^53: exact only as a string. */
const BIG_KEY = '9007199254740993';

interface Sample {
  id: number;
  ok: boolean;
  n: number;
  mass: number;
  label: string;
  formula: string;
  measured: string;
  meta: { batch: number };
  emb: number[];
  /** Primary key as the API returns it, when it differs from String(id). */
  key?: string;
}

/** Components rounded to float32, so float64 distances here match the stored FLOAT[8] values. */
function vectorOf(id: number): number[] {
  // Four clusters around the axes 0..3, with a deterministic spread.
  let state = id * 2654435761;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  return Array.from({ length: DIM }, (_, i) => Math.fround((i === id % 4 ? 2 : 0) + next()));
}

/** 'rare' on 8 rows, 'common' on 96, 'other' on 96. */
function labelOf(id: number): string {
  if (id % 25 === 0) return 'rare';
  return id % 2 === 0 ? 'common' : 'other';
}

const FORMULAS = ['Fe2O3', 'Fe4O6', 'Cu', 'NiAl'];

function sampleOf(id: number): Sample {
  return {
    id,
    ok: id % 3 === 0,
    n: id * 10,
    mass: id / 4,
    label: labelOf(id),
    formula: FORMULAS[id % 4],
    measured: new Date(Date.UTC(2024, 0, 1) + id * 3_600_000).toISOString(),
    meta: { batch: Math.floor(id / 80) },
    emb: vectorOf(id),
  };
}

const SAMPLES = Array.from({ length: 200 }, (_, i) => sampleOf(i + 1));

function cosineDistance(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return 1 - dot / Math.sqrt(na * nb);
}

/** Exact nearest rows by cosine distance among `rows`, nearest first. */
function exactNearest(rows: Sample[], query: number[], k: number): { key: string; distance: number }[] {
  return rows
    .map((row) => ({ key: row.key ?? String(row.id), distance: cosineDistance(row.emb, query) }))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, k);
}

function csvOf(rows: Sample[]): string {
  const header = 'id,ok,n,mass,label,formula,measured,meta,emb';
  const quote = (text: string) => `"${text.replaceAll('"', '""')}"`;
  const lines = rows.map((r) => [r.id, r.ok, r.n, r.mass, r.label, r.formula, r.measured, quote(JSON.stringify(r.meta)), quote(JSON.stringify(r.emb))].join(','));
  return `${header}\n${lines.join('\n')}\n`;
}

/** Writes rows to a Parquet file with a throwaway in-memory DuckDB and returns the file as base64. */
async function parquetOf(rows: Sample[]): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'scifed-gateway-parquet-'));
  const file = path.join(dir, 'rows.parquet');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    // Exponent notation makes DuckDB read DOUBLE literals. Plain decimals are
    // read as DECIMAL, whose cast to FLOAT can land one float32 step away.
    const values = rows
      .map((r) => `(${r.id}, ${r.ok}, ${r.n}, ${r.mass}, '${r.label}', '${r.formula}', TIMESTAMP '${r.measured.replace('T', ' ').replace('Z', '')}', '${JSON.stringify(r.meta)}', [${r.emb.map((x) => x.toExponential()).join(', ')}]::FLOAT[${DIM}])`)
      .join(',\n');
    await connection.run(`COPY (SELECT * FROM (VALUES ${values}) t(id, ok, n, mass, label, formula, measured, meta, emb)) TO '${file}' (FORMAT parquet)`);
    return readFileSync(file).toString('base64');
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}

type GraphQLError = { message: string; extensions?: Record<string, unknown> };

let stack: Stack;
const saved = new Map<string, string | undefined>();

async function rowCount(table: string): Promise<number> {
  const { body } = await stack.request<{ table: { rowCount: number } }>('query ($t: String!) { table(name: $t) { rowCount } }', { t: table });
  return body.data!.table.rowCount;
}

function expectError(errors: GraphQLError[] | undefined, code: string, message: RegExp | string): void {
  expect(errors, 'an error was expected').toBeDefined();
  expect(errors![0].extensions?.code).toBe(code);
  if (typeof message === 'string') expect(errors![0].message).toContain(message);
  else expect(errors![0].message).toMatch(message);
}

const IMPORT = 'mutation ($t: String!, $f: ImportFormat!, $c: String!) { importRows(table: $t, format: $f, content: $c) { inserted replaced table { rowCount } } }';
const SQL = 'query ($q: String!, $p: [JSON!]) { sql(query: $q, params: $p) { columns { name type } rows truncated } }';
const SEARCH = 'query ($i: VectorSearchInput!) { vectorSearch(input: $i) { strategy candidates hits { key distance row } } }';

beforeAll(async () => {
  for (const [name, value] of Object.entries(LIMITS)) {
    saved.set(name, process.env[name]);
    process.env[name] = value;
  }
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('data tables through the gateway', () => {
  test('createTable accepts every column type', async () => {
    const { body } = await stack.request<{ createTable: { name: string; primaryKey: string; rowCount: number; columns: { name: string; type: string; dimension: number | null }[] } }>(
      `mutation { createTable(input: { name: "samples", primaryKey: "id", columns: [
        { name: "id", type: BIGINT }, { name: "ok", type: BOOLEAN }, { name: "n", type: INTEGER },
        { name: "mass", type: DOUBLE }, { name: "label", type: VARCHAR }, { name: "formula", type: VARCHAR },
        { name: "measured", type: TIMESTAMP }, { name: "meta", type: JSON }, { name: "emb", type: VECTOR, dimension: 8 }
      ] }) { name primaryKey rowCount columns { name type dimension } } }`,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.createTable.primaryKey).toBe('id');
    expect(body.data!.createTable.rowCount).toBe(0);
    expect(body.data!.createTable.columns.map((c) => c.type)).toEqual(['BIGINT', 'BOOLEAN', 'INTEGER', 'DOUBLE', 'VARCHAR', 'VARCHAR', 'TIMESTAMP', 'JSON', 'VECTOR']);
    expect(body.data!.createTable.columns[8].dimension).toBe(8);
    expect(body.data!.createTable.columns[0].dimension).toBeNull();
  });

  test('importRows reads CSV, JSONL and Parquet', async () => {
    const csv = await stack.request<{ importRows: { inserted: number; table: { rowCount: number } } }>(IMPORT, { t: 'samples', f: 'CSV', c: csvOf(SAMPLES.slice(0, 80)) });
    expect(csv.body.errors).toBeUndefined();
    expect(csv.body.data!.importRows.inserted).toBe(80);

    const jsonRows = [...SAMPLES.slice(80, 160), { ...sampleOf(0), id: BIG_KEY, label: 'big' }];
    const jsonl = await stack.request<{ importRows: { inserted: number } }>(IMPORT, { t: 'samples', f: 'JSONL', c: jsonRows.map((r) => JSON.stringify(r)).join('\n') });
    expect(jsonl.body.errors).toBeUndefined();
    expect(jsonl.body.data!.importRows.inserted).toBe(81);

    const parquet = await stack.request<{ importRows: { inserted: number; table: { rowCount: number } } }>(IMPORT, { t: 'samples', f: 'PARQUET', c: await parquetOf(SAMPLES.slice(160)) });
    expect(parquet.body.errors).toBeUndefined();
    expect(parquet.body.data!.importRows.inserted).toBe(40);
    expect(parquet.body.data!.importRows.table.rowCount).toBe(201);
  });

  test('rows from each format read back equal', async () => {
    for (const id of [7, 123, 190]) {
      const { body } = await stack.request<{ sql: { rows: unknown[][] } }>(SQL, { q: 'SELECT id, ok, n, mass, label, formula, measured, meta, emb FROM samples WHERE id = $1', p: [id] });
      expect(body.errors).toBeUndefined();
      const s = sampleOf(id);
      const [row] = body.data!.sql.rows;
      expect(row.slice(0, 6)).toEqual([id, s.ok, s.n, s.mass, s.label, s.formula]);
      expect(row[6]).toBe(s.measured);
      expect(typeof row[7] === 'string' ? JSON.parse(row[7]) : row[7]).toEqual(s.meta);
      expect(row[8], `emb of row ${id}`).toEqual(s.emb);
    }
  });

  test('bad CSV row stores nothing', async () => {
    const content = csvOf([sampleOf(301), { ...sampleOf(302), n: 'many' as unknown as number }]);
    const { body } = await stack.request(IMPORT, { t: 'samples', f: 'CSV', c: content });
    expectError(body.errors, 'BAD_USER_INPUT', 'line 3, column "n": "many" is not an integer');
    expect(await rowCount('samples')).toBe(201);
  });

  test('import limits keep their codes', async () => {
    const tooLarge = await stack.request(IMPORT, { t: 'samples', f: 'CSV', c: `id\n${'1'.repeat(200_001)}\n` });
    expectError(tooLarge.body.errors, 'PAYLOAD_TOO_LARGE', 'SCIFED_DATA_MAX_IMPORT_BYTES');

    const tooMany = await stack.request(IMPORT, { t: 'samples', f: 'JSONL', c: Array.from({ length: 301 }, (_, i) => JSON.stringify({ id: 1000 + i })).join('\n') });
    expectError(tooMany.body.errors, 'LIMIT_EXCEEDED', 'the batch has 301 rows, above the limit of 300 (SCIFED_DATA_MAX_BATCH_ROWS)');

    const notParquet = await stack.request(IMPORT, { t: 'samples', f: 'PARQUET', c: Buffer.from('id\n1\n').toString('base64') });
    expectError(notParquet.body.errors, 'BAD_USER_INPUT', 'not a base64-encoded Parquet file');

    // Above the gateway's body limit the request never reaches the subgraph.
    const body = await stack.request(IMPORT, { t: 'samples', f: 'CSV', c: 'x'.repeat(stack.gateway.limits.maxBodyBytes + 1) });
    expect(body.status).toBe(413);
    expectError(body.body.errors, 'PAYLOAD_TOO_LARGE', 'SCIFED_MAX_BODY');
    expect(await rowCount('samples')).toBe(201);
  });

  test('unknown table and column are rejected', async () => {
    const table = await stack.request(IMPORT, { t: 'nosuch', f: 'CSV', c: 'id\n1\n' });
    expectError(table.body.errors, 'NOT_FOUND', 'table "nosuch" was not found');

    const column = await stack.request(IMPORT, { t: 'samples', f: 'CSV', c: 'id,colour\n500,red\n' });
    expectError(column.body.errors, 'BAD_USER_INPUT', 'colour');

    const badType = await stack.request('mutation { createTable(input: { name: "v", primaryKey: "id", columns: [{ name: "id", type: INTEGER }, { name: "e", type: VECTOR }] }) { name } }');
    expectError(badType.body.errors, 'BAD_USER_INPUT', '"e"');
  });
});

describe('sql through the gateway', () => {
  test('keeps BIGINT exact, timestamps ISO and NULLs in lists', async () => {
    const { body } = await stack.request<{ sql: { columns: { name: string; type: string }[]; rows: unknown[][]; truncated: boolean } }>(SQL, {
      q: 'SELECT id, measured, [1, NULL, 3] AS l FROM samples WHERE label = $1',
      p: ['big'],
    });
    expect(body.errors).toBeUndefined();
    expect(body.data!.sql.columns).toEqual([{ name: 'id', type: 'BIGINT' }, { name: 'measured', type: 'TIMESTAMP' }, { name: 'l', type: 'INTEGER[]' }]);
    expect(body.data!.sql.rows).toEqual([[BIG_KEY, '2024-01-01T00:00:00.000Z', [1, null, 3]]]);
    expect(body.data!.sql.truncated).toBe(false);
  });

  test('truncates at SCIFED_SQL_MAX_ROWS', async () => {
    const { body } = await stack.request<{ sql: { rows: unknown[][]; truncated: boolean } }>(SQL, { q: 'SELECT id FROM samples ORDER BY id' });
    expect(body.data!.sql.rows).toHaveLength(50);
    expect(body.data!.sql.truncated).toBe(true);
  });

  const rejected: [string, string][] = [
    ['DELETE FROM samples', 'starts with DELETE'],
    ["INSERT INTO samples (id) VALUES (999)", 'starts with INSERT'],
    ['DROP TABLE samples', 'starts with DROP'],
    ["COPY samples TO '/tmp/scifed-gateway-leak.csv'", 'starts with COPY'],
    ["SELECT * FROM read_csv('/etc/passwd')", 'file system operations are disabled'],
    ["ATTACH '/tmp/scifed-gateway-other.duckdb' AS other", 'read-only SELECT'],
    ['LOAD vss', 'read-only SELECT'],
    ['SELECT 1; DELETE FROM samples', 'exactly one statement, found 2'],
  ];
  for (const [query, message] of rejected) {
    test(`rejects ${query.split(' ').slice(0, 2).join(' ')}`, async () => {
      const { body } = await stack.request(SQL, { q: query });
      expectError(body.errors, 'BAD_USER_INPUT', message);
    });
  }

  test('a rejected statement changes nothing', async () => {
    expect(await rowCount('samples')).toBe(201);
  });

  test('a statement past the timeout is interrupted', async () => {
    const { body } = await stack.request(SQL, { q: 'SELECT count(*) FROM range(1000000000) a, range(1000) b WHERE a.range * b.range = -1' });
    expectError(body.errors, 'LIMIT_EXCEEDED', 'interrupted after 1000 ms (SCIFED_SQL_TIMEOUT_MS)');
  });
});

describe('vector search through the gateway', () => {
  const query = vectorOf(42).map((x, i) => Math.fround(x + (i === 5 ? 0.3 : 0)));
  const rows = [...SAMPLES, { ...sampleOf(0), key: BIG_KEY, label: 'big' }];

  test('createVectorIndex indexes every row', async () => {
    const { body } = await stack.request<{ createVectorIndex: { table: string; column: string; dimension: number; metric: string; size: number; quantization: string } }>(
      'mutation { createVectorIndex(input: { table: "samples", column: "emb", metric: COSINE, connectivity: 16, expansionAdd: 128, expansionSearch: 64 }) { table column dimension metric size quantization } }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.createVectorIndex).toEqual({ table: 'samples', column: 'emb', dimension: 8, metric: 'COSINE', size: 201, quantization: 'F32' });
  });

  test('without a filter the plan is HNSW', async () => {
    const { body } = await stack.request<{ vectorSearch: { strategy: string; candidates: number; hits: { key: string; distance: number; row: Record<string, unknown> }[] } }>(SEARCH, {
      i: { table: 'samples', column: 'emb', vector: query, k: 10 },
    });
    expect(body.errors).toBeUndefined();
    const result = body.data!.vectorSearch;
    expect(result.strategy).toBe('HNSW');
    expect(result.candidates).toBe(201);
    // 201 rows with ef = 64: the graph search is exhaustive here, so it equals exact search.
    const expected = exactNearest(rows, query, 10);
    expect(result.hits.map((h) => h.key)).toEqual(expected.map((e) => e.key));
    result.hits.forEach((hit, i) => expect(hit.distance).toBeCloseTo(expected[i].distance, 5));
    expect(result.hits[0].row).not.toHaveProperty('emb');
    expect(result.hits[0].row).toMatchObject({ id: Number(result.hits[0].key), label: labelOf(Number(result.hits[0].key)) });
  });

  test('exact: true without a filter is EXACT', async () => {
    const { body } = await stack.request<{ vectorSearch: { strategy: string; hits: { key: string; distance: number }[] } }>(SEARCH, {
      i: { table: 'samples', column: 'emb', vector: query, k: 10, exact: true },
    });
    expect(body.data!.vectorSearch.strategy).toBe('EXACT');
    const expected = exactNearest(rows, query, 10);
    expect(body.data!.vectorSearch.hits.map((h) => h.key)).toEqual(expected.map((e) => e.key));
    body.data!.vectorSearch.hits.forEach((hit, i) => expect(hit.distance).toBeCloseTo(expected[i].distance, 5));
  });

  test('selective filter runs EXACT_FILTERED', async () => {
    const { body } = await stack.request<{ vectorSearch: { strategy: string; candidates: number; hits: { key: string; distance: number }[] } }>(SEARCH, {
      i: { table: 'samples', column: 'emb', vector: query, k: 10, where: 'label = $1', params: ['rare'] },
    });
    expect(body.errors).toBeUndefined();
    const result = body.data!.vectorSearch;
    expect(result.strategy).toBe('EXACT_FILTERED');
    expect(result.candidates).toBe(8);
    const expected = exactNearest(SAMPLES.filter((s) => s.label === 'rare'), query, 10);
    expect(expected).toHaveLength(8);
    expect(result.hits.map((h) => h.key)).toEqual(expected.map((e) => e.key));
  });

  test('broad filter runs HNSW_FILTERED', async () => {
    const { body } = await stack.request<{ vectorSearch: { strategy: string; candidates: number; hits: { key: string; distance: number; row: { label: string; mass: number } }[] } }>(SEARCH, {
      i: { table: 'samples', column: 'emb', vector: query, k: 10, where: 'label = $1 AND mass > $2', params: ['common', 5] },
    });
    expect(body.errors).toBeUndefined();
    const result = body.data!.vectorSearch;
    expect(result.strategy).toBe('HNSW_FILTERED');
    const passing = SAMPLES.filter((s) => s.label === 'common' && s.mass > 5);
    expect(result.candidates).toBe(passing.length);
    for (const hit of result.hits) {
      expect(hit.row.label).toBe('common');
      expect(hit.row.mass).toBeGreaterThan(5);
    }
    const expected = exactNearest(passing, query, 10);
    expect(result.hits.map((h) => h.key)).toEqual(expected.map((e) => e.key));
  });

  test('exact: true with a filter is EXACT_FILTERED', async () => {
    const { body } = await stack.request<{ vectorSearch: { strategy: string; hits: { key: string }[] } }>(SEARCH, {
      i: { table: 'samples', column: 'emb', vector: query, k: 5, where: "label = 'common'", exact: true },
    });
    expect(body.data!.vectorSearch.strategy).toBe('EXACT_FILTERED');
    expect(body.data!.vectorSearch.hits.map((h) => h.key)).toEqual(exactNearest(SAMPLES.filter((s) => s.label === 'common'), query, 5).map((e) => e.key));
  });

  test('a deleted key never comes back', async () => {
    const nearest = exactNearest(rows, query, 1)[0].key;
    const deleted = await stack.request<{ deleteRows: { deleted: number } }>('mutation ($k: [String!]!) { deleteRows(table: "samples", keys: $k) { deleted } }', { k: [nearest] });
    expect(deleted.body.data!.deleteRows.deleted).toBe(1);
    for (const exact of [false, true]) {
      const { body } = await stack.request<{ vectorSearch: { hits: { key: string }[] } }>(SEARCH, { i: { table: 'samples', column: 'emb', vector: query, k: 10, exact } });
      expect(body.data!.vectorSearch.hits.map((h) => h.key)).not.toContain(nearest);
    }
    const restored = await stack.request(IMPORT, { t: 'samples', f: 'JSONL', c: JSON.stringify(sampleOf(Number(nearest))) });
    expect(restored.body.errors).toBeUndefined();
  });

  test('bad searches keep their codes', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ vector: [1, 2, 3] }, 'BAD_USER_INPUT', 'vector has 3 components, but column "emb" holds vectors of dimension 8'],
      [{ k: 101 }, 'BAD_USER_INPUT', 'k must be an integer from 1 to 100 (SCIFED_DATA_MAX_K), got 101'],
      [{ column: 'label' }, 'BAD_USER_INPUT', 'column "label" has type VARCHAR'],
      [{ column: 'nosuch' }, 'BAD_USER_INPUT', 'column "nosuch" is not in table "samples"'],
      [{ table: 'nosuch' }, 'NOT_FOUND', 'table "nosuch" was not found'],
      [{ where: "id IN (SELECT * FROM read_csv('/etc/passwd'))" }, 'BAD_USER_INPUT', 'file system operations are disabled'],
    ];
    for (const [change, code, message] of cases) {
      const { body } = await stack.request(SEARCH, { i: { table: 'samples', column: 'emb', vector: query, k: 10, ...change } });
      expectError(body.errors, code, message);
    }
  });
});

describe('hybrid search through the gateway', () => {
  const DOCS = [
    { id: 'd1', body: 'copper grain boundary diffusion', emb: [1, 0, 0, 0] },
    { id: 'd2', body: 'copper oxide catalyst', emb: [0, 1, 0, 0] },
    { id: 'd3', body: 'lithium iron phosphate cathode', emb: [0.9, 0.1, 0, 0] },
    { id: 'd4', body: 'nickel aluminide ordering', emb: [0, 0, 1, 0] },
    { id: 'd5', body: 'diffusion in nickel', emb: [0, 0, 0, 1] },
  ];

  test('hybridSearch fuses by RRF and weights', async () => {
    const created = await stack.request('mutation { createTable(input: { name: "docs", primaryKey: "id", columns: [{ name: "id", type: VARCHAR }, { name: "body", type: VARCHAR }, { name: "emb", type: VECTOR, dimension: 4 }] }) { name } }');
    expect(created.body.errors).toBeUndefined();
    const inserted = await stack.request('mutation ($r: [JSON!]!) { insertRows(table: "docs", rows: $r) { inserted } }', { r: DOCS });
    expect(inserted.body.errors).toBeUndefined();
    const index = await stack.request('mutation { createVectorIndex(input: { table: "docs", column: "emb", metric: L2 }) { size } }');
    expect(index.body.errors).toBeUndefined();

    type Hybrid = { hybridSearch: { vectorStrategy: string; hits: { key: string; score: number; textRank: number | null; vectorRank: number | null }[] } };
    const HYBRID = 'query ($i: HybridSearchInput!) { hybridSearch(input: $i) { vectorStrategy hits { key score textRank vectorRank } } }';
    const input = { table: 'docs', textColumn: 'body', query: 'copper diffusion', vectorColumn: 'emb', vector: [1, 0, 0, 0], k: 5 };

    const rrf = await stack.request<Hybrid>(HYBRID, { i: input });
    expect(rrf.body.errors).toBeUndefined();
    const hits = rrf.body.data!.hybridSearch.hits;
    expect(rrf.body.data!.hybridSearch.vectorStrategy).toBe('HNSW');
    // d1 contains both query terms and is the nearest vector: first in both lists.
    expect(hits[0]).toMatchObject({ key: 'd1', textRank: 1, vectorRank: 1 });
    for (const hit of hits) {
      const expected = (hit.textRank ? 1 / (60 + hit.textRank) : 0) + (hit.vectorRank ? 1 / (60 + hit.vectorRank) : 0);
      expect(hit.score).toBeCloseTo(expected, 12);
    }

    const weighted = await stack.request<Hybrid>(HYBRID, { i: { ...input, fusion: 'WEIGHTED', weights: { text: 1, vector: 0 }, where: "id <> 'd1'" } });
    expect(weighted.body.errors).toBeUndefined();
    const textOnly = weighted.body.data!.hybridSearch;
    expect(textOnly.vectorStrategy).toBe('EXACT_FILTERED');
    expect(textOnly.hits.map((h) => h.key)).not.toContain('d1');
    // With the vector weight 0 the order is the BM25 order: rows with a query term first.
    const ranked = textOnly.hits.filter((h) => h.textRank !== null);
    expect(ranked.map((h) => h.textRank)).toEqual(ranked.map((_, i) => i + 1));
    expect(new Set(ranked.map((h) => h.key))).toEqual(new Set(['d2', 'd5']));

    const badColumn = await stack.request(HYBRID, { i: { ...input, textColumn: 'emb' } });
    expectError(badColumn.body.errors, 'BAD_USER_INPUT', 'BM25 needs a VARCHAR or JSON column');
  });
});

describe('Material.rows through the gateway', () => {
  test('linked formula rows under Material', async () => {
    const linked = await stack.request<{ linkMaterialColumn: { materialColumns: string[] } }>('mutation { linkMaterialColumn(table: "samples", column: "formula") { materialColumns } }');
    expect(linked.body.errors).toBeUndefined();
    expect(linked.body.data!.linkMaterialColumn.materialColumns).toEqual(['formula']);

    type Rows = {
      material: {
        formula: string;
        rows: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { table: string; column: string; key: string; row: { formula: string } } }[] };
      };
    };
    const ROWS = 'query ($after: String) { material(formula: "O3Fe2") { formula rows(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { table column key row } } } } }';
    const first = await stack.request<Rows>(ROWS);
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data!.material.formula).toBe('Fe2O3');
    expect(first.body.data!.material.rows.pageInfo.hasNextPage).toBe(true);
    const second = await stack.request<Rows>(ROWS, { after: first.body.data!.material.rows.pageInfo.endCursor });
    expect(second.body.errors).toBeUndefined();
    expect(second.body.data!.material.rows.pageInfo.hasNextPage).toBe(false);

    // Fe2O3 and Fe4O6 reduce to the same formula: ids ≡ 0 or 1 (mod 4), plus the big-key row (id 0 ≡ 0).
    const expected = new Set([...SAMPLES.filter((s) => s.id % 4 <= 1).map((s) => String(s.id)), BIG_KEY]);
    const nodes = [...first.body.data!.material.rows.edges, ...second.body.data!.material.rows.edges].map((e) => e.node);
    expect(first.body.data!.material.rows.totalCount).toBe(expected.size);
    expect(nodes).toHaveLength(expected.size);
    expect(new Set(nodes.map((node) => node.key))).toEqual(expected);
    for (const node of nodes) {
      expect(node.table).toBe('samples');
      expect(node.column).toBe('formula');
      expect(['Fe2O3', 'Fe4O6']).toContain(node.row.formula);
    }

    const notVarchar = await stack.request('mutation { linkMaterialColumn(table: "samples", column: "mass") { name } }');
    expectError(notVarchar.body.errors, 'BAD_USER_INPUT', 'only a VARCHAR column can hold formulas');
  });
});
