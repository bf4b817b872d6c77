import { existsSync, rmSync } from 'node:fs';

import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openHarness, removeDir, type Harness } from './helpers.js';
import { clusteredRows, createPoints } from './vectors-data.js';

const N = 5000;
const DIM = 16;
const data = clusteredRows(N, DIM);

const SEARCH = `query($input: VectorSearchInput!) { vectorSearch(input: $input) { strategy candidates hits { key distance row } } }`;

let h: Harness;

async function search(input: Record<string, unknown>) {
  return h.exec(SEARCH, { input: { table: 'points', column: 'v', ...input } });
}

beforeAll(async () => {
  // A low exact threshold so that the 10 % and 100 % filters take the HNSW path on 5,000 rows.
  process.env.SCIFED_DATA_EXACT_MAX_ROWS = '200';
  h = await openHarness();
  await createPoints(h, data.rows, DIM);
  const { errors } = await h.exec(`mutation { createVectorIndex(input: {table: "points", column: "v", metric: COSINE}) { size dimension metric } }`);
  expect(errors).toBeUndefined();
});

afterAll(async () => {
  delete process.env.SCIFED_DATA_EXACT_MAX_ROWS;
  await h.close();
  removeDir(h.dir);
});

describe('filtered vectorSearch', () => {
  const cases: [string, string | undefined, string, number][] = [
    ['100 % (no filter)', undefined, 'HNSW', N],
    ['100 % (filter)', 'bucket >= $1', 'HNSW_FILTERED', N],
    ['10 %', 'bucket < $1', 'HNSW_FILTERED', 0],
    ['1 %', 'bucket < $1', 'EXACT_FILTERED', 0],
    ['0.1 %', 'bucket < $1', 'EXACT_FILTERED', 0],
  ];
  const thresholds: Record<string, number> = { '100 % (filter)': 0, '10 %': 100, '1 %': 10, '0.1 %': 1 };

  for (const [name, where, strategy] of cases) {
    it(`keeps recall@10 at ${name}`, async () => {
      const params = where ? [thresholds[name]] : undefined;
      const passes = (bucket: number) => {
        if (!where) return true;
        return where.includes('>=') ? bucket >= params![0] : bucket < params![0];
      };
      const expected = data.rows.filter((row) => passes(row.bucket)).length;
      let found = 0;
      let total = 0;
      for (let q = 0; q < 20; q++) {
        const vector = data.query();
        const approx = await search({ vector, k: 10, where, params });
        const exact = await search({ vector, k: 10, where, params, exact: true });
        expect(approx.errors).toBeUndefined();
        expect(approx.data.vectorSearch.strategy).toBe(strategy);
        expect(approx.data.vectorSearch.candidates).toBe(expected);
        expect(exact.data.vectorSearch.strategy).toBe(where ? 'EXACT_FILTERED' : 'EXACT');
        const truth = new Set(exact.data.vectorSearch.hits.map((hit: any) => hit.key));
        expect(truth.size).toBe(Math.min(10, expected));
        found += approx.data.vectorSearch.hits.filter((hit: any) => truth.has(hit.key)).length;
        total += truth.size;
        for (const hit of approx.data.vectorSearch.hits) expect(passes(hit.row.bucket)).toBe(true);
      }
      expect(found / total).toBeGreaterThanOrEqual(0.95);
    });
  }

  it('returns every passing row when fewer than k pass', async () => {
    const passing = data.rows.filter((row) => row.bucket < 1).map((row) => String(row.id));
    expect(passing.length).toBeLessThan(10);
    const { data: result } = await search({ vector: data.query(), k: 10, where: 'bucket < 1' });
    expect(result.vectorSearch.hits.map((hit: any) => hit.key).sort()).toEqual(passing.sort());
  });

  it('reports the same distance from HNSW and exact search', async () => {
    const vector = data.rows[42].v;
    const approx = await search({ vector, k: 1 });
    const exact = await search({ vector, k: 1, exact: true });
    expect(approx.data.vectorSearch.hits[0].key).toBe('42');
    expect(exact.data.vectorSearch.hits[0].key).toBe('42');
    expect(approx.data.vectorSearch.hits[0].distance).toBeCloseTo(exact.data.vectorSearch.hits[0].distance, 4);
    expect(exact.data.vectorSearch.hits[0].distance).toBeCloseTo(0, 5);
  });

  it('returns rows without their vector', async () => {
    const { data: result } = await search({ vector: data.rows[7].v, k: 1 });
    expect(result.vectorSearch.hits[0].row).toEqual({ id: 7, bucket: data.rows[7].bucket });
  });
});

