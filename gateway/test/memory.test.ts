import { encodeHalf } from '@scifed/compute';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { startStack, type Stack } from './stack.js';

// Memory banks written from text and from tensors, read by sparse attention,
// reinforced and forgotten, all sent through the gateway. Readouts are
// checked against a float64 oracle of the attention rule the memory
// subgraph documents: per head, score_j = q·k_j/√headDim over the kept
// tokens of the retrieved memories, the tokensPerHead best are selected, and
// readout = Σ softmax(selected scores)_j · v_j.

const HEADS = 2;
const HEAD_DIM = 4;

type GraphQLError = { message: string; extensions?: Record<string, unknown> };

interface Tensor {
  tokens: number;
  /** tokens × heads × headDim, float64 copies of float32 values. */
  keys: number[];
  values: number[];
  texts: string[];
}

/** Generates a deterministic tensor of `tokens` tokens whose components are float32 values. */
function tensorOf(seed: number, tokens: number, texts: string[]): Tensor {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return Math.fround((state / 2147483648 - 0.5) * 4);
  };
  const count = tokens * HEADS * HEAD_DIM;
  return { tokens, keys: Array.from({ length: count }, next), values: Array.from({ length: count }, next), texts };
}

function base64F32(values: number[]): string {
  return Buffer.from(Float32Array.from(values).buffer).toString('base64');
}

function base64F16(values: number[]): string {
  const half = encodeHalf(Float32Array.from(values));
  return Buffer.from(half.buffer, half.byteOffset, half.byteLength).toString('base64');
}

/** Returns the vector of head h of token t. */
function slice(data: number[], t: number, h: number): number[] {
  const from = (t * HEADS + h) * HEAD_DIM;
  return data.slice(from, from + HEAD_DIM);
}

function dot(a: number[], b: number[]): number {
  return a.reduce((sum, x, i) => sum + x * b[i], 0);
}

interface Candidate {
  memory: string;
  position: number;
  key: number[];
  value: number[];
}

/** Computes sparse attention of one head in float64: the top `topK` scores, their softmax and the weighted values. */
function attend(query: number[], candidates: Candidate[], topK: number): { selected: (Candidate & { weight: number })[]; readout: number[] } {
  const scored = candidates.map((c) => ({ ...c, score: dot(query, c.key) / Math.sqrt(HEAD_DIM) })).sort((a, b) => b.score - a.score).slice(0, topK);
  const max = scored[0].score;
  const exps = scored.map((c) => Math.exp(c.score - max));
  const total = exps.reduce((a, b) => a + b, 0);
  const selected = scored.map((c, i) => ({ ...c, weight: exps[i] / total }));
  const readout = Array.from({ length: HEAD_DIM }, (_, d) => selected.reduce((sum, c) => sum + c.weight * c.value[d], 0));
  return { selected, readout };
}

/** Returns the positions heads keep: per head, the `keep` tokens that receive the most attention under row-wise softmax(K Kᵀ/√d). */
function keptPositions(tensor: Tensor, keep: number): Set<number> {
  const kept = new Set<number>();
  for (let h = 0; h < HEADS; h++) {
    const received = new Array(tensor.tokens).fill(0);
    for (let i = 0; i < tensor.tokens; i++) {
      const row = Array.from({ length: tensor.tokens }, (_, j) => dot(slice(tensor.keys, i, h), slice(tensor.keys, j, h)) / Math.sqrt(HEAD_DIM));
      const max = Math.max(...row);
      const exps = row.map((s) => Math.exp(s - max));
      const total = exps.reduce((a, b) => a + b, 0);
      exps.forEach((e, j) => (received[j] += e / total));
    }
    const order = received.map((r, j) => ({ r, j })).sort((a, b) => b.r - a.r);
    for (const { j } of order.slice(0, keep)) kept.add(j);
  }
  return kept;
}

const CAT = tensorOf(11, 5, ['The', ' cat', ' sat', ' on', ' mats']);
const DOG = tensorOf(29, 4, ['A', ' dog', ' ran', ' home']);
const QUERIES = tensorOf(47, 1, ['q']).keys;

let stack: Stack;

