// Ingests a BEIR corpus through a running SciFed gateway, then runs searches
// and `ask` for the first queries of the folder and checks every citation.
//
//   npx tsx subgraphs/literature/scripts/ingest-beir-via-gateway.ts DIR [--queries N] [--url URL] [--max-body BYTES]
//
// DIR holds corpus.jsonl and queries.jsonl in BEIR form. The gateway URL
// defaults to http://127.0.0.1:$SCIFED_PORT/graphql (SCIFED_PORT defaults to
// 4000, as `npm start` uses). The corpus goes in JSONL batches whose request
// bodies stay under --max-body bytes (default 1,000,000, below the gateway's
// 1 MiB SCIFED_MAX_BODY default). For each of the first N queries (default
// 10) it runs searchPapers in BM25, DENSE and HYBRID mode and `ask`, then
// checks every citation: `quote` must equal both Paper.abstract[start:end]
// read back through the gateway and text[start:end] of the corpus line.
// It prints counts, timings and each mismatch, and exits with 1 on any.

import { readFileSync } from 'node:fs';
import path from 'node:path';

interface Options {
  dir: string;
  queries: number;
  url: string;
  maxBody: number;
}

interface GraphQLResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

interface Citation {
  paperId: string;
  passageId: string;
  start: number;
  end: number;
  quote: string;
}

const INGEST = 'mutation ($content: String!) { ingestPapers(format: JSONL, content: $content) { count } }';
const SEARCH =
  'query ($q: String!, $mode: SearchMode!) { searchPapers(query: $q, mode: $mode, first: 10) { totalCount edges { node { id } score highlights { start end text } } } }';
const ASK = 'mutation ($q: String!) { ask(question: $q) { text conversationId sentences { text citations { paperId passageId start end quote } } } }';
const ABSTRACTS = 'query ($id: ID!) { paper(id: $id) { abstract } }';

function parseOptions(argv: string[]): Options {
  const port = process.env.SCIFED_PORT ?? '4000';
  const options: Options = { dir: '', queries: 10, url: `http://127.0.0.1:${port}/graphql`, maxBody: 1_000_000 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--queries') options.queries = Number(argv[++i]);
    else if (arg === '--url') options.url = argv[++i];
    else if (arg === '--max-body') options.maxBody = Number(argv[++i]);
    else if (!arg.startsWith('--') && !options.dir) options.dir = arg;
    else throw new Error(`Unknown argument ${JSON.stringify(arg)}; usage: ingest-beir-via-gateway.ts DIR [--queries N] [--url URL] [--max-body BYTES]`);
  }
  if (!options.dir) throw new Error('Missing the BEIR folder; usage: ingest-beir-via-gateway.ts DIR [--queries N] [--url URL] [--max-body BYTES]');
  if (!Number.isInteger(options.queries) || options.queries < 0) throw new Error(`--queries must be a non-negative integer, got ${options.queries}.`);
  if (!Number.isInteger(options.maxBody) || options.maxBody < 10_000) throw new Error(`--max-body must be an integer of at least 10000, got ${options.maxBody}.`);
  return options;
}

async function post<T>(url: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphQLResponse<T>;
  if (body.errors?.length) {
    const [error] = body.errors;
    throw new Error(`HTTP ${response.status}, ${error.extensions?.code ?? 'no code'}: ${error.message}`);
  }
  return body.data!;
}

/** Bytes of the request body that would carry `lines` as one ingestPapers content. */
function bodyBytes(lines: string[]): number {
  return Buffer.byteLength(JSON.stringify({ query: INGEST, variables: { content: lines.join('\n') } }), 'utf8');
}