describe('index upkeep', () => {
  it('replaces the vector of an updated key', async () => {
    const target = data.rows[100].v;
    await h.subgraph.tables.updateRows('points', [{ id: 9, v: target }]);
    const { data: result } = await search({ vector: target, k: 2 });
    expect(result.vectorSearch.hits.map((hit: any) => hit.key).sort()).toEqual(['100', '9']);
    const old = await search({ vector: data.rows[9].v, k: 1, exact: true });
    expect(old.data.vectorSearch.hits[0].key).not.toBe('9');
  });

  it('never returns a deleted key', async () => {
    await h.subgraph.tables.deleteRows('points', ['100']);
    const { data: result } = await search({ vector: data.rows[100].v, k: 5 });
    expect(result.vectorSearch.hits.map((hit: any) => hit.key)).not.toContain('100');
    const exact = await search({ vector: data.rows[100].v, k: 5, exact: true });
    expect(exact.data.vectorSearch.hits.map((hit: any) => hit.key)).not.toContain('100');
  });

  it('never returns a deleted key through a filter', async () => {
    const vector = data.rows[200].v;
    const plans: [string, Record<string, unknown>][] = [
      ['HNSW_FILTERED', { where: 'bucket >= $1', params: [0] }],
      ['EXACT_FILTERED', { where: 'id = $1 OR bucket < $2', params: [200, 1] }],
      ['EXACT_FILTERED', { where: 'bucket >= $1', params: [0], exact: true }],
    ];
    for (const [strategy, filter] of plans) {
      const before = await search({ vector, k: 5, ...filter });
      expect(before.data.vectorSearch.strategy).toBe(strategy);
      const keys = before.data.vectorSearch.hits.map((hit: any) => hit.key);
      // The graph is approximate (its parallel build differs between runs), so it only has to find the row among the top 5.
      if (strategy === 'HNSW_FILTERED') expect(keys).toContain('200');
      else expect(keys[0]).toBe('200');
    }
    await h.subgraph.tables.deleteRows('points', ['200']);
    for (const [strategy, filter] of plans) {
      const after = await search({ vector, k: 5, ...filter });
      expect(after.data.vectorSearch.strategy).toBe(strategy);
      expect(after.data.vectorSearch.hits.map((hit: any) => hit.key)).not.toContain('200');
    }
    // Inserted again, the key returns (and the row count that later tests expect is restored).
    await h.subgraph.tables.insertRows('points', [data.rows[200]]);
    const again = await search({ vector, k: 1, where: 'id = $1 OR bucket < $2', params: [200, 1] });
    expect(again.data.vectorSearch.hits[0].key).toBe('200');
  });

  it('scores an updated vector on the filtered exact plan', async () => {
    const vector = Array.from({ length: DIM }, (_, i) => (i === 3 ? 1 : 0));
    const filter = { where: 'id = $1', params: [300], k: 1 };
    const before = await search({ vector, ...filter });
    expect(before.data.vectorSearch.strategy).toBe('EXACT_FILTERED');
    expect(before.data.vectorSearch.hits[0].distance).toBeGreaterThan(0.01);
    await h.subgraph.tables.updateRows('points', [{ id: 300, v: vector }]);
    const after = await search({ vector, ...filter });
    expect(after.data.vectorSearch.hits[0].key).toBe('300');
    expect(after.data.vectorSearch.hits[0].distance).toBeCloseTo(0, 5);
  });

  it('adds inserted rows', async () => {
    const vector = Array.from({ length: DIM }, (_, i) => (i === 0 ? 1 : 0));
    await h.subgraph.tables.insertRows('points', [{ id: 90001, bucket: 5, v: vector }]);
    const { data: result } = await search({ vector, k: 1 });
    expect(result.vectorSearch.hits[0].key).toBe('90001');
  });

  it('loads the saved index at restart', async () => {
    await h.close();
    h = await openHarness(h.dir);
    const index = h.subgraph.vectors.get('points', 'v')!;
    expect(index.buildSeconds).toBe(0);
    expect(index.size).toBe(N);
    const { data: result } = await search({ vector: data.rows[11].v, k: 1 });
    expect(result.vectorSearch.hits[0].key).toBe('11');
  });

  it('rebuilds a stale index at restart', async () => {
    await h.close();
    // Change the table behind the index's back.
    const instance = await DuckDBInstance.create(`${h.dir}/data.duckdb`);
    const connection = await instance.connect();
    await connection.run('DELETE FROM points WHERE id = 11');
    connection.closeSync();
    instance.closeSync();

    h = await openHarness(h.dir);
    const index = h.subgraph.vectors.get('points', 'v')!;
    expect(index.buildSeconds).toBeGreaterThan(0);
    expect(index.size).toBe(N - 1);
    expect(index.hnsw.size()).toBe(N - 1);
    const { data: result } = await search({ vector: data.rows[11].v, k: 3 });
    expect(result.vectorSearch.hits.map((hit: any) => hit.key)).not.toContain('11');
  });
});