function expectError(errors: GraphQLError[] | undefined, code: string, message: string): void {
  expect(errors, 'an error was expected').toBeDefined();
  expect(errors![0].extensions?.code).toBe(code);
  expect(errors![0].message).toContain(message);
}

const CREATE = 'mutation ($i: CreateMemoryBankInput!) { createMemoryBank(input: $i) { name heads headDim tokensPerHead precision encoder decayHalfLife stats { memories keptTokens bytes bytesPerMemory denseBytes compressionRatio } } }';
const WRITE_KV = 'mutation ($i: WriteMemoryKVInput!) { writeMemoryKV(input: $i) { id text tokenCount keptTokens bytes denseBytes tokens { position text start end } } }';
const WRITE = 'mutation ($i: WriteMemoryInput!) { writeMemory(input: $i) { id text start end chunkIndex tokenCount keptTokens tags source tokens { position text start end } } }';
const RECALL = `query ($i: RecallInput!) { recall(input: $i) {
  memories { memory { id text } score similarity prior }
  tokens { memoryId head position text start end weight score }
  readout backend } }`;
const STATS = 'query ($b: String!) { memoryBank(name: $b) { stats { memories keptTokens bytes bytesPerMemory denseBytes compressionRatio } } }';

type Stats = { memories: number; keptTokens: number; bytes: number; bytesPerMemory: number; denseBytes: number; compressionRatio: number };
type Recall = {
  recall: {
    memories: { memory: { id: string; text: string }; score: number; similarity: number; prior: number }[];
    tokens: { memoryId: string; head: number; position: number; text: string | null; start: number | null; end: number | null; weight: number; score: number }[];
    readout: number[][];
    backend: string | null;
  };
};

async function statsOf(bank: string): Promise<Stats> {
  const { body } = await stack.request<{ memoryBank: { stats: Stats } }>(STATS, { b: bank });
  return body.data!.memoryBank.stats;
}

async function writeTensor(bank: string, tensor: Tensor, dtype: 'F32' | 'F16' = 'F32') {
  const encode = dtype === 'F32' ? base64F32 : base64F16;
  return stack.request<{ writeMemoryKV: { id: string; text: string; tokenCount: number; keptTokens: number; bytes: number; denseBytes: number; tokens: { position: number; text: string; start: number; end: number }[] } }>(WRITE_KV, {
    i: { bank, keys: encode(tensor.keys), values: encode(tensor.values), dtype, tokens: tensor.tokens, tokenTexts: tensor.texts, tags: ['tensor'] },
  });
}

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('memory banks through the gateway', () => {
  test('createMemoryBank fills defaults', async () => {
    const { body } = await stack.request<{ createMemoryBank: Record<string, unknown> }>(CREATE, { i: { name: 'notes' } });
    expect(body.errors).toBeUndefined();
    expect(body.data!.createMemoryBank).toEqual({
      name: 'notes',
      heads: 8,
      headDim: 64,
      tokensPerHead: 8,
      precision: 'F16',
      encoder: 'BUILTIN_TEXT',
      decayHalfLife: null,
      stats: { memories: 0, keptTokens: 0, bytes: 0, bytesPerMemory: 0, denseBytes: 0, compressionRatio: 0 },
    });
  });

  test('createMemoryBank takes each precision', async () => {
    for (const precision of ['F32', 'F16', 'INT8']) {
      const { body } = await stack.request<{ createMemoryBank: { precision: string; encoder: string; heads: number; headDim: number; tokensPerHead: number } }>(CREATE, {
        i: { name: `kv-${precision.toLowerCase()}`, heads: HEADS, headDim: HEAD_DIM, tokensPerHead: 8, precision, encoder: 'EXTERNAL' },
      });
      expect(body.errors).toBeUndefined();
      expect(body.data!.createMemoryBank).toMatchObject({ precision, encoder: 'EXTERNAL', heads: HEADS, headDim: HEAD_DIM, tokensPerHead: 8 });
    }
  });

  test('bad bank requests keep their codes', async () => {
    const duplicate = await stack.request(CREATE, { i: { name: 'notes' } });
    expectError(duplicate.body.errors, 'BAD_USER_INPUT', 'A memory bank named "notes" already exists');
    const badName = await stack.request(CREATE, { i: { name: 'no spaces' } });
    expectError(badName.body.errors, 'BAD_USER_INPUT', 'name "no spaces" is not a valid bank name');
    const heads = await stack.request(CREATE, { i: { name: 'wide', heads: 65 } });
    expectError(heads.body.errors, 'LIMIT_EXCEEDED', 'heads is 65, above the limit of 64 (SCIFED_MEMORY_MAX_HEADS)');
    const kept = await stack.request(CREATE, { i: { name: 'wide', tokensPerHead: 129 } });
    expectError(kept.body.errors, 'BAD_USER_INPUT', 'tokensPerHead is 129, above the limit of 128');
    const missing = await stack.request(STATS, { b: 'wide' });
    expect(missing.body.data).toEqual({ memoryBank: null });
  });
});

