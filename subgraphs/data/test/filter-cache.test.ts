import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FilterCache } from '../src/vectors/filter-cache.js';
import { openHarness, removeDir, type Harness } from './helpers.js';
import { clusteredRows, createPoints } from './vectors-data.js';

const N = 2000;
const DIM = 8;
const data = clusteredRows(N, DIM, 11);

const SEARCH = `query($input: VectorSearchInput!) { vectorSearch(input: $input) { strategy candidates filterCached hits { key distance row } } }`;

let h: Harness;

async function search(input: Record<string, unknown>) {
  const { data: result, errors } = await h.exec(SEARCH, { input: { table: 'points', column: 'v', k: 5, ...input } });
  expect(errors).toBeUndefined();
  return result.vectorSearch as { strategy: string; candidates: number; filterCached: boolean; hits: { key: string; distance: number; row: Record<string, unknown> }[] };
}

beforeAll(async () => {
  // Low enough that the 10 % filter below takes the graph plan; the cache serves both plans.
  process.env.SCIFED_DATA_EXACT_MAX_ROWS = '100';
  h = await openHarness();
  await createPoints(h, data.rows, DIM);
  await h.subgraph.tables.createTable({ name: 'allowed', primaryKey: 'bucket', columns: [{ name: 'bucket', type: 'INTEGER' }] });
  await h.subgraph.tables.insertRows('allowed', [{ bucket: 1 }, { bucket: 2 }]);
  await h.subgraph.vectors.create('points', 'v', { metric: 'COSINE', connectivity: 16, expansionAdd: 128, expansionSearch: 64, quantization: 'F32' });
});

afterAll(async () => {
  delete process.env.SCIFED_DATA_EXACT_MAX_ROWS;
  await h.close();
  removeDir(h.dir);
});

