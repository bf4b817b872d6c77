import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { arrayValue } from '@duckdb/node-api';
import { createDataSubgraph, type DataSubgraph } from '@scifed/data';

import type { BenchSuite, BenchTable } from '../report.js';

// Filtered vectorSearch of the data subgraph against DuckDB brute force
// (array_cosine_distance with the same WHERE, ORDER BY and LIMIT) on the
// same table in the same process. Vectors are clustered like embeddings,
// with a categorical column (10 values) and a numeric one (uniform [0, 1)),
// so the filters below pass 100 %, 10 %, 1 % and 0.1 % of the rows.

const K = 10;

const FILTERS: { selectivity: string; where?: string; params?: unknown[]; sql: string }[] = [
  { selectivity: '100 %', sql: 'TRUE' },
  { selectivity: '10 %', where: 'category = $1', params: ['c3'], sql: "category = 'c3'" },
  { selectivity: '1 %', where: 'category = $1 AND score < $2', params: ['c3', 0.1], sql: "category = 'c3' AND score < 0.1" },
  { selectivity: '0.1 %', where: 'category = $1 AND score < $2', params: ['c3', 0.01], sql: "category = 'c3' AND score < 0.01" },
];

/** Deterministic generator: mulberry32 uniforms and Box–Muller normals. */
function generator(seed: number) {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

/** 256 random unit centres; each vector is a centre plus N(0, 0.3²/dim) noise per component, so noise norm ≈ 0.3. */
function clusteredSource(dim: number, seed: number) {
  const { uniform, normal } = generator(seed);
  const centres = Array.from({ length: 256 }, () => {
    const c = Array.from({ length: dim }, normal);
    const norm = Math.hypot(...c);
    return c.map((x) => x / norm);
  });
  const sigma = 0.3 / Math.sqrt(dim);
  const vector = () => centres[Math.floor(uniform() * centres.length)].map((x) => x + sigma * normal());
  return { uniform, vector };
}

async function loadTable(subgraph: DataSubgraph, n: number, dim: number): Promise<{ loadSeconds: number; query: () => number[] }> {
  const source = clusteredSource(dim, 17);
  await subgraph.tables.createTable({
    name: 'items',
    primaryKey: 'id',
    columns: [
      { name: 'id', type: 'INTEGER' },
      { name: 'category', type: 'VARCHAR' },
      { name: 'score', type: 'DOUBLE' },
      { name: 'v', type: 'VECTOR', dimension: dim },
    ],
  });
  const started = performance.now();
  const batch = 10_000;
  for (let first = 0; first < n; first += batch) {
    const rows = Array.from({ length: Math.min(batch, n - first) }, (_, i) => ({
      id: first + i,
      category: `c${Math.floor(source.uniform() * 10)}`,
      score: source.uniform(),
      v: source.vector(),
    }));
    await subgraph.tables.insertRows('items', rows);
  }
  return { loadSeconds: (performance.now() - started) / 1000, query: source.vector };
}

/** Bytes in MiB, rounded. */
function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}