describe('writeMemoryKV and recall through the gateway', () => {
  test('writeMemoryKV stores tokens with offsets', async () => {
    for (const bank of ['kv-f32', 'kv-f16', 'kv-int8']) {
      for (const tensor of [CAT, DOG]) {
        const { body } = await writeTensor(bank, tensor);
        expect(body.errors).toBeUndefined();
        const memory = body.data!.writeMemoryKV;
        expect(memory.text).toBe(tensor.texts.join(''));
        expect(memory.tokenCount).toBe(tensor.tokens);
        // tokensPerHead 8 keeps every token of these short chunks.
        expect(memory.keptTokens).toBe(HEADS * tensor.tokens);
        expect(memory.denseBytes).toBe(tensor.tokens * HEADS * HEAD_DIM * 2 * 4);
        expect(memory.tokens.map((t) => t.position)).toEqual(tensor.texts.map((_, i) => i));
        for (const token of memory.tokens) expect(memory.text.slice(token.start, token.end)).toBe(token.text);
      }
    }
  });

  test('bank stats track bytes per precision', async () => {
    const f32 = await statsOf('kv-f32');
    const f16 = await statsOf('kv-f16');
    const int8 = await statsOf('kv-int8');
    const kept = HEADS * (CAT.tokens + DOG.tokens);
    const dense = (CAT.tokens + DOG.tokens) * HEADS * HEAD_DIM * 2 * 4;
    // Per kept (token, head): keys and values at the precision, a 4-byte position, and for INT8 two float32 scales.
    expect(f32).toEqual({ memories: 2, keptTokens: kept, bytes: kept * (2 * HEAD_DIM * 4 + 4), bytesPerMemory: (kept * (2 * HEAD_DIM * 4 + 4)) / 2, denseBytes: dense, compressionRatio: dense / (kept * (2 * HEAD_DIM * 4 + 4)) });
    expect(f16.bytes).toBe(kept * (2 * HEAD_DIM * 2 + 4));
    expect(int8.bytes).toBe(kept * (2 * HEAD_DIM + 8 + 4));
    expect(int8.compressionRatio).toBeCloseTo(dense / int8.bytes, 12);
  });

  test('F32 recall equals float64 attention', async () => {
    const ids = await memoryIds('kv-f32');
    const topK = 6;
    const { body } = await stack.request<Recall>(RECALL, { i: { bank: 'kv-f32', queries: base64F32(QUERIES), memories: 5, tokensPerHead: topK } });
    expect(body.errors).toBeUndefined();
    const recall = body.data!.recall;
    expect(recall.memories).toHaveLength(2);
    expect(recall.readout).toHaveLength(HEADS);

    // Retrieval similarity: cosine of the query with the per-head mean keys of all tokens.
    for (const { memory, similarity, prior, score } of recall.memories) {
      const tensor = memory.id === ids[0] ? CAT : DOG;
      const mean = Array.from({ length: HEADS * HEAD_DIM }, (_, i) => {
        const [h, d] = [Math.floor(i / HEAD_DIM), i % HEAD_DIM];
        return Array.from({ length: tensor.tokens }, (_, t) => slice(tensor.keys, t, h)[d]).reduce((a, b) => a + b, 0) / tensor.tokens;
      });
      expect(similarity).toBeCloseTo(dot(mean, QUERIES) / Math.sqrt(dot(mean, mean) * dot(QUERIES, QUERIES)), 5);
      expect(prior).toBe(0);
      expect(score).toBeCloseTo(similarity, 12);
    }

    for (let h = 0; h < HEADS; h++) {
      const candidates = [CAT, DOG].flatMap((tensor, m) =>
        Array.from({ length: tensor.tokens }, (_, t) => ({ memory: ids[m], position: t, key: slice(tensor.keys, t, h), value: slice(tensor.values, t, h) })),
      );
      const expected = attend(QUERIES.slice(h * HEAD_DIM, (h + 1) * HEAD_DIM), candidates, topK);
      recall.readout[h].forEach((x, d) => expect(Math.abs(x - expected.readout[d]), `head ${h} element ${d}`).toBeLessThan(1e-5));
      const tokens = recall.tokens.filter((t) => t.head === h);
      expect(tokens.map((t) => `${t.memoryId}:${t.position}`)).toEqual(expected.selected.map((c) => `${c.memory}:${c.position}`));
      tokens.forEach((t, i) => expect(t.weight).toBeCloseTo(expected.selected[i].weight, 6));
      expect(tokens.reduce((sum, t) => sum + t.weight, 0)).toBeCloseTo(1, 6);
    }

    // Evidence offsets point into the memory text.
    const texts = new Map(recall.memories.map((m) => [m.memory.id, m.memory.text]));
    for (const token of recall.tokens) expect(texts.get(token.memoryId)!.slice(token.start!, token.end!)).toBe(token.text);
  });

  test('F16 and INT8 readouts stay within the bound', async () => {
    for (const [bank, precision] of [['kv-f16', 'F16'], ['kv-int8', 'INT8']] as const) {
      const ids = await memoryIds(bank);
      const { body } = await stack.request<Recall>(RECALL, { i: { bank, queries: base64F32(QUERIES), memories: 5, tokensPerHead: 16 } });
      expect(body.errors).toBeUndefined();
      const recall = body.data!.recall;
      expect(recall.memories).toHaveLength(2);
      for (let h = 0; h < HEADS; h++) {
        const query = QUERIES.slice(h * HEAD_DIM, (h + 1) * HEAD_DIM);
        const candidates = [CAT, DOG].flatMap((tensor, m) =>
          Array.from({ length: tensor.tokens }, (_, t) => ({ memory: ids[m], position: t, key: slice(tensor.keys, t, h), value: slice(tensor.values, t, h) })),
        );
        const expected = attend(query, candidates, 16);
        // Storage error per element: half an F16 step (2⁻¹¹|x|), or half an INT8 step (max|x| / 127 / 2) of its vector.
        const delta = (vector: number[]) => {
          const scale = Math.max(...vector.map(Math.abs)) / 127;
          return vector.map((x) => (precision === 'F16' ? 2 ** -11 * Math.abs(x) : scale / 2));
        };
        const epsilon = Math.max(...candidates.map((c) => delta(c.key).reduce((sum, dk, i) => sum + Math.abs(query[i]) * dk, 0) / Math.sqrt(HEAD_DIM)));
        for (let d = 0; d < HEAD_DIM; d++) {
          const bound = Math.max(...candidates.map((c) => delta(c.value)[d])) + (Math.exp(2 * epsilon) - 1) * Math.max(...candidates.map((c) => Math.abs(c.value[d])));
          const error = Math.abs(recall.readout[h][d] - expected.readout[d]);
          expect(error, `${precision} head ${h} element ${d}`).toBeLessThanOrEqual(bound + 1e-6);
        }
      }
    }
  });

  test('F16 tensors are accepted as input', async () => {
    const { body } = await writeTensor('kv-f16', tensorOf(83, 3, ['x', 'y', 'z']), 'F16');
    expect(body.errors).toBeUndefined();
    expect(body.data!.writeMemoryKV.keptTokens).toBe(HEADS * 3);
    expect((await statsOf('kv-f16')).memories).toBe(3);
  });

  test('sparsification keeps the most attended tokens', async () => {
    const created = await stack.request(CREATE, { i: { name: 'kv-sparse', heads: HEADS, headDim: HEAD_DIM, tokensPerHead: 2, precision: 'F32', encoder: 'EXTERNAL' } });
    expect(created.body.errors).toBeUndefined();
    const wide = tensorOf(101, 12, Array.from({ length: 12 }, (_, i) => `w${i} `));
    const { body } = await writeTensor('kv-sparse', wide);
    expect(body.errors).toBeUndefined();
    expect(body.data!.writeMemoryKV.keptTokens).toBe(HEADS * 2);
    expect(new Set(body.data!.writeMemoryKV.tokens.map((t) => t.position))).toEqual(keptPositions(wide, 2));
  });

  test('bad tensors keep their codes and store nothing', async () => {
    const before = await statsOf('kv-f32');
    const cases: [Record<string, unknown>, string, string][] = [
      [{ keys: base64F32(CAT.keys.slice(1)) }, 'BAD_USER_INPUT', 'keys decodes to 156 bytes, expected 160'],
      [{ tokens: 4, tokenTexts: null }, 'BAD_USER_INPUT', 'keys decodes to 160 bytes, expected 128'],
      [{ values: 'not base64!' }, 'BAD_USER_INPUT', 'values is not valid base64'],
      [{ tokenTexts: ['a'] }, 'BAD_USER_INPUT', 'tokenTexts has 1 entries but tokens is 5'],
      [{ tokens: 129 }, 'BAD_USER_INPUT', 'tokens must be an integer from 1 to 128'],
      [{ bank: 'nosuch' }, 'NOT_FOUND', 'Memory bank "nosuch" was not found'],
      [{ bank: 'notes' }, 'BAD_USER_INPUT', 'uses the BUILTIN_TEXT encoder'],
      [{ tags: Array.from({ length: 65 }, (_, i) => `t${i}`) }, 'LIMIT_EXCEEDED', 'SCIFED_MEMORY_MAX_TAGS'],
    ];
    for (const [change, code, message] of cases) {
      const input = { bank: 'kv-f32', keys: base64F32(CAT.keys), values: base64F32(CAT.values), dtype: 'F32', tokens: CAT.tokens, tokenTexts: CAT.texts, ...change };
      const { body } = await stack.request(WRITE_KV, { i: input });
      expectError(body.errors, code, message);
    }
    expect(await statsOf('kv-f32')).toEqual(before);

    const queries = await stack.request(RECALL, { i: { bank: 'kv-f32', queries: base64F32(QUERIES.slice(1)) } });
    expectError(queries.body.errors, 'BAD_USER_INPUT', 'queries decodes to 28 bytes, expected 32');
    const textOnExternal = await stack.request(RECALL, { i: { bank: 'kv-f32', text: 'cat' } });
    expectError(textOnExternal.body.errors, 'BAD_USER_INPUT', 'pass queries (base64 float32, heads × headDim) instead of text');
  });
});

