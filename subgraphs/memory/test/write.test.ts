import { decodeHalf, rankByReceivedAttention } from '@scifed/compute';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { encodeTokens, keyNorm } from '../src/memory/encoder.js';
import { sparsify } from '../src/memory/kv.js';
import { tokenize } from '../src/memory/tokenize.js';
import { openHarness, type Harness } from './helpers.js';

const TEXT = 'Nickel aluminide Ni3Al forms the gamma prime phase that strengthens nickel superalloys at high temperature.';

function base64Of(array: Float32Array | Uint16Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

describe('built-in encoder', () => {
  it('is deterministic with keys at the documented norm', () => {
    const tokens = tokenize(TEXT);
    const a = encodeTokens(tokens, 4, 32);
    const b = encodeTokens(tokenize(TEXT), 4, 32);
    expect(a.keys).toEqual(b.keys);
    expect(a.values).toEqual(b.values);
    for (let p = 0; p < tokens.length; p++) {
      for (let h = 0; h < 4; h++) {
        const key = a.keys.subarray((p * 4 + h) * 32, (p * 4 + h + 1) * 32);
        expect(Math.hypot(...key)).toBeCloseTo(keyNorm(32), 4);
      }
    }
  });

  it('gives heads with context different keys', () => {
    const { keys } = encodeTokens(tokenize('the copper lattice'), 2, 64);
    // Head 0 sees only the token; head 1 also sees its neighbours, so the same word differs in context.
    const alone = encodeTokens(tokenize('copper'), 2, 64).keys;
    expect(Array.from(keys.subarray((1 * 2 + 0) * 64, (1 * 2 + 1) * 64))).toEqual(Array.from(alone.subarray(0, 64)));
    expect(Array.from(keys.subarray((1 * 2 + 1) * 64, (1 * 2 + 2) * 64))).not.toEqual(Array.from(alone.subarray(64, 128)));
  });
});

describe('sparsify', () => {
  const tokens = tokenize(TEXT);
  const heads = 4;
  const headDim = 32;
  const dense = { ...encodeTokens(tokens, heads, headDim), tokens: tokens.length, heads, headDim };
  const tokenAt = (position: number) => ({ position, ...tokens[position] });
  const ranking = rankByReceivedAttention({ keys: dense.keys, tokens: tokens.length, heads, dim: headDim, keep: 5 });

  it('keeps the most attended tokens per head at F32 exactly', () => {
    const kv = sparsify(dense, 5, 'F32', tokenAt);
    const keys = new Float32Array(Uint8Array.from(kv.keys).buffer);
    expect(kv.slots).toBe(5);
    for (let s = 0; s < 5; s++) {
      for (let h = 0; h < heads; h++) {
        const position = kv.positions[s * heads + h];
        expect(position).toBe(ranking.indices[h * 5 + s]);
        const stored = keys.subarray((s * heads + h) * headDim, (s * heads + h + 1) * headDim);
        const original = dense.keys.subarray((position * heads + h) * headDim, (position * heads + h + 1) * headDim);
        expect(Array.from(stored)).toEqual(Array.from(original));
      }
    }
    expect(kv.bytes).toBe(5 * heads * (2 * headDim * 4 + 4));
    expect(kv.denseBytes).toBe(tokens.length * heads * headDim * 8);
  });

  it('stores F16 within half rounding', () => {
    const kv = sparsify(dense, 5, 'F16', tokenAt);
    const decoded = decodeHalf(new Uint16Array(Uint8Array.from(kv.keys).buffer));
    for (let i = 0; i < decoded.length; i++) {
      const s = Math.floor(i / (heads * headDim));
      const h = Math.floor(i / headDim) % heads;
      const original = dense.keys[(kv.positions[s * heads + h] * heads + h) * headDim + (i % headDim)];
      expect(Math.abs(decoded[i] - original)).toBeLessThanOrEqual(Math.abs(original) * 2 ** -11 + 2 ** -25);
    }
    expect(kv.bytes).toBe(5 * heads * (2 * headDim * 2 + 4));
  });

  it('stores INT8 within half a scale step', () => {
    const kv = sparsify(dense, 5, 'INT8', tokenAt);
    const values = new Int8Array(Uint8Array.from(kv.keys).buffer);
    const scales = new Float32Array(Uint8Array.from(kv.scales).buffer);
    expect(scales.length).toBe(2 * 5 * heads);
    for (let i = 0; i < values.length; i++) {
      const row = Math.floor(i / headDim);
      const s = Math.floor(row / heads);
      const h = row % heads;
      const original = dense.keys[(kv.positions[s * heads + h] * heads + h) * headDim + (i % headDim)];
      expect(Math.abs(values[i] * scales[row] - original)).toBeLessThanOrEqual(scales[row] / 2 + 1e-7);
    }
    expect(kv.bytes).toBe(5 * heads * (2 * headDim + 2 * 4 + 4));
  });
});

describe('memory writes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness();
    for (const precision of ['F32', 'F16', 'INT8']) {
      await h.execute(`mutation { createMemoryBank(input: {name: "p-${precision}", heads: 4, headDim: 32, tokensPerHead: 4, precision: ${precision}}) { name } }`);
    }
    await h.execute('mutation { createMemoryBank(input: {name: "ext", heads: 2, headDim: 4, tokensPerHead: 2, precision: F32, encoder: EXTERNAL}) { name } }');
  });
  afterAll(async () => {
    await h.close();
  });

  it('stats shrink with precision', async () => {
    const ratios: number[] = [];
    for (const precision of ['F32', 'F16', 'INT8']) {
      const written = await h.execute(`mutation($text: String!) { writeMemory(input: {bank: "p-${precision}", text: $text}) { tokenCount keptTokens bytes tokens { position text start end } text } }`, { text: TEXT });
      expect(written.errors).toBeUndefined();
      const [memory] = written.data!.writeMemory;
      expect(memory.keptTokens).toBe(16);
      for (const token of memory.tokens) expect(memory.text.slice(token.start, token.end)).toBe(token.text);
      const stats = await h.execute(`{ memoryBank(name: "p-${precision}") { stats { memories keptTokens bytes bytesPerMemory denseBytes compressionRatio } } }`);
      const s = stats.data!.memoryBank.stats;
      expect(s.memories).toBe(1);
      expect(s.keptTokens).toBe(16);
      expect(s.bytes).toBe(memory.bytes);
      expect(s.denseBytes).toBe(memory.tokenCount * 4 * 32 * 8);
      expect(s.compressionRatio).toBeCloseTo(s.denseBytes / s.bytes, 10);
      ratios.push(s.compressionRatio);
    }
    expect(ratios[1]).toBeGreaterThan(ratios[0]);
    expect(ratios[2]).toBeGreaterThan(ratios[1]);
  });

  it('writeMemoryKV stores F32 and F16 tensors', async () => {
    const keys = Float32Array.from({ length: 3 * 2 * 4 }, (_, i) => Math.sin(i));
    const values = Float32Array.from({ length: 3 * 2 * 4 }, (_, i) => Math.cos(i));
    const query = `mutation($input: WriteMemoryKVInput!) { writeMemoryKV(input: $input) { text tokenCount keptTokens tokens { position text start end } } }`;
    const f32 = await h.execute(query, { input: { bank: 'ext', keys: base64Of(keys), values: base64Of(values), dtype: 'F32', tokens: 3, tokenTexts: ['Cu', ' is', ' fcc'] } });
    expect(f32.errors).toBeUndefined();
    expect(f32.data!.writeMemoryKV.text).toBe('Cu is fcc');
    expect(f32.data!.writeMemoryKV.keptTokens).toBe(4);
    for (const token of f32.data!.writeMemoryKV.tokens) expect('Cu is fcc'.slice(token.start, token.end)).toBe(token.text);

    const ones = new Uint16Array(3 * 2 * 4).fill(0x3c00); // 1.0 in binary16
    const f16 = await h.execute(query, { input: { bank: 'ext', keys: base64Of(ones), values: base64Of(ones), dtype: 'F16', tokens: 3 } });
    expect(f16.errors).toBeUndefined();
    expect(f16.data!.writeMemoryKV.tokens.map((t: { text: string | null }) => t.text)).toEqual([null, null]);
  });

  it('writeMemoryKV rejects bad tensors and stores nothing', async () => {
    const good = base64Of(new Float32Array(3 * 2 * 4));
    const query = 'mutation($input: WriteMemoryKVInput!) { writeMemoryKV(input: $input) { id } }';
    const before = await h.execute('{ memoryBank(name: "ext") { stats { memories } } }');
    const cases: [Record<string, unknown>, string, string][] = [
      [{ bank: 'ext', keys: base64Of(new Float32Array(5)), values: good, dtype: 'F32', tokens: 3 }, 'BAD_USER_INPUT', 'decodes to 20 bytes, expected 96'],
      [{ bank: 'ext', keys: good, values: good, dtype: 'F16', tokens: 3 }, 'BAD_USER_INPUT', 'expected 48'],
      [{ bank: 'ext', keys: 'not base64!', values: good, dtype: 'F32', tokens: 3 }, 'BAD_USER_INPUT', 'not valid base64'],
      [{ bank: 'ext', keys: good, values: good, dtype: 'F32', tokens: 3, tokenTexts: ['a'] }, 'BAD_USER_INPUT', 'tokenTexts has 1'],
      [{ bank: 'ext', keys: good, values: good, dtype: 'F32', tokens: 0 }, 'BAD_USER_INPUT', 'tokens must be'],
      [{ bank: 'p-F32', keys: good, values: good, dtype: 'F32', tokens: 3 }, 'BAD_USER_INPUT', 'writeMemory'],
      [{ bank: 'gone', keys: good, values: good, dtype: 'F32', tokens: 3 }, 'NOT_FOUND', '"gone"'],
      [{ bank: 'ext', keys: base64Of(Float32Array.from({ length: 24 }, (_, i) => (i === 7 ? NaN : 0))), values: good, dtype: 'F32', tokens: 3 }, 'BAD_USER_INPUT', 'element 7'],
    ];
    for (const [input, code, fragment] of cases) {
      const result = await h.execute(query, { input });
      expect(result.errors?.[0].extensions?.code, JSON.stringify(input).slice(0, 80)).toBe(code);
      expect(result.errors?.[0].message).toContain(fragment);
    }
    const textInExternal = await h.execute('mutation { writeMemory(input: {bank: "ext", text: "copper"}) { id } }');
    expect(textInExternal.errors?.[0].message).toContain('writeMemoryKV');
    const after = await h.execute('{ memoryBank(name: "ext") { stats { memories } } }');
    expect(after.data!.memoryBank.stats.memories).toBe(before.data!.memoryBank.stats.memories);
  });

  it('createMemoryBank validates each field', async () => {
    const cases: [string, string, string][] = [
      ['heads: 0', 'BAD_USER_INPUT', 'heads must be'],
      ['headDim: 100000', 'LIMIT_EXCEEDED', 'SCIFED_MEMORY_MAX_HEAD_DIM'],
      ['tokensPerHead: 129', 'BAD_USER_INPUT', 'tokensPerHead is 129'],
      ['decayHalfLife: -1', 'BAD_USER_INPUT', 'decayHalfLife'],
    ];
    for (const [field, code, fragment] of cases) {
      const result = await h.execute(`mutation { createMemoryBank(input: {name: "v", ${field}}) { name } }`);
      expect(result.errors?.[0].extensions?.code, field).toBe(code);
      expect(result.errors?.[0].message).toContain(fragment);
    }
  });
});
