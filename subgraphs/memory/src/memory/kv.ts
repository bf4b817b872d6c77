import { encodeHalf, quantizeInt8, rankByReceivedAttention } from '@scifed/compute';

import type { KeptToken, StoredKV } from '../store.js';
import type { Precision } from './bank.js';
import { meanKeys } from './encoder.js';

/**
 * Sparse key-value storage of one memory.
 *
 * Every head keeps the same number of slots, slots = min(tokensPerHead,
 * tokens). Slot s of head h holds the s-th most attended token of that head
 * (ranked by the attention it receives within the chunk, see
 * rankByReceivedAttention in @scifed/compute). Arrays are slot-major:
 *
 *   positions  int32  slots × heads           chunk position of (slot, head)
 *   keys       prec   slots × heads × headDim
 *   values     prec   slots × heads × headDim
 *   scales     f32    2 × slots × heads       INT8 only: key scales, then value scales
 *
 * so the slots of several memories concatenate into the tokens × heads × dim
 * layout the sparse-attention kernel reads, with "token" meaning a slot.
 * F32 is little-endian float32, F16 IEEE binary16 bits, INT8 symmetric
 * int8 where element e of (slot, head) represents scale × e and
 * scale = max|x| / 127 over that head's vector.
 */
export interface DenseKV {
  /** tokens × heads × headDim, f32. */
  keys: Float32Array;
  /** tokens × heads × headDim, f32. */
  values: Float32Array;
  tokens: number;
  heads: number;
  headDim: number;
}

export interface SparseKV extends StoredKV {
  keptTokens: number;
  bytes: number;
  denseBytes: number;
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** Encodes f32 vectors at a precision; INT8 returns one scale per vector of `dim`. */
function encodeAt(precision: Precision, data: Float32Array, dim: number): { bytes: Uint8Array; scales: Float32Array } {
  if (precision === 'F32') return { bytes: bytesOf(data), scales: new Float32Array(0) };
  if (precision === 'F16') return { bytes: bytesOf(encodeHalf(data)), scales: new Float32Array(0) };
  const { values, scales } = quantizeInt8(data, dim);
  return { bytes: bytesOf(values), scales };
}

/**
 * Keeps the `tokensPerHead` most attended tokens of each head, stores their
 * keys and values at `precision`, and computes the memory-level vector (the
 * unit-length concatenation of per-head mean keys over all tokens).
 * `tokenAt` gives the text and offsets of a chunk position.
 */
export function sparsify(dense: DenseKV, tokensPerHead: number, precision: Precision, tokenAt: (position: number) => KeptToken): SparseKV {
  const { tokens, heads, headDim } = dense;
  const ranking = rankByReceivedAttention({ keys: dense.keys, tokens, heads, dim: headDim, keep: tokensPerHead });
  const slots = ranking.kept;

  const positions = new Int32Array(slots * heads);
  const keptKeys = new Float32Array(slots * heads * headDim);
  const keptValues = new Float32Array(slots * heads * headDim);
  for (let s = 0; s < slots; s++) {
    for (let h = 0; h < heads; h++) {
      const position = ranking.indices[h * slots + s];
      positions[s * heads + h] = position;
      const from = (position * heads + h) * headDim;
      const to = (s * heads + h) * headDim;
      keptKeys.set(dense.keys.subarray(from, from + headDim), to);
      keptValues.set(dense.values.subarray(from, from + headDim), to);
    }
  }

  const keys = encodeAt(precision, keptKeys, headDim);
  const values = encodeAt(precision, keptValues, headDim);
  const scales = new Float32Array(keys.scales.length + values.scales.length);
  scales.set(keys.scales);
  scales.set(values.scales, keys.scales.length);

  const distinct = [...new Set(positions)].sort((a, b) => a - b);
  const stored: StoredKV = {
    slots,
    positions,
    keys: keys.bytes,
    values: values.bytes,
    scales: bytesOf(scales),
    vector: meanKeys(dense.keys, tokens, heads, headDim),
    tokens: distinct.map(tokenAt),
  };
  return {
    ...stored,
    keptTokens: slots * heads,
    bytes: stored.keys.byteLength + stored.values.byteLength + stored.scales.byteLength + positions.byteLength,
    denseBytes: tokens * heads * headDim * 2 * Float32Array.BYTES_PER_ELEMENT,
  };
}

/** Typed storage as the sparse-attention kernel reads it: f32, f16 bits or int8 with scales. */
export interface KernelStorage {
  keys: Float32Array | Uint16Array | Int8Array;
  values: Float32Array | Uint16Array | Int8Array;
  /** tokens × heads; INT8 only. */
  keyScales?: Float32Array;
  valueScales?: Float32Array;
  /** Slots in total, the kernel's token count. */
  tokens: number;
}

function typedAt(precision: Precision, bytes: Uint8Array): Float32Array | Uint16Array | Int8Array {
  const copy = Uint8Array.from(bytes).buffer;
  if (precision === 'F32') return new Float32Array(copy);
  if (precision === 'F16') return new Uint16Array(copy);
  return new Int8Array(copy);
}

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/** Concatenates the slots of several memories of one bank into one kernel input. */
export function concatStorage(kvs: readonly StoredKV[], precision: Precision, heads: number): KernelStorage {
  const tokens = kvs.reduce((n, kv) => n + kv.slots, 0);
  const storage: KernelStorage = {
    keys: typedAt(precision, concatBytes(kvs.map((kv) => kv.keys))),
    values: typedAt(precision, concatBytes(kvs.map((kv) => kv.values))),
    tokens,
  };
  if (precision === 'INT8') {
    const keyScales = new Float32Array(tokens * heads);
    const valueScales = new Float32Array(tokens * heads);
    let offset = 0;
    for (const kv of kvs) {
      const scales = new Float32Array(Uint8Array.from(kv.scales).buffer);
      const count = kv.slots * heads;
      keyScales.set(scales.subarray(0, count), offset);
      valueScales.set(scales.subarray(count, 2 * count), offset);
      offset += count;
    }
    storage.keyScales = keyScales;
    storage.valueScales = valueScales;
  }
  return storage;
}