async function runSize(n: number, dim: number, queryCount: number): Promise<BenchTable> {
  const directory = mkdtempSync(join(tmpdir(), 'scifed-bench-data-'));
  const subgraph = await createDataSubgraph({ dataDir: directory });
  try {
    const { loadSeconds, query } = await loadTable(subgraph, n, dim);

    const index = await subgraph.vectors.create('items', 'v', { metric: 'COSINE', connectivity: 16, expansionAdd: 128, expansionSearch: 64, quantization: 'F32' });
    // Memory as sizes, not an RSS difference, which garbage collection during the build can make negative.
    const indexFileBytes = statSync(index.file).size;
    const copyBytes = n * dim * 4;
    const rssAfterBuild = process.memoryUsage().rss;
    const table = await subgraph.tables.requireTable('items');
    const queries = Array.from({ length: queryCount }, query);

    const rows: (string | number)[][] = [];
    for (const filter of FILTERS) {
      // DuckDB brute force: the ground truth and the baseline. It returns the same columns as the hit rows below.
      const truth: Set<string>[] = [];
      let duckSeconds = 0;
      for (const vector of queries) {
        const started = performance.now();
        const result = await subgraph.store.db.query<{ id: number }>(
          `SELECT id, category, score FROM items WHERE ${filter.sql} ORDER BY array_cosine_distance(v, $1::FLOAT[${dim}]) LIMIT ${K}`,
          [arrayValue(vector)],
        );
        duckSeconds += (performance.now() - started) / 1000;
        truth.push(new Set(result.map((row) => String(row.id))));
      }

      // vectorSearch as the resolver runs it: the search, then the hit rows. The first run clears
      // the filter cache before every query, so each filter runs as SQL. The second keeps the
      // cache, so the first query reads the filter and the others reuse its rows.
      const timed = async (cached: boolean) => {
        subgraph.search.filters.clear();
        let seconds = 0;
        let found = 0;
        let expected = 0;
        const strategies = new Set<string>();
        for (let q = 0; q < queries.length; q++) {
          if (!cached) subgraph.search.filters.clear();
          const started = performance.now();
          const outcome = await subgraph.search.search(table, { table: 'items', column: 'v', vector: queries[q], k: K, where: filter.where, params: filter.params });
          await subgraph.store.rowsByKeys(table, outcome.hits.map((hit) => hit.key), ['id', 'category', 'score']);
          seconds += (performance.now() - started) / 1000;
          strategies.add(outcome.strategy);
          found += outcome.hits.filter((hit) => truth[q].has(hit.key)).length;
          expected += truth[q].size;
        }
        return { qps: queries.length / seconds, recall: found / expected, strategies };
      };
      const uncached = await timed(false);
      const cached = await timed(true);
      const duckQps = queries.length / duckSeconds;
      rows.push([
        filter.selectivity,
        [...new Set([...uncached.strategies, ...cached.strategies])].join(', '),
        Math.min(uncached.recall, cached.recall),
        duckQps,
        uncached.qps,
        uncached.qps / duckQps,
        cached.qps,
        cached.qps / duckQps,
      ]);
    }

    return {
      title: `Filtered top-${K} cosine vectorSearch, ${n.toLocaleString('en-US')} × ${dim}`,
      columns: ['rows passing', 'strategy', 'recall@10', 'DuckDB brute force q/s', 'vectorSearch q/s, filter read each time', 'speed-up', 'vectorSearch q/s, filter cached', 'speed-up'],
      rows,
      notes: [
        `Index: usearch HNSW, connectivity 16, expansion add 128 / search 64, f32. Build ${index.buildSeconds.toFixed(1)} s (${(n / index.buildSeconds).toFixed(0)} vectors/s); index file ${mib(indexFileBytes)} MiB (graph and vectors, as usearch keeps them in memory), plus two float32 copies of ${mib(copyBytes)} MiB each for exact search (one in JavaScript, one resident in WebAssembly memory); process RSS after the build ${mib(rssAfterBuild)} MiB.`,
        `Loading ${n.toLocaleString('en-US')} rows through insertRows (10,000-row batches, data chunks) took ${loadSeconds.toFixed(1)} s.`,
        `${queries.length} queries per selectivity, one at a time; vectorSearch time includes the filter statement and reading the hit rows, as the resolver does.`,
        'Filter read each time: the filter cache is cleared before every query, so each search runs its filter as SQL. Filter cached: the same filter with a new query vector each time, as a user interface that keeps a filter while the query changes; the first query reads the filter and the rest reuse its rows until a write.',
        'Recall@10 (the lower of the two runs) is measured against the DuckDB brute-force result of the same query.',
        `Exact plans run when at most SCIFED_DATA_EXACT_MAX_ROWS (default 20,000) rows pass the filter.`,
      ],
    };
  } finally {
    await subgraph.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

export const dataSuite: BenchSuite = {
  name: 'data',
  async run({ quick }): Promise<BenchTable[]> {
    const sizes: [number, number][] = quick ? [[5_000, 64], [10_000, 32]] : [[100_000, 384], [300_000, 128]];
    const tables: BenchTable[] = [];
    for (const [n, dim] of sizes) tables.push(await runSize(n, dim, quick ? 20 : 50));
    return tables;
  },
};
