import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openHarness, type Harness } from './helpers.js';

const HEADS = 2;
const DIM = 8;
const TOKENS = 3;
const MEMORIES = 3;

/** Deterministic normal-ish numbers (sum of uniforms from a 32-bit LCG). */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return () => uniform() + uniform() + uniform() - 1.5;
}

function base64Of(array: Float32Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

const next = generator(7);
const data = Array.from({ length: MEMORIES }, () => ({
  keys: Float32Array.from({ length: TOKENS * HEADS * DIM }, () => 2 * next()),
  values: Float32Array.from({ length: TOKENS * HEADS * DIM }, next),
}));
const queries = Float32Array.from({ length: HEADS * DIM }, next);

/** Dense float64 attention of head h over every token of every memory. */
function denseReadout(h: number): number[] {
  const scores: number[] = [];
  const values: Float32Array[] = [];
  for (const m of data) {
    for (let t = 0; t < TOKENS; t++) {
      const at = (t * HEADS + h) * DIM;
      let dot = 0;
      for (let i = 0; i < DIM; i++) dot += queries[h * DIM + i] * m.keys[at + i];
      scores.push(dot / Math.sqrt(DIM));
      values.push(m.values.subarray(at, at + DIM));
    }
  }
  const max = Math.max(...scores);
  const weights = scores.map((s) => Math.exp(s - max));
  const total = weights.reduce((a, b) => a + b, 0);
  const out = new Array(DIM).fill(0);
  weights.forEach((w, j) => values[j].forEach((v, i) => (out[i] += (w / total) * v)));
  return out;
}

/**
 * Readout error bound per head for storage that moves each key element by at
 * most keyError(x, vector) and each value element by valueError(x, vector):
 * every score moves by at most ε = max_j Σ_i |q_i| Δk_ji / √d (plus
 * `queryRounding`), so softmax weights change by a factor in [e^−2ε, e^2ε]
 * and |Δreadout_i| ≤ max_j Δv_ji + (e^2ε − 1) · max_j |v_ji|.
 */
function readoutBound(
  h: number,
  keyError: (x: number, vector: Float32Array) => number,
  valueError: (x: number, vector: Float32Array) => number,
  queryRounding = 0,
): number[] {
  const q = queries.subarray(h * DIM, (h + 1) * DIM);
  const maxQ = Math.max(...Array.from(q, Math.abs));
  let epsilon = 0;
  const bounds = new Array(DIM).fill(0);
  const maxV = new Array(DIM).fill(0);
  for (const m of data) {
    for (let t = 0; t < TOKENS; t++) {
      const at = (t * HEADS + h) * DIM;
      const k = m.keys.subarray(at, at + DIM);
      const v = m.values.subarray(at, at + DIM);
      let shift = 0;
      let l1 = 0;
      for (let i = 0; i < DIM; i++) {
        shift += Math.abs(q[i]) * keyError(k[i], k);
        l1 += Math.abs(k[i]) + keyError(k[i], k);
      }
      shift += queryRounding * maxQ * l1;
      epsilon = Math.max(epsilon, shift / Math.sqrt(DIM));
      for (let i = 0; i < DIM; i++) {
        bounds[i] = Math.max(bounds[i], valueError(v[i], v));
        maxV[i] = Math.max(maxV[i], Math.abs(v[i]));
      }
    }
  }
  return bounds.map((b, i) => b + (Math.exp(2 * epsilon) - 1) * maxV[i] + 1e-5);
}

const RECALL = `query($input: RecallInput!) { recall(input: $input) {
  memories { memory { id text } score similarity prior }
  tokens { memoryId head position text start end weight score }
  readout backend } }`;

describe('recall from tensors', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness();
    for (const precision of ['F32', 'F16', 'INT8']) {
      await h.execute(
        `mutation { createMemoryBank(input: {name: "kv-${precision}", heads: ${HEADS}, headDim: ${DIM}, tokensPerHead: 4, precision: ${precision}, encoder: EXTERNAL}) { name } }`,
      );
      for (const m of data) {
        const written = await h.execute('mutation($input: WriteMemoryKVInput!) { writeMemoryKV(input: $input) { id } }', {
          input: { bank: `kv-${precision}`, keys: base64Of(m.keys), values: base64Of(m.values), dtype: 'F32', tokens: TOKENS, tokenTexts: ['Cu', ' fcc', ' 3.6'] },
        });
        expect(written.errors).toBeUndefined();
      }
    }
  });
  afterAll(async () => {
    await h.close();
  });

  async function recallReadout(precision: string): Promise<number[][]> {
    const result = await h.execute(RECALL, {
      input: { bank: `kv-${precision}`, queries: base64Of(queries), memories: MEMORIES, tokensPerHead: MEMORIES * TOKENS },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.recall.memories).toHaveLength(MEMORIES);
    expect(result.data!.recall.tokens).toHaveLength(HEADS * MEMORIES * TOKENS);
    return result.data!.recall.readout;
  }

  it('F32 readout equals dense float64 attention', async () => {
    const readout = await recallReadout('F32');
    for (let head = 0; head < HEADS; head++) {
      const expected = denseReadout(head);
      for (let i = 0; i < DIM; i++) expect(Math.abs(readout[head][i] - expected[i])).toBeLessThanOrEqual(1e-5);
    }
  });

  it('F16 readout stays within the half-rounding bound', async () => {
    const readout = await recallReadout('F16');
    const elementError = (x: number) => Math.abs(x) * 2 ** -11 + 2 ** -25;
    for (let head = 0; head < HEADS; head++) {
      const expected = denseReadout(head);
      const bound = readoutBound(head, elementError, elementError);
      for (let i = 0; i < DIM; i++) expect(Math.abs(readout[head][i] - expected[i])).toBeLessThanOrEqual(bound[i]);
    }
  });

  it('INT8 readout stays within the quantization bound', async () => {
    const readout = await recallReadout('INT8');
    // Half a step of the per-(token, head) scale max|x|/127; the WebAssembly
    // kernel also rounds queries to int16 steps of max|q|/32767.
    const stepError = (_: number, vector: Float32Array) => Math.max(...Array.from(vector, Math.abs)) / 127 / 2;
    let largest = 0;
    for (let head = 0; head < HEADS; head++) {
      const expected = denseReadout(head);
      const bound = readoutBound(head, stepError, stepError, 1 / 65534);
      for (let i = 0; i < DIM; i++) {
        const error = Math.abs(readout[head][i] - expected[i]);
        largest = Math.max(largest, error);
        expect(error).toBeLessThanOrEqual(bound[i]);
      }
    }
    // The bound is not vacuous: int8 storage does move the readout.
    expect(largest).toBeGreaterThan(1e-6);
  });

  it('evidence weights sum to one per head', async () => {
    const result = await h.execute(RECALL, { input: { bank: 'kv-F32', queries: base64Of(queries), memories: 2, tokensPerHead: 2 } });
    const tokens = result.data!.recall.tokens as { head: number; weight: number; text: string; start: number; end: number }[];
    expect(tokens).toHaveLength(HEADS * 2);
    for (let head = 0; head < HEADS; head++) {
      const sum = tokens.filter((t) => t.head === head).reduce((s, t) => s + t.weight, 0);
      expect(sum).toBeCloseTo(1, 6);
    }
    for (const t of tokens) expect('Cu fcc 3.6'.slice(t.start, t.end)).toBe(t.text);
  });

  it('recall rejects bad inputs', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ bank: 'none', queries: base64Of(queries) }, 'NOT_FOUND', '"none"'],
      [{ bank: 'kv-F32', queries: base64Of(new Float32Array(3)) }, 'BAD_USER_INPUT', 'expected 64'],
      [{ bank: 'kv-F32', text: 'copper' }, 'BAD_USER_INPUT', 'pass queries'],
      [{ bank: 'kv-F32', queries: base64Of(queries), memories: 0 }, 'BAD_USER_INPUT', 'memories must be'],
      [{ bank: 'kv-F32', queries: base64Of(queries), memories: 1000 }, 'LIMIT_EXCEEDED', 'SCIFED_MEMORY_MAX_RECALL'],
    ];
    for (const [input, code, fragment] of cases) {
      const result = await h.execute(RECALL, { input });
      expect(result.errors?.[0].extensions?.code, JSON.stringify(input).slice(0, 60)).toBe(code);
      expect(result.errors?.[0].message).toContain(fragment);
    }
  });
});

