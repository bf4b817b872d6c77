import { randomFillSync } from 'node:crypto';

import { gpuContext, sparseAttention, type Backend, type SparseAttentionOptions, type TokenStorage } from '@scifed/compute';
import { stageSelection } from '../../../compute/src/attention/wasm.js';
import { validateAttention } from '../../../compute/src/attention/validate.js';
import { medianSeconds, type BenchSuite, type BenchTable } from '../report.js';
import { measuredBandwidth } from './bandwidth.js';

// Sparse attention of 8 heads over a memory of M tokens, dim 128, top-64:
// tokens per second and the key bandwidth achieved, per storage type and
// backend. Keys dominate the traffic: every key is scored, while only
// heads × 64 value rows are read.

const HEADS = 8;
const DIM = 128;
const TOP_K = 64;

function randomStorage(kind: 'f32' | 'f16' | 'i8', tokens: number): { data: TokenStorage; scales?: Float32Array } {
  const length = tokens * HEADS * DIM;
  if (kind === 'i8') {
    const data = new Int8Array(length);
    for (let offset = 0; offset < length; offset += 65536) randomFillSync(data.subarray(offset, offset + 65536));
    return { data, scales: new Float32Array(tokens * HEADS).fill(1 / 127) };
  }
  if (kind === 'f16') {
    const data = new Uint16Array(length);
    for (let offset = 0; offset < length; offset += 32768) randomFillSync(data.subarray(offset, offset + 32768));
    // Clearing bit 14 keeps the exponent at most 15, so every half is finite and below 2 in magnitude.
    for (let i = 0; i < length; i++) data[i] &= 0xbfff;
    return { data };
  }
  const data = new Float32Array(length);
  for (let i = 0; i < length; i++) data[i] = Math.random() * 2 - 1;
  return { data };
}

interface Case {
  kind: 'f32' | 'f16' | 'i8';
  tokens: number;
  backends: Backend[];
}

export const attentionSuite: BenchSuite = {
  name: 'attention',
  async run({ quick }): Promise<BenchTable[]> {
    const bandwidth = await measuredBandwidth(quick);
    const gpu = await gpuContext();
    const large = quick ? 65_536 : 1_048_576;
    const small = quick ? 16_384 : 65_536;
    // f32 keys for 1M tokens are 4 GiB, past the 4 GiB WebAssembly memory limit once queries and scratch are added.
    const cases: Case[] = [
      { kind: 'i8', tokens: large, backends: ['wasm'] },
      { kind: 'f16', tokens: large, backends: ['wasm'] },
      { kind: 'f32', tokens: quick ? 65_536 : 262_144, backends: ['wasm'] },
      { kind: 'i8', tokens: small, backends: ['reference', ...(gpu ? (['webgpu'] as Backend[]) : [])] },
      { kind: 'f16', tokens: small, backends: gpu ? ['webgpu'] : [] },
    ];
    const queries = Float32Array.from({ length: HEADS * DIM }, () => Math.random() * 2 - 1);

    const rows: (string | number)[][] = [];
    for (const { kind, tokens, backends } of cases) {
      if (backends.length === 0) continue;
      const keys = randomStorage(kind, tokens);
      // Values share the key storage: the readout reads only the selected rows, and sharing halves the memory.
      const options: SparseAttentionOptions = {
        queries, keys: keys.data, keyScales: keys.scales, values: keys.data, valueScales: keys.scales,
        tokens, heads: HEADS, dim: DIM, topK: TOP_K,
      };
      const keyBytes = keys.data.byteLength;
      for (const backend of backends) {
        const minSeconds = backend === 'wasm' ? 1 : 0;
        const seconds = await medianSeconds(() => sparseAttention({ ...options, backend }), minSeconds, 1);
        const achieved = keyBytes / seconds;
        rows.push([kind, tokens, backend, 'whole call', tokens / seconds, achieved / 1e9, achieved / bandwidth]);
      }
      if (backends.includes('wasm')) {
        const select = stageSelection(validateAttention(options));
        const seconds = await medianSeconds(select, 1, 3);
        const achieved = keyBytes / seconds;
        rows.push([kind, tokens, 'wasm', 'select kernel, keys resident', tokens / seconds, achieved / 1e9, achieved / bandwidth]);
      }
    }
    return [
      {
        title: `Sparse attention, ${HEADS} heads, dim ${DIM}, top-${TOP_K}`,
        columns: ['keys', 'tokens', 'backend', 'timed', 'tokens/s', 'key GB/s', '÷ measured bandwidth'],
        rows,
        notes: [
          `Measured single-core read bandwidth: ${(bandwidth / 1e9).toFixed(1)} GB/s (bandwidth suite); target above 0.3 of it.`,
          '"whole call" includes input validation, the copy of every key into WebAssembly memory or the GPU upload, selection, gathering the selected values and the readout. "select kernel" times only the scoring and top-k pass over keys already in WebAssembly memory.',
          'int8 keys are scored with int16-quantized queries (i32x4.dot_i16x8_s); f16 keys are decoded with integer shifts and one multiply per four lanes.',
          gpu ? `WebGPU adapter: ${gpu.adapterName}; measured on smaller memories because it emulates the GPU on the CPU.` : 'WebGPU: no adapter, not measured.',
        ],
      },
    ];
  },
};
