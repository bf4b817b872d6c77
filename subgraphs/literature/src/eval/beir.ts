import 'reflect-metadata';

import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { limitsFromEnv } from '../limits.js';
import { DEFAULT_FUSION, type Fusion, type SearchMode } from '../search/rank.js';
import { LiteratureService } from '../service.js';
import { LiteratureStore } from '../store.js';
import { mrrAt, ndcgAt, recallAt, type Judgments } from './metrics.js';

// Evaluates retrieval on a BEIR folder (corpus.jsonl, queries.jsonl,
// qrels/<split>.tsv): ingests the corpus through the service the API uses,
// into a temporary DuckDB file, and prints nDCG@10, Recall@100 and MRR@10
// for BM25, DENSE and HYBRID.
//   npm run eval -w subgraphs/literature -- --beir DIR [--split train] [--fusion RRF|WEIGHTED] [--limit N]

const { values } = parseArgs({
  options: {
    beir: { type: 'string' },
    split: { type: 'string' },
    fusion: { type: 'string', default: DEFAULT_FUSION },
    limit: { type: 'string' },
  },
});
if (!values.beir) {
  console.error('Usage: npm run eval -w subgraphs/literature -- --beir DIR [--split NAME] [--fusion RRF|WEIGHTED] [--limit QUERIES]');
  process.exit(2);
}
// npm runs workspace scripts in the workspace folder; resolve against where npm was started.
const dir = path.resolve(process.env.INIT_CWD ?? process.cwd(), values.beir);
const split = values.split ?? readdirSync(path.join(dir, 'qrels'))[0].replace(/\.tsv$/, '');
const fusion = values.fusion as Fusion;

const qrels = new Map<string, Map<string, number>>();
for (const line of readFileSync(path.join(dir, 'qrels', `${split}.tsv`), 'utf8').split('\n').slice(1)) {
  const [queryId, docId, score] = line.trim().split('\t');
  if (!queryId || !docId) continue;
  if (!qrels.has(queryId)) qrels.set(queryId, new Map());
  qrels.get(queryId)!.set(docId, Number(score));
}
const queries = readFileSync(path.join(dir, 'queries.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as { _id: string; text: string })
  .filter((query) => qrels.has(String(query._id)))
  .slice(0, values.limit ? Number(values.limit) : undefined);

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'scifed-eval-'));
const store = await LiteratureStore.open(dataDir);
try {
  const service = await LiteratureService.open(store, { ...limitsFromEnv(), maxBatchPapers: 100_000, maxContentBytes: 2 ** 30 }, { generator: null });

  const corpusLines = readFileSync(path.join(dir, 'corpus.jsonl'), 'utf8').split('\n').filter((line) => line.trim());
  const ingestStart = performance.now();
  const BATCH = 1000;
  for (let i = 0; i < corpusLines.length; i += BATCH) {
    await service.ingest('JSONL', corpusLines.slice(i, i + BATCH).join('\n'));
  }
  const ingestSeconds = (performance.now() - ingestStart) / 1000;
  console.log(`Ingested ${corpusLines.length} papers in ${ingestSeconds.toFixed(1)} s (${(corpusLines.length / ingestSeconds).toFixed(0)} papers/s).`);
  console.log(`Split ${split}: ${queries.length} judged queries; hybrid fusion ${fusion}.`);
  console.log('');
  console.log('| mode | nDCG@10 | Recall@100 | MRR@10 | ms/query |');
  console.log('| --- | --- | --- | --- | --- |');

  for (const mode of ['BM25', 'DENSE', 'HYBRID'] as SearchMode[]) {
    let ndcg = 0;
    let recall = 0;
    let mrr = 0;
    const start = performance.now();
    for (const query of queries) {
      const judgments: Judgments = qrels.get(String(query._id))!;
      const ranking = await service.rankIds(query.text, mode, 100, fusion);
      ndcg += ndcgAt(ranking, judgments, 10);
      recall += recallAt(ranking, judgments, 100);
      mrr += mrrAt(ranking, judgments, 10);
    }
    const n = queries.length;
    const ms = (performance.now() - start) / n;
    console.log(`| ${mode} | ${(ndcg / n).toFixed(4)} | ${(recall / n).toFixed(4)} | ${(mrr / n).toFixed(4)} | ${ms.toFixed(1)} |`);
  }
} finally {
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
}
