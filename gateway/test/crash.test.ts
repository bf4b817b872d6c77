import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { waitForGraphql, type SubgraphName } from '@scifed/schema';
import { afterAll, describe, expect, test } from 'vitest';

// Kills a subgraph process with SIGKILL at random points during a large
// import, restarts it on the same data folder and checks that the import is
// either fully present or fully absent, and that vector indexes agree with
// their tables. Five rounds per subgraph, twenty in all.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ROUNDS = 5;
const dataDirs: string[] = [];
const children = new Set<ChildProcess>();

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Running {
  child: ChildProcess;
  url: string;
}

async function startSubgraph(name: SubgraphName, dataDir: string, port: number): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', `subgraphs/${name}/src/server.ts`], {
    cwd: ROOT,
    env: { ...process.env, SCIFED_DATA_DIR: dataDir, [`SCIFED_${name.toUpperCase()}_PORT`]: String(port), SCIFED_LOG_LEVEL: 'error', SCIFED_WEBGPU: 'off' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.add(child);
  const url = `http://127.0.0.1:${port}/graphql`;
  try {
    await waitForGraphql(url, { label: `The ${name} subgraph`, timeoutMs: 60_000, alive: () => child.exitCode === null });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { child, url };
}

async function killHard(running: Running): Promise<void> {
  if (running.child.exitCode !== null) return;
  const exited = new Promise((resolve) => running.child.once('exit', resolve));
  running.child.kill('SIGKILL');
  await exited;
}

async function graphql<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data as T;
}

/** One subgraph's large import and the count that tells whether it landed. */
interface CrashCase {
  name: SubgraphName;
  /** Prepares the database before the first round (tables, banks). */
  setup?(url: string): Promise<void>;
  /** Starts the import for `round`; the promise may reject when the process dies. */
  importBatch(url: string, round: number): Promise<unknown>;
  /** Items of round `round` that are stored. */
  count(url: string, round: number): Promise<number>;
  /** Items one complete import stores. */
  batchSize: number;
  /** Extra consistency checks after a restart (vector index size). */
  verify?(url: string): Promise<void>;
}

// One element per round, plus one for the timing import before the rounds.
const ELEMENTS = ['Cu', 'Ni', 'Al', 'Ag', 'Au', 'Pt'];
const FRAMES = 1500;

const materials: CrashCase = {
  name: 'materials',
  batchSize: FRAMES,
  importBatch(url, round) {
    const element = ELEMENTS[round];
    const frame = `4\nLattice="3.6 0 0 0 3.6 0 0 0 3.6" Properties=species:S:1:pos:R:3 pbc="T T T"\n${element} 0 0 0\n${element} 0 1.8 1.8\n${element} 1.8 0 1.8\n${element} 1.8 1.8 0\n`;
    return graphql(url, 'mutation ($c: String!) { importStructures(format: EXTXYZ, content: $c) { id } }', { c: frame.repeat(FRAMES) });
  },
  async count(url, round) {
    const data = await graphql<{ structures: { totalCount: number } }>(url, 'query ($f: String) { structures(first: 0, formula: $f) { totalCount } }', {
      f: ELEMENTS[round],
    });
    return data.structures.totalCount;
  },
};

const PAPERS = 3000;
const literature: CrashCase = {
  name: 'literature',
  batchSize: PAPERS,
  importBatch(url, round) {
    const lines = Array.from({ length: PAPERS }, (_, i) =>
      JSON.stringify({
        id: `crash-${round}-${i}`,
        title: `Round ${round} paper ${i} on copper grain boundaries`,
        abstract: `Grain boundary ${i} in copper segregates solute atoms during annealing at ${300 + i} K in round ${round}.`,
        year: 2000 + (i % 25),
      }),
    );
    return graphql(url, 'mutation ($c: String!) { ingestPapers(format: JSONL, content: $c) { count } }', { c: lines.join('\n') });
  },
  async count(url, round) {
    let present = 0;
    for (const i of [0, PAPERS / 2, PAPERS - 1]) {
      const data = await graphql<{ paper: { id: string } | null }>(url, 'query ($id: ID!) { paper(id: $id) { id } }', { id: `crash-${round}-${i}` });
      if (data.paper) present++;
    }
    // The first, middle and last papers of a batch: all present or all absent.
    return present === 3 ? PAPERS : present === 0 ? 0 : present;
  },
};