describe('filter cache', () => {
  it('serves a repeated filter from cache', async () => {
    const vector = data.query();
    const first = await search({ vector, where: 'bucket < $1', params: [100] });
    const second = await search({ vector, where: 'bucket < $1', params: [100] });
    expect(first.strategy).toBe('HNSW_FILTERED');
    expect(first.filterCached).toBe(false);
    expect(second.filterCached).toBe(true);
    expect(second.hits).toEqual(first.hits);
    expect(second.candidates).toBe(first.candidates);
    const other = await search({ vector: data.query(), where: 'bucket < $1', params: [100], exact: true });
    expect(other.filterCached).toBe(true);
    expect(other.hits.every((hit) => (hit.row.bucket as number) < 100)).toBe(true);
  });

  it('maps a reused filter to slots', async () => {
    const vector = data.query();
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await search({ vector, where: 'bucket < $1', params: [150] }));
    expect(runs.map((run) => run.filterCached)).toEqual([false, true, true]);
    expect(runs[2].hits).toEqual(runs[0].hits);

    // Slots that change without a write to the table (here the index alone) make the slot set stale.
    const index = h.subgraph.vectors.get('points', 'v')!;
    const [label] = await h.subgraph.store.labelsOfKeys(await h.subgraph.tables.requireTable('points'), [runs[0].hits[0].key]);
    index.remove([label]);
    const after = await search({ vector, where: 'bucket < $1', params: [150] });
    expect(after.filterCached).toBe(true);
    expect(after.hits.map((hit) => hit.key)).not.toContain(runs[0].hits[0].key);
    expect(after.hits.map((hit) => hit.key)).toContain(runs[0].hits[1].key);
    const exact = await search({ vector, where: 'bucket < $1', params: [150], exact: true });
    expect(exact.filterCached).toBe(true);
    expect(exact.hits.map((hit) => hit.key)).not.toContain(runs[0].hits[0].key);
    expect(exact.hits.every((hit) => typeof hit.key === 'string')).toBe(true);
  });

  it('keeps filters with other params, or params of another type, apart', async () => {
    const vector = data.query();
    await search({ vector, where: 'bucket = $1', params: [7] });
    const text = await search({ vector, where: 'bucket = $1', params: ['8'] });
    expect(text.filterCached).toBe(false);
    expect(text.hits.every((hit) => hit.row.bucket === 8)).toBe(true);
    const number = await search({ vector, where: 'bucket = $1', params: [8] });
    expect(number.filterCached).toBe(false);
    expect(number.hits.every((hit) => hit.row.bucket === 8)).toBe(true);
  });

  it('sees an inserted row after the write, not the cached list', async () => {
    const vector = data.query();
    await search({ vector, where: 'bucket = $1', params: [3] });
    expect((await search({ vector, where: 'bucket = $1', params: [3] })).filterCached).toBe(true);
    await h.subgraph.tables.insertRows('points', [{ id: 900_001, bucket: 3, v: vector }]);
    const after = await search({ vector, where: 'bucket = $1', params: [3] });
    expect(after.filterCached).toBe(false);
    expect(after.hits[0].key).toBe('900001');
  });

  it('drops a row whose update makes it fail the filter', async () => {
    const vector = data.query();
    await h.subgraph.tables.insertRows('points', [{ id: 900_002, bucket: 4, v: vector }]);
    expect((await search({ vector, where: 'bucket = $1', params: [4] })).hits[0].key).toBe('900002');
    expect((await search({ vector, where: 'bucket = $1', params: [4] })).filterCached).toBe(true);
    await h.subgraph.tables.updateRows('points', [{ id: 900_002, bucket: 5 }]);
    const after = await search({ vector, where: 'bucket = $1', params: [4] });
    expect(after.filterCached).toBe(false);
    expect(after.hits.map((hit) => hit.key)).not.toContain('900002');
  });

  it('never returns a deleted key', async () => {
    const vector = data.query();
    await h.subgraph.tables.insertRows('points', [{ id: 900_003, bucket: 6, v: vector }]);
    await search({ vector, where: 'bucket = $1', params: [6] });
    await h.subgraph.tables.deleteRows('points', ['900003']);
    const after = await search({ vector, where: 'bucket = $1', params: [6] });
    expect(after.hits.map((hit) => hit.key)).not.toContain('900003');
  });

  it('goes stale when another table that the filter reads is written', async () => {
    const vector = data.query();
    const where = 'bucket IN (SELECT bucket FROM allowed)';
    const before = await search({ vector, where });
    expect((await search({ vector, where })).filterCached).toBe(true);
    expect(before.hits.every((hit) => [1, 2].includes(hit.row.bucket as number))).toBe(true);
    await h.subgraph.tables.insertRows('points', [{ id: 900_004, bucket: 9, v: vector }]);
    await h.subgraph.tables.insertRows('allowed', [{ bucket: 9 }]);
    const after = await search({ vector, where });
    expect(after.filterCached).toBe(false);
    expect(after.hits[0].key).toBe('900004');
  });

  it('never caches volatile functions or samples', async () => {
    const vector = data.query();
    for (const where of ['bucket < 100 AND random() < 2', 'bucket < 100 OR now() IS NULL', 'bucket < 100 AND current_date IS NOT NULL', "bucket < 100 AND nextval('s') > 0", 'id IN (SELECT estimated_size FROM duckdb_tables())', 'id IN (SELECT id FROM points USING SAMPLE 5 ROWS)', 'id IN (SELECT id FROM points TABLESAMPLE 50%)']) {
      expect(h.subgraph.search.filters.cacheable(where), where).toBe(false);
    }
    for (let i = 0; i < 2; i++) expect((await search({ vector, where: 'bucket < 100 AND random() < 2' })).filterCached).toBe(false);
    expect(h.subgraph.search.filters.cacheable('bucket < 100 AND id % 2 = 0')).toBe(true);
  });

  it('does not keep a result read while a write ended', async () => {
    const cache = await FilterCache.open(h.subgraph.store, 2 ** 20);
    const table = await h.subgraph.tables.requireTable('points');
    const labels = { parts: new Int32Array(2), count: 1 };
    const racing = await cache.labels(table, 'bucket = 1', [], async () => {
      await h.subgraph.tables.insertRows('allowed', [{ bucket: 10 }]);
      return labels;
    });
    expect(racing.cached).toBe(false);
    expect(cache.size).toBe(0);
    await cache.labels(table, 'bucket = 1', [], async () => labels);
    expect(cache.size).toBe(1);
    expect((await cache.labels(table, 'bucket = 1', [], async () => labels)).cached).toBe(true);
  });

  it('evicts least recently used past budget', async () => {
    const table = await h.subgraph.tables.requireTable('points');
    // 1,024 labels are 8 KiB; a 36 KiB budget keeps four of them (an entry may take at most a quarter, 9 KiB).
    const cache = await FilterCache.open(h.subgraph.store, 36 * 1024);
    const list = () => Promise.resolve({ parts: new Int32Array(2048), count: 1024 });
    for (let i = 0; i < 4; i++) await cache.labels(table, `bucket = ${i}`, [], list);
    expect((await cache.labels(table, 'bucket = 0', [], list)).cached).toBe(true);
    await cache.labels(table, 'bucket = 4', [], list);
    expect(cache.size).toBe(4);
    expect((await cache.labels(table, 'bucket = 0', [], list)).cached).toBe(true);
    expect((await cache.labels(table, 'bucket = 1', [], list)).cached).toBe(false);
  });

  it('stores nothing when turned off', async () => {
    const table = await h.subgraph.tables.requireTable('points');
    const list = () => Promise.resolve({ parts: new Int32Array(2048), count: 1024 });
    const off = await FilterCache.open(h.subgraph.store, 0);
    await off.labels(table, 'bucket = 0', [], list);
    expect((await off.labels(table, 'bucket = 0', [], list)).cached).toBe(false);
    expect(off.size).toBe(0);
  });
});