async function memoryIds(bank: string): Promise<string[]> {
  const { body } = await stack.request<{ memories: { edges: { node: { id: string } }[] } }>('query ($b: String!) { memories(bank: $b, first: 10) { edges { node { id } } } }', { b: bank });
  return body.data!.memories.edges.map((e) => e.node.id);
}

describe('text memories through the gateway', () => {
  const NOTES = [
    { text: 'Ni3Al precipitates strengthen nickel superalloys at high temperature. The gamma prime phase resists creep.', tags: ['Ni3Al', 'superalloy'], source: 'paper-nial' },
    { text: 'Copper interconnects fail by electromigration along grain boundaries in thin films.', tags: ['Cu'], source: 'paper-cu' },
    { text: 'Lithium iron phosphate cathodes keep their capacity over many cycles.', tags: ['LiFePO4'], source: null },
  ];
  const written: { id: string; text: string }[] = [];

  test('writeMemory splits long text into chunks', async () => {
    for (const note of NOTES) {
      const { body } = await stack.request<{ writeMemory: { id: string; text: string; tags: string[]; source: string | null; keptTokens: number; tokenCount: number }[] }>(WRITE, { i: { bank: 'notes', ...note } });
      expect(body.errors).toBeUndefined();
      const [memory] = body.data!.writeMemory;
      expect(memory).toMatchObject({ text: note.text, tags: note.tags, source: note.source });
      expect(memory.keptTokens).toBe(8 * Math.min(8, memory.tokenCount));
      written.push(memory);
    }

    // 300 words are more than two chunks of at most 128 tokens.
    const long = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ');
    const { body } = await stack.request<{ writeMemory: { text: string; start: number; end: number; chunkIndex: number; tokenCount: number; tokens: { text: string; start: number; end: number }[] }[] }>(WRITE, { i: { bank: 'notes', text: long, tags: ['filler'] } });
    expect(body.errors).toBeUndefined();
    const chunks = body.data!.writeMemory;
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    chunks.forEach((chunk, i) => {
      expect(chunk.chunkIndex).toBe(i);
      expect(chunk.tokenCount).toBeLessThanOrEqual(128);
      expect(long.slice(chunk.start, chunk.end)).toBe(chunk.text);
      for (const token of chunk.tokens) expect(chunk.text.slice(token.start, token.end)).toBe(token.text);
    });
    expect(chunks.reduce((n, c) => n + c.tokenCount, 0)).toBe(300);
  });

  test('recall by text returns readout and evidence', async () => {
    const { body } = await stack.request<Recall>(RECALL, { i: { bank: 'notes', text: 'creep of nickel superalloys', memories: 2 } });
    expect(body.errors).toBeUndefined();
    const recall = body.data!.recall;
    expect(recall.memories[0].memory.id).toBe(written[0].id);
    expect(recall.memories).toHaveLength(2);
    expect(recall.readout).toHaveLength(8);
    for (const row of recall.readout) expect(row).toHaveLength(64);
    expect(recall.backend).not.toBeNull();
    const texts = new Map(recall.memories.map((m) => [m.memory.id, m.memory.text]));
    for (let h = 0; h < 8; h++) {
      const tokens = recall.tokens.filter((t) => t.head === h);
      expect(tokens).toHaveLength(8);
      expect(tokens.reduce((sum, t) => sum + t.weight, 0)).toBeCloseTo(1, 6);
      for (let i = 1; i < tokens.length; i++) expect(tokens[i].score).toBeLessThanOrEqual(tokens[i - 1].score);
    }
    for (const token of recall.tokens) expect(texts.get(token.memoryId)!.slice(token.start!, token.end!)).toBe(token.text);
    // The query words the first note contains are among its evidence.
    const evidence = new Set(recall.tokens.filter((t) => t.memoryId === written[0].id).map((t) => t.text!.toLowerCase()));
    expect([...evidence].some((word) => ['creep', 'nickel', 'superalloys'].includes(word))).toBe(true);
  });

  test('reinforceMemory changes the next recall', async () => {
    const query = { bank: 'notes', text: 'creep of nickel superalloys', memories: 1 };
    const before = await stack.request<Recall>(RECALL, { i: query });
    expect(before.body.data!.recall.memories[0].memory.id).toBe(written[0].id);

    const reinforced = await stack.request<{ reinforceMemory: { id: string; reinforcement: number } }>('mutation ($id: ID!) { reinforceMemory(id: $id, delta: 2) { id reinforcement } }', { id: written[2].id });
    expect(reinforced.body.data!.reinforceMemory).toEqual({ id: written[2].id, reinforcement: 2 });
    const after = await stack.request<Recall>(RECALL, { i: query });
    expect(after.body.data!.recall.memories[0].memory.id).toBe(written[2].id);
    expect(after.body.data!.recall.memories[0].prior).toBe(2);

    await stack.request('mutation ($id: ID!) { reinforceMemory(id: $id, delta: -2) { id } }', { id: written[2].id });
    const undone = await stack.request<Recall>(RECALL, { i: query });
    expect(undone.body.data!.recall.memories[0].memory.id).toBe(written[0].id);
  });

  test('forgetMemory removes it from recall', async () => {
    const forgotten = await stack.request<{ forgetMemory: { id: string } }>('mutation ($id: ID!) { forgetMemory(id: $id) { id } }', { id: written[0].id });
    expect(forgotten.body.data!.forgetMemory.id).toBe(written[0].id);
    const { body } = await stack.request<Recall>(RECALL, { i: { bank: 'notes', text: 'creep of nickel superalloys', memories: 10 } });
    expect(body.data!.recall.memories.map((m) => m.memory.id)).not.toContain(written[0].id);

    const again = await stack.request('mutation ($id: ID!) { forgetMemory(id: $id) { id } }', { id: written[0].id });
    expectError(again.body.errors, 'NOT_FOUND', `Memory "${written[0].id}" was not found`);
    const reinforce = await stack.request('mutation ($id: ID!) { reinforceMemory(id: $id, delta: 1) { id } }', { id: written[0].id });
    expectError(reinforce.body.errors, 'NOT_FOUND', 'was not found');
  });

  test('Material.memories resolves tags by formula', async () => {
    await stack.request(WRITE, { i: { bank: 'notes', text: 'The L1_2 ordered phase of nickel aluminide.', tags: ['AlNi3'] } });
    const { body } = await stack.request<{ material: { formula: string; memories: { totalCount: number; edges: { node: { tags: string[]; materials: { formula: string }[] } }[] } } }>(
      '{ material(formula: "Ni6Al2") { formula memories(first: 10) { totalCount edges { node { tags materials { formula } } } } } }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.material.formula).toBe('AlNi3');
    // The Ni3Al note was forgotten; the AlNi3 one remains.
    expect(body.data!.material.memories.totalCount).toBe(1);
    expect(body.data!.material.memories.edges[0].node).toEqual({ tags: ['AlNi3'], materials: [{ formula: 'AlNi3' }] });

    const cu = await stack.request<{ material: { memories: { totalCount: number } } }>('{ material(formula: "Cu") { memories { totalCount } } }');
    expect(cu.body.data!.material.memories.totalCount).toBe(1);
  });

  test('bank stats count text memories', async () => {
    const { body } = await stack.request<{ memories: { totalCount: number; edges: { node: { keptTokens: number; bytes: number; denseBytes: number } }[] } }>(
      '{ memories(bank: "notes", first: 100) { totalCount edges { node { keptTokens bytes denseBytes } } } }',
    );
    const nodes = body.data!.memories.edges.map((e) => e.node);
    const stats = await statsOf('notes');
    expect(stats.memories).toBe(body.data!.memories.totalCount);
    expect(stats.keptTokens).toBe(nodes.reduce((n, m) => n + m.keptTokens, 0));
    expect(stats.bytes).toBe(nodes.reduce((n, m) => n + m.bytes, 0));
    expect(stats.denseBytes).toBe(nodes.reduce((n, m) => n + m.denseBytes, 0));
    expect(stats.compressionRatio).toBeCloseTo(stats.denseBytes / stats.bytes, 12);
    expect(stats.compressionRatio).toBeGreaterThan(1);
  });

  test('bad text requests keep their codes', async () => {
    const before = await statsOf('notes');
    const empty = await stack.request(WRITE, { i: { bank: 'notes', text: '   ' } });
    expectError(empty.body.errors, 'BAD_USER_INPUT', 'text is empty or only whitespace');
    const unknown = await stack.request(WRITE, { i: { bank: 'nosuch', text: 'hello' } });
    expectError(unknown.body.errors, 'NOT_FOUND', 'Memory bank "nosuch" was not found');
    const external = await stack.request(WRITE, { i: { bank: 'kv-f32', text: 'hello' } });
    expectError(external.body.errors, 'BAD_USER_INPUT', 'write with writeMemoryKV');
    const emptyTag = await stack.request(WRITE, { i: { bank: 'notes', text: 'hello', tags: ['ok', ' '] } });
    expectError(emptyTag.body.errors, 'BAD_USER_INPUT', 'tags[1] is empty');
    expect(await statsOf('notes')).toEqual(before);

    const tooMany = await stack.request(RECALL, { i: { bank: 'notes', text: 'copper', memories: 65 } });
    expectError(tooMany.body.errors, 'LIMIT_EXCEEDED', 'SCIFED_MEMORY_MAX_RECALL');
    const noQuery = await stack.request(RECALL, { i: { bank: 'notes', text: '  ' } });
    expectError(noQuery.body.errors, 'BAD_USER_INPUT', 'recall needs text with at least one word or queries');
    const topK = await stack.request(RECALL, { i: { bank: 'notes', text: 'copper', tokensPerHead: 0 } });
    expectError(topK.body.errors, 'BAD_USER_INPUT', 'tokensPerHead must be an integer from 1 to 1024');
    const bank = await stack.request(RECALL, { i: { bank: 'nosuch', text: 'copper' } });
    expectError(bank.body.errors, 'NOT_FOUND', 'Memory bank "nosuch" was not found');
  });
});