const MEMORY_SENTENCES = 600;
const memoryText = Array.from({ length: MEMORY_SENTENCES }, (_, i) => `Observation ${i}: the copper sample annealed at ${400 + i} K showed twin boundaries.`).join(' ');
let memoryChunks = 0;
const memory: CrashCase = {
  name: 'memory',
  get batchSize() {
    return memoryChunks;
  },
  async setup(url) {
    for (let round = 0; round <= ROUNDS; round++) {
      await graphql(url, 'mutation ($n: String!) { createMemoryBank(input: { name: $n }) { name } }', { n: `crash${round}` });
    }
    await graphql(url, 'mutation { createMemoryBank(input: { name: "baseline" }) { name } }');
    const written = await graphql<{ writeMemory: unknown[] }>(url, 'mutation ($t: String!) { writeMemory(input: { bank: "baseline", text: $t }) { id } }', { t: memoryText });
    memoryChunks = written.writeMemory.length;
  },
  importBatch(url, round) {
    return graphql(url, 'mutation ($b: String!, $t: String!) { writeMemory(input: { bank: $b, text: $t }) { id } }', { b: `crash${round}`, t: memoryText });
  },
  async count(url, round) {
    const data = await graphql<{ memories: { totalCount: number } }>(url, 'query ($b: String!) { memories(bank: $b, first: 0) { totalCount } }', { b: `crash${round}` });
    return data.memories.totalCount;
  },
};

const ROWS = 4000;
const DIM = 16;
const data: CrashCase = {
  name: 'data',
  batchSize: ROWS,
  async setup(url) {
    await graphql(url, `mutation { createTable(input: { name: "crash", primaryKey: "id", columns: [
      { name: "id", type: VARCHAR }, { name: "round", type: INTEGER }, { name: "embedding", type: VECTOR, dimension: ${DIM} } ] }) { name } }`);
    await graphql(url, 'mutation { createVectorIndex(input: { table: "crash", column: "embedding", metric: COSINE }) { size } }');
  },
  importBatch(url, round) {
    const lines = Array.from({ length: ROWS }, (_, i) => {
      const vector = Array.from({ length: DIM }, (_, d) => Math.sin(round * 7919 + i * 31 + d)).map((x) => x.toFixed(5));
      return JSON.stringify({ id: `r${round}-${i}`, round, embedding: vector.map(Number) });
    });
    return graphql(url, 'mutation ($c: String!) { importRows(table: "crash", format: JSONL, content: $c) { inserted } }', { c: lines.join('\n') });
  },
  async count(url, round) {
    const result = await graphql<{ sql: { rows: unknown[][] } }>(url, 'query ($p: [JSON!]) { sql(query: "SELECT count(*) FROM crash WHERE round = $1", params: $p) { rows } }', {
      p: [round],
    });
    return Number(result.sql.rows[0][0]);
  },
  async verify(url) {
    const table = await graphql<{ table: { rowCount: number; vectorIndexes: { size: number }[] } }>(url, '{ table(name: "crash") { rowCount vectorIndexes { size } } }');
    expect(table.table.vectorIndexes[0].size, 'vector index size equals the table row count').toBe(table.table.rowCount);
  },
};

describe('crash during import', () => {
  for (const crash of [materials, literature, memory, data]) {
    test(`${crash.name}: kill -9 mid-import leaves all or nothing`, { timeout: 240_000 }, async () => {
      const dataDir = mkdtempSync(path.join(tmpdir(), `scifed-crash-${crash.name}-`));
      dataDirs.push(dataDir);
      const port = await freePort();
      let running = await startSubgraph(crash.name, dataDir, port);
      await crash.setup?.(running.url);

      // Time one complete import so the kills spread over its duration.
      const warmStart = performance.now();
      await crash.importBatch(running.url, ROUNDS);
      const importMs = performance.now() - warmStart;

      const outcomes: number[] = [];
      let interrupted = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const pending = crash.importBatch(running.url, round).then(
          () => 'completed',
          () => 'interrupted',
        );
        // Spread the kill points from just after the request to past its end.
        const delay = Math.round(((round + Math.random()) / ROUNDS) * importMs * 1.2);
        await new Promise((resolve) => setTimeout(resolve, delay));
        await killHard(running);
        const requestOutcome = await pending;
        if (requestOutcome === 'interrupted') interrupted++;

        running = await startSubgraph(crash.name, dataDir, port);
        const stored = await crash.count(running.url, round);
        expect([0, crash.batchSize], `round ${round}: stored ${stored} of ${crash.batchSize} (request ${requestOutcome})`).toContain(stored);
        if (requestOutcome === 'completed') expect(stored, `round ${round}: a completed import must be durable`).toBe(crash.batchSize);
        await crash.verify?.(running.url);
        outcomes.push(stored);
      }
      await killHard(running);
      expect(outcomes).toHaveLength(ROUNDS);
      expect(interrupted, 'at least one kill must land before the import finished').toBeGreaterThan(0);
    });
  }
});

describe('stopping on signals', () => {
  // A signal sent to the process group of `npm start` reaches each subgraph
  // directly and again from the launcher. The second must not cut the first
  // shutdown short.
  test('data: repeated SIGTERM still exits cleanly', { timeout: 90_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'scifed-signal-'));
    dataDirs.push(dataDir);
    const running = await startSubgraph('data', dataDir, await freePort());
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      running.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    // Signals of one kind do not queue, so SIGTERM is repeated every 5 ms (at most 400 times)
    // until the process exits. Some of them arrive while it is stopping.
    let done = false;
    void exited.then(() => (done = true));
    for (let i = 0; i < 400 && !done; i++) {
      running.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const { code, signal } = await exited;
    expect(signal).toBeNull();
    expect(code).toBe(0);
  });
});