/** Splits corpus lines into batches whose request bodies stay within maxBody bytes. */
function batchLines(lines: string[], maxBody: number): string[][] {
  const overhead = bodyBytes([]);
  const batches: string[][] = [];
  let batch: string[] = [];
  let size = overhead;
  for (const line of lines) {
    // A line takes its JSON-escaped size in the body. JSON.stringify adds two
    // quote bytes, which equal the two bytes of the escaped "\n" between lines.
    const lineBytes = Buffer.byteLength(JSON.stringify(line), 'utf8');
    if (overhead + lineBytes > maxBody) throw new Error(`A corpus line of ${lineBytes} encoded bytes does not fit in a ${maxBody}-byte request; raise --max-body.`);
    if (size + lineBytes > maxBody && batch.length > 0) {
      batches.push(batch);
      batch = [];
      size = overhead;
    }
    batch.push(line);
    size += lineBytes;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function ingestCorpus(options: Options, lines: string[]): Promise<number> {
  const batches = batchLines(lines, options.maxBody);
  const started = performance.now();
  let stored = 0;
  for (const [i, batch] of batches.entries()) {
    const bytes = bodyBytes(batch);
    if (bytes > options.maxBody) throw new Error(`Batch ${i} is ${bytes} bytes, above --max-body ${options.maxBody}.`);
    const data = await post<{ ingestPapers: { count: number } }>(options.url, INGEST, { content: batch.join('\n') });
    stored += data.ingestPapers.count;
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`ingested ${stored} of ${lines.length} papers in ${batches.length} batches of at most ${options.maxBody} bytes, ${seconds.toFixed(1)} s, ${(stored / seconds).toFixed(0)} papers/s`);
  return stored;
}

async function searchAndAsk(options: Options, queries: { _id: string; text: string }[], corpusText: Map<string, string>): Promise<number> {
  const latencies: Record<string, number[]> = { BM25: [], DENSE: [], HYBRID: [], ask: [] };
  const abstracts = new Map<string, string>();
  let citations = 0;
  let mismatches = 0;

  for (const query of queries) {
    const tops: string[] = [];
    for (const mode of ['BM25', 'DENSE', 'HYBRID']) {
      const started = performance.now();
      const data = await post<{ searchPapers: { totalCount: number; edges: { node: { id: string }; score: number }[] } }>(options.url, SEARCH, { q: query.text, mode });
      latencies[mode].push(performance.now() - started);
      const top = data.searchPapers.edges[0];
      tops.push(`${mode} ${top ? `${top.node.id} (${top.score.toFixed(3)})` : 'none'}`);
    }
    console.log(`query ${query._id}: ${JSON.stringify(query.text)}\n  top hit: ${tops.join(', ')}`);

    const started = performance.now();
    const { ask } = await post<{ ask: { text: string; sentences: { text: string; citations: Citation[] }[] } }>(options.url, ASK, { q: query.text });
    latencies.ask.push(performance.now() - started);
    const cited = ask.sentences.flatMap((sentence) => sentence.citations);
    console.log(`  ask: ${ask.sentences.length} sentences, ${cited.length} citations`);
    for (const citation of cited) {
      citations++;
      if (!abstracts.has(citation.paperId)) {
        const { paper } = await post<{ paper: { abstract: string } | null }>(options.url, ABSTRACTS, { id: citation.paperId });
        abstracts.set(citation.paperId, paper?.abstract ?? '');
      }
      const stored = abstracts.get(citation.paperId)!.slice(citation.start, citation.end);
      const source = corpusText.get(citation.paperId)?.slice(citation.start, citation.end);
      if (citation.quote !== stored || citation.quote !== source) {
        mismatches++;
        console.log(`  MISMATCH ${citation.passageId} [${citation.start}, ${citation.end}): quote ${JSON.stringify(citation.quote)}, stored ${JSON.stringify(stored)}, corpus ${JSON.stringify(source)}`);
      }
    }
  }

  for (const [name, times] of Object.entries(latencies)) {
    if (times.length === 0) continue;
    const sorted = [...times].sort((a, b) => a - b);
    console.log(`${name.padEnd(6)} latency through the gateway: p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p95 ${percentile(sorted, 0.95).toFixed(1)} ms over ${times.length} requests`);
  }
  console.log(`citations checked: ${citations}, mismatches: ${mismatches}`);
  return mismatches;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const lines = readFileSync(path.join(options.dir, 'corpus.jsonl'), 'utf8').split('\n').filter((line) => line.trim());
  const corpusText = new Map<string, string>();
  for (const line of lines) {
    const record = JSON.parse(line) as { _id: string; text: string };
    corpusText.set(String(record._id), record.text);
  }
  const queries = readFileSync(path.join(options.dir, 'queries.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .slice(0, options.queries)
    .map((line) => JSON.parse(line) as { _id: string; text: string });

  console.log(`gateway ${options.url}, corpus ${lines.length} papers, ${queries.length} queries`);
  const stored = await ingestCorpus(options, lines);
  const mismatches = await searchAndAsk(options, queries, corpusText);
  if (stored !== lines.length || mismatches > 0) process.exitCode = 1;
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