describe('index file', () => {
  it('is rebuilt at restart when missing', async () => {
    await h.close();
    rmSync(`${h.dir}/data.points.v.usearch`);
    h = await openHarness(h.dir);
    const index = h.subgraph.vectors.get('points', 'v')!;
    expect(index.buildSeconds).toBeGreaterThan(0);
    expect(existsSync(`${h.dir}/data.points.v.usearch`)).toBe(true);
    const { data: result } = await search({ vector: data.rows[12].v, k: 1 });
    expect(result.vectorSearch.hits[0].key).toBe('12');
  });

  it('is removed with dropVectorIndex', async () => {
    const { data: dropped } = await h.exec(`mutation { dropVectorIndex(table: "points", column: "v") }`);
    expect(dropped.dropVectorIndex).toBe(true);
    expect(existsSync(`${h.dir}/data.points.v.usearch`)).toBe(false);
    const { errors } = await search({ vector: data.rows[12].v, k: 1 });
    expect(errors?.[0].message).toContain('has no vector index; create one with createVectorIndex');
    await h.exec(`mutation { createVectorIndex(input: {table: "points", column: "v"}) { size } }`);
  });
});

describe('vectorSearch errors', () => {
  const bad: [string, Record<string, unknown>, string][] = [
    ['wrong dimension', { vector: [1, 2, 3], k: 1 }, 'vector has 3 components, but column "v" holds vectors of dimension 16.'],
    ['unknown column', { column: 'w', vector: data.rows[0].v, k: 1 }, 'column "w" is not in table "points"'],
    ['non-vector column', { column: 'bucket', vector: data.rows[0].v, k: 1 }, 'vector search needs a VECTOR column'],
    ['k out of range', { vector: data.rows[0].v, k: 0 }, 'k must be an integer from 1 to'],
    ['file-reading filter', { vector: data.rows[0].v, k: 1, where: "id IN (SELECT 1 FROM read_csv('/etc/passwd'))" }, 'file system operations are disabled'],
    ['writing filter', { vector: data.rows[0].v, k: 1, where: '1 = 1); DELETE FROM points; SELECT (1' }, 'contains a ")" without its "("'],
    ['filter with a LIMIT after it', { vector: data.rows[0].v, k: 1, where: 'true) LIMIT 3 --' }, 'contains a ")" without its "("'],
    ['filter with a comment', { vector: data.rows[0].v, k: 1, where: 'bucket < 10 -- small ones' }, 'contains a comment (--)'],
    ['filter with a second statement', { vector: data.rows[0].v, k: 1, where: 'bucket < 10; SELECT 1' }, 'remove the ";"'],
    ['numeric filter', { vector: data.rows[0].v, k: 1, where: 'bucket' }, 'where "bucket" has type INTEGER, not BOOLEAN'],
    ['text filter', { vector: data.rows[0].v, k: 1, where: "'yes'" }, 'not BOOLEAN'],
    ['component beyond ±1e15', { vector: data.rows[0].v.map((x, i) => (i === 2 ? 1e20 : x)), k: 1 }, 'vector component 2 is 100000000000000000000'],
    ['zero cosine query', { vector: data.rows[0].v.map(() => 0), k: 1 }, 'vector is all zeros'],
    ['path-revealing filter', { vector: data.rows[0].v, k: 1, where: 'id IN (SELECT 1 FROM duckdb_databases())' }, 'where calls duckdb_databases()'],
  ];
  for (const [name, input, message] of bad) {
    it(`rejects ${name}`, async () => {
      const { errors } = await search(input);
      expect(errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(errors?.[0].message).toContain(message);
    });
  }

  it('rejects a vector component beyond ±1e15 at insert and stores nothing', async () => {
    const before = (await h.subgraph.tables.requireTable('points')).rowCount;
    const v = data.rows[0].v.map((x, i) => (i === 5 ? 1e39 : x));
    await expect(h.subgraph.tables.insertRows('points', [{ id: 800_001, bucket: 1, v }])).rejects.toThrow(/component 5 is 1e\+39; every component must be a finite number within ±1e15/);
    expect((await h.subgraph.tables.requireTable('points')).rowCount).toBe(before);
  });

  it('accepts quotes, strings and dollar quotes that hold ;, -- and parentheses', async () => {
    const where = `bucket < 100 AND 'a;b--c)' <> E'it\\'s (' AND "bucket" >= 0 AND $$x)y$$ <> ''`;
    const { data: result, errors } = await search({ vector: data.rows[0].v, k: 3, where });
    expect(errors).toBeUndefined();
    expect(result.vectorSearch.hits).toHaveLength(3);
    expect(result.vectorSearch.hits.every((hit: any) => hit.row.bucket < 100)).toBe(true);
  });

  it('reports a bad filter without the wrapping statement', async () => {
    const { errors } = await search({ vector: data.rows[0].v, k: 1, where: 'no_such_column > 1' });
    expect(errors?.[0].message).toMatch(/^where failed: /);
    expect(errors?.[0].message).not.toContain('LINE 1');
    expect(errors?.[0].message).not.toContain('AS high');
  });

  it('returns NOT_FOUND for an unknown table', async () => {
    const { errors } = await search({ table: 'nowhere', vector: data.rows[0].v, k: 1 });
    expect(errors?.[0].extensions.code).toBe('NOT_FOUND');
  });
});
