import type { Backend, BackendChoice } from '../backend.js';

/**
 * Storage of keys or values: f32, IEEE half-precision bits in a Uint16Array,
 * or int8 with one f32 scale per (token, head) so element e represents
 * scale × e.
 */
export type TokenStorage = Float32Array | Uint16Array | Int8Array;

export interface SparseAttentionOptions {
  /** heads × dim, f32. */
  queries: Float32Array;
  /** tokens × heads × dim: token j's key for head h starts at (j · heads + h) · dim. */
  keys: TokenStorage;
  /** tokens × heads, required when keys is an Int8Array. */
  keyScales?: Float32Array;
  /** tokens × heads × dim, same layout as keys; the storage type may differ from the keys'. */
  values: TokenStorage;
  /** tokens × heads, required when values is an Int8Array. */
  valueScales?: Float32Array;
  tokens: number;
  heads: number;
  dim: number;
  /** Keys selected per head, 1 ≤ topK ≤ 1024. May exceed tokens; the surplus slots are padded. */
  topK: number;
  /**
   * Keys scoring below this (q·k/√dim) are never selected; a head whose keys
   * all score below it is empty. Default −∞, so every token can be selected.
   */
  minScore?: number;
  backend?: BackendChoice;
}

export interface SparseAttentionResult {
  /** heads × topK token ids, best score first (ties by lower id); −1 pads unused slots. */
  indices: Int32Array;
  /** heads × topK scores q·k/√dim of the selected keys; 0 in padded slots. */
  scores: Float32Array;
  /** heads × topK softmax weights over the selected keys only; 0 in padded slots. */
  weights: Float32Array;
  /** heads × dim: Σ weight · value per head, zeros for an empty head. */
  readout: Float32Array;
  /** Keys selected per head (≤ topK). */
  selected: Int32Array;
  backend: Backend;
}

export type StorageKind = 'f32' | 'f16' | 'i8';

/** A validated attention problem, as every backend receives it. */
export interface AttentionProblem {
  queries: Float32Array;
  keys: TokenStorage;
  keyKind: StorageKind;
  keyScales?: Float32Array;
  values: TokenStorage;
  valueKind: StorageKind;
  valueScales?: Float32Array;
  tokens: number;
  heads: number;
  dim: number;
  topK: number;
  minScore: number;
}

/** Selection of one call: ids and scores heads × topK (−1 and 0 past `selected[h]`). */
export interface AttentionSelection {
  indices: Int32Array;
  scores: Float32Array;
  selected: Int32Array;
}

export function storageKind(array: TokenStorage): StorageKind {
  return array instanceof Float32Array ? 'f32' : array instanceof Uint16Array ? 'f16' : 'i8';
}
