import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { gpuContext } from '@scifed/compute';
import { createMemorySubgraph, type MemorySubgraph } from '@scifed/memory';

import type { BenchSuite, BenchTable } from '../report.js';

// Memory subgraph benchmarks, run on the service layer (no HTTP): write rate
// of the built-in encoder, recall latency over large banks, and stored bytes
// per precision. Every bank lives in a fresh DuckDB file in a temp folder.

const WORDS = (
  'copper iron nickel aluminium lattice constant phase boundary grain diffusion vacancy dislocation ' +
  'stress strain elastic modulus temperature pressure melting point crystal structure cubic hexagonal ' +
  'energy barrier migration alloy solute segregation hardness yield fracture fatigue creep oxide ' +
  'surface interface adsorption catalyst reaction rate battery cathode anode electrolyte voltage capacity'
).split(' ');

/** Deterministic text of `sentences` sentences of `wordsPerSentence` words each. */
function makeText(seed: number, sentences: number, wordsPerSentence: number): string {
  let state = seed >>> 0 || 1;
  const pick = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return WORDS[state % WORDS.length];
  };
  const out: string[] = [];
  for (let s = 0; s < sentences; s++) out.push(`${Array.from({ length: wordsPerSentence }, pick).join(' ')}.`);
  return out.join(' ');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function withSubgraph<T>(work: (subgraph: MemorySubgraph) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'scifed-bench-memory-'));
  const subgraph = await createMemorySubgraph({ dataDir: dir });
  try {
    return await work(subgraph);
  } finally {
    await subgraph.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Fills a default bank (8 heads × 64, 8 tokens per head, F16) with `count`
 * memories of 15 tokens (14 words and a full stop), written 1,000 per call,
 * and returns the write rate.
 */
async function fill(subgraph: MemorySubgraph, bank: string, count: number): Promise<number> {
  await subgraph.service.createBank({ name: bank });
  const perWrite = 1000;
  const start = performance.now();
  let written = 0;
  for (let call = 0; written < count; call++) {
    const sentences = Array.from({ length: Math.min(perWrite, count - written) }, (_, i) => makeText(call * perWrite + i + 1, 1, 14));
    const records = await subgraph.service.writeTexts(bank, sentences.map((text) => ({ text })));
    written += records.length;
  }
  return written / ((performance.now() - start) / 1000);
}

async function recallLatency(subgraph: MemorySubgraph, bank: string, queries: number): Promise<{ p50: number; p95: number; backend: string }> {
  await subgraph.service.recall({ bank, text: makeText(999_999, 1, 6), memories: 5, tokensPerHead: 8 });
  const times: number[] = [];
  let backend = '';
  for (let q = 0; q < queries; q++) {
    const start = performance.now();
    const result = await subgraph.service.recall({ bank, text: makeText(500_000 + q, 1, 6), memories: 5, tokensPerHead: 8 });
    times.push(performance.now() - start);
    backend = result.backend ?? 'none';
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95), backend };
}

async function scaleTable(quick: boolean): Promise<BenchTable> {
  const sizes = quick ? [1_000, 5_000] : [10_000, 100_000];
  const rows: (string | number)[][] = [];
  // WebGPU runs at the smallest size only: on a CPU adapter (llvmpipe) it is far slower than wasm.
  const gpu = await gpuContext();
  const saved = process.env.SCIFED_BACKEND;
  for (const size of sizes) {
    await withSubgraph(async (subgraph) => {
      const rate = await fill(subgraph, 'bench', size);
      const stats = await subgraph.store.bankStats(['bench']);
      const backends = size === sizes[0] && gpu ? ['wasm', 'reference', 'webgpu'] : ['wasm', 'reference'];
      for (const backend of backends) {
        process.env.SCIFED_BACKEND = backend;
        const queries = backend === 'webgpu' ? 10 : quick ? 20 : 50;
        const { p50, p95, backend: used } = await recallLatency(subgraph, 'bench', queries);
        rows.push([size, stats[0].keptTokens, rate, used, p50, p95]);
      }
    });
  }
  if (saved === undefined) delete process.env.SCIFED_BACKEND;
  else process.env.SCIFED_BACKEND = saved;
  return {
    title: 'Memory: write rate and recall latency',
    columns: ['memories', 'kept (head, token) pairs', 'write, memories/s', 'backend', 'recall p50, ms', 'recall p95, ms'],
    rows,
    notes: [
      'Default bank (8 heads × 64 dimensions, 8 tokens per head, F16), built-in encoder, 15-token memories written 1,000 per transaction; the write rate includes encoding, the received-attention ranking and the DuckDB insert.',
      'Recall: 6-word text queries, 5 memories, 8 tokens per head; exact retrieval over all memory-level vectors (512 dimensions) plus sparse attention, both on the named backend, and the DuckDB reads. The first recall, which loads the retrieval index, is not timed.',
      'WebGPU runs 10 recalls at the smallest size only, because without a GPU its adapter is llvmpipe, which emulates the device on the CPU.',
    ],
  };
}

async function compressionTable(): Promise<BenchTable> {
  return withSubgraph(async (subgraph) => {
    const rows: (string | number)[][] = [];
    const text = Array.from({ length: 50 }, (_, i) => makeText(i + 1, 8, 15)).join(' ');
    for (const precision of ['F32', 'F16', 'INT8'] as const) {
      const bank = `c-${precision}`;
      await subgraph.service.createBank({ name: bank, precision });
      await subgraph.service.writeText({ bank, text });
      const [stats] = await subgraph.store.bankStats([bank]);
      rows.push([precision, stats.memories, stats.bytes / stats.memories, stats.denseBytes / stats.memories, stats.denseBytes / stats.bytes]);
    }
    return {
      title: 'Memory: stored bytes per precision',
      columns: ['precision', 'memories', 'bytes per memory', 'dense bytes per memory', 'compression ratio'],
      rows,
      notes: [
        'Default bank shape (8 heads × 64, 8 tokens per head); chunks of up to 128 tokens. Stored bytes count kept keys, values, INT8 scales and int32 positions; dense bytes are every token and head, keys and values in float32.',
      ],
    };
  });
}

export const memorySuite: BenchSuite = {
  name: 'memory',
  async run({ quick }) {
    return [await compressionTable(), await scaleTable(quick)];
  },
};
