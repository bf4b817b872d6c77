import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { limitsFromEnv, LiteratureService, LiteratureStore } from '@scifed/literature';

import type { BenchSuite, BenchTable } from '../report.js';

// Literature ingestion and search latency. Ingestion runs through the same
// service the API uses (parse, passages, formulas, DuckDB, index, embedding);
// latency is per query through `search` with the page's store read, without
// GraphQL. Sets: the SciFact corpus (SCIFED_BENCH_SCIFACT, default
// ../shared/data/scifact-train beside the repository; skipped when absent)
// and generated papers (100k, or 10k with --quick).

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BATCH = 5000;
const QUERIES = 200;

/** Deterministic pseudo-random generator (mulberry32), so every run ingests the same papers. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Generated papers: words drawn from a 20k-word synthetic vocabulary with a Zipf-like skew. */
function generatedCorpus(count: number): { lines: string[]; queries: string[] } {
  const next = random(42);
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'pa', 'qui', 'dor', 'fen', 'gal', 'hex'];
  const vocabulary = Array.from({ length: 20_000 }, (_, i) => {
    let word = '';
    for (let n = i + 1; n > 0; n = Math.floor(n / syllables.length)) word += syllables[n % syllables.length];
    return word;
  });
  const word = () => vocabulary[Math.floor(vocabulary.length * next() ** 3)];
  const words = (n: number) => Array.from({ length: n }, word).join(' ');
  const lines = Array.from({ length: count }, (_, i) =>
    JSON.stringify({ id: `g${i}`, title: words(8), abstract: `${words(60)}. ${words(60)}.`, year: 1990 + (i % 35) }),
  );
  return { lines, queries: Array.from({ length: QUERIES }, () => words(6)) };
}

function scifactCorpus(): { lines: string[]; queries: string[] } | null {
  const dir = path.resolve(ROOT, process.env.SCIFED_BENCH_SCIFACT ?? '../shared/data/scifact-train');
  if (!existsSync(path.join(dir, 'corpus.jsonl'))) return null;
  const lines = readFileSync(path.join(dir, 'corpus.jsonl'), 'utf8').split('\n').filter((line) => line.trim());
  const queries = readFileSync(path.join(dir, 'queries.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .slice(0, QUERIES)
    .map((line) => (JSON.parse(line) as { text: string }).text);
  return { lines, queries };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function measure(name: string, corpus: { lines: string[]; queries: string[] }): Promise<(string | number)[][]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'scifed-bench-literature-'));
  const store = await LiteratureStore.open(dir);
  try {
    const service = await LiteratureService.open(store, { ...limitsFromEnv(), maxContentBytes: 2 ** 30, maxBatchPapers: BATCH }, { generator: null });
    const start = performance.now();
    for (let i = 0; i < corpus.lines.length; i += BATCH) await service.ingest('JSONL', corpus.lines.slice(i, i + BATCH).join('\n'));
    const ingestSeconds = (performance.now() - start) / 1000;

    const rows: (string | number)[][] = [];
    for (const mode of ['BM25', 'HYBRID'] as const) {
      await service.search({ query: corpus.queries[0], mode });
      const samples: number[] = [];
      for (const query of corpus.queries) {
        const t0 = performance.now();
        await service.search({ query, mode, first: 10 });
        samples.push(performance.now() - t0);
      }
      samples.sort((a, b) => a - b);
      rows.push([name, corpus.lines.length, corpus.lines.length / ingestSeconds, mode, percentile(samples, 0.5), percentile(samples, 0.95)]);
    }
    return rows;
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const literatureSuite: BenchSuite = {
  name: 'literature',
  async run({ quick }): Promise<BenchTable[]> {
    const rows: (string | number)[][] = [];
    const scifact = scifactCorpus();
    if (scifact) rows.push(...(await measure('SciFact corpus', scifact)));
    rows.push(...(await measure('generated', generatedCorpus(quick ? 10_000 : 100_000))));
    return [
      {
        title: 'Literature: ingestion rate and search latency',
        columns: ['corpus', 'papers', 'ingest papers/s', 'mode', 'search p50 ms', 'search p95 ms'],
        rows,
        notes: [
          `Ingestion runs in batches of ${BATCH} JSON lines through the service (parsing, passages, formulas, one DuckDB transaction, index and embedding, including the embedder refits when the corpus doubles).`,
          `Latency is over ${QUERIES} queries, first: 10, one at a time, including highlights and the page's store read but not GraphQL.`,
          scifact ? 'SciFact queries are the first training queries.' : 'The SciFact corpus was not found (set SCIFED_BENCH_SCIFACT), so only generated papers ran.',
        ],
      },
    ];
  },
};