const TEXTS = {
  copper: 'Copper crystallizes in the face centred cubic lattice with a lattice constant of 3.61 angstrom.',
  iron: 'Iron is body centred cubic below 912 degrees and turns face centred cubic above it.',
  polymer: 'Polyethylene chains fold into lamellae during crystallization from the melt.',
  battery: 'Lithium iron phosphate cathodes deliver a flat voltage near 3.4 volts.',
};

describe('recall from text', () => {
  let h: Harness;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    h = await openHarness();
    await h.execute('mutation { createMemoryBank(input: {name: "text"}) { name } }');
    await h.execute('mutation { createMemoryBank(input: {name: "decay", decayHalfLife: 0.3}) { name } }');
    for (const bank of ['text', 'decay']) {
      for (const [key, text] of Object.entries(TEXTS)) {
        const written = await h.execute('mutation($text: String!, $bank: String!) { writeMemory(input: {bank: $bank, text: $text}) { id } }', { text, bank });
        ids[`${bank}:${key}`] = written.data!.writeMemory[0].id;
      }
    }
  });
  afterAll(async () => {
    await h.close();
  });

  async function recall(bank: string, text: string) {
    const result = await h.execute(RECALL, { input: { bank, text, memories: 2 } });
    expect(result.errors).toBeUndefined();
    return result.data!.recall;
  }

  it('retrieves the matching memory with evidence', async () => {
    const result = await recall('text', 'copper lattice constant');
    expect(result.memories[0].memory.id).toBe(ids['text:copper']);
    expect(result.readout).toHaveLength(8);
    expect(result.readout[0]).toHaveLength(64);
    const texts = new Map(result.memories.map((m: any) => [m.memory.id, m.memory.text]));
    for (const token of result.tokens) expect((texts.get(token.memoryId) as string).slice(token.start, token.end)).toBe(token.text);
    const copperWords = result.tokens.filter((t: any) => t.memoryId === ids['text:copper']).map((t: any) => t.text.toLowerCase());
    expect(copperWords).toContain('copper');
  });

  it('reinforcement changes the next recall', async () => {
    const before = await recall('text', 'copper lattice constant');
    expect(before.memories[0].memory.id).toBe(ids['text:copper']);
    await h.execute('mutation($id: ID!) { reinforceMemory(id: $id, delta: 2) { reinforcement } }', { id: ids['text:polymer'] });
    const after = await recall('text', 'copper lattice constant');
    expect(after.memories[0].memory.id).toBe(ids['text:polymer']);
    expect(after.memories[0].prior).toBe(2);
    await h.execute('mutation($id: ID!) { reinforceMemory(id: $id, delta: -2) { reinforcement } }', { id: ids['text:polymer'] });
    const undone = await recall('text', 'copper lattice constant');
    expect(undone.memories[0].memory.id).toBe(ids['text:copper']);
  });

  it('forgetMemory removes it from the next recall', async () => {
    const forgotten = await h.execute('mutation($id: ID!) { forgetMemory(id: $id) { id } }', { id: ids['text:copper'] });
    expect(forgotten.data!.forgetMemory.id).toBe(ids['text:copper']);
    const result = await recall('text', 'copper lattice constant');
    expect(result.memories.map((m: any) => m.memory.id)).not.toContain(ids['text:copper']);
    const again = await h.execute('mutation($id: ID!) { forgetMemory(id: $id) { id } }', { id: ids['text:copper'] });
    expect(again.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('reinforcement decays with the bank half-life', async () => {
    await h.execute('mutation($id: ID!) { reinforceMemory(id: $id, delta: 2) { id } }', { id: ids['decay:battery'] });
    const fresh = await recall('decay', 'copper lattice constant');
    expect(fresh.memories[0].memory.id).toBe(ids['decay:battery']);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const later = await recall('decay', 'copper lattice constant');
    expect(later.memories[0].memory.id).toBe(ids['decay:copper']);
    expect(later.memories.find((m: any) => m.memory.id === ids['decay:battery'])?.prior ?? 0).toBeLessThan(0.01);
  });
});
