import type { Token } from './tokenize.js';

/**
 * The built-in text encoder: deterministic hashed features, no trained
 * weights. For token p and head h (dimension headDim = d):
 *
 * - key k_{p,h}: signed feature hashing (Weinberger et al. 2009) of the
 *   lower-cased token itself (weight 1) and of each neighbour at offset
 *   o, 1 ≤ |o| ≤ r_h, as the feature "o:token" (weight 1/(1+|o|)); the
 *   context radius r_h = h mod 4 gives heads of different reach. The vector
 *   is scaled to norm √(β·√d) with β = KEY_SHARPNESS, so q·k/√d = β·cos(q, k)
 *   between two encoded vectors.
 * - value v_{p,h}: signed feature hashing of the lower-cased token alone,
 *   with a per-head seed, at unit norm; a readout is therefore a weighted bag
 *   of the attended words.
 *
 * Each feature f of head h goes to slot hash("h|f") mod d with sign from
 * hash("s|h|f"), where hash is 32-bit FNV-1a over UTF-16 code units.
 */
export const KEY_SHARPNESS = 8;

/** Largest context radius of a head (r_h = h mod (MAX_RADIUS + 1)). */
const MAX_RADIUS = 3;

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function addFeature(target: Float32Array, offset: number, dim: number, key: string, weight: number): void {
  const slot = fnv1a(key) % dim;
  const sign = fnv1a(`s|${key}`) & 1 ? 1 : -1;
  target[offset + slot] += sign * weight;
}

function scaleTo(target: Float32Array, offset: number, dim: number, norm: number): void {
  let sum = 0;
  for (let i = 0; i < dim; i++) sum += target[offset + i] ** 2;
  if (sum === 0) return;
  const factor = norm / Math.sqrt(sum);
  for (let i = 0; i < dim; i++) target[offset + i] *= factor;
}

/** Norm of every built-in key and query: √(β·√d). */
export function keyNorm(headDim: number): number {
  return Math.sqrt(KEY_SHARPNESS * Math.sqrt(headDim));
}

export interface EncodedTokens {
  /** tokens × heads × headDim, f32. */
  keys: Float32Array;
  /** tokens × heads × headDim, f32. */
  values: Float32Array;
}

/** Encodes tokens into keys and values, laid out tokens × heads × headDim. */
export function encodeTokens(tokens: readonly Token[], heads: number, headDim: number): EncodedTokens {
  const words = tokens.map((t) => t.text.toLowerCase());
  const keys = new Float32Array(words.length * heads * headDim);
  const values = new Float32Array(words.length * heads * headDim);
  const norm = keyNorm(headDim);
  for (let p = 0; p < words.length; p++) {
    for (let h = 0; h < heads; h++) {
      const offset = (p * heads + h) * headDim;
      const radius = h % (MAX_RADIUS + 1);
      addFeature(keys, offset, headDim, `${h}|${words[p]}`, 1);
      for (let o = -radius; o <= radius; o++) {
        const neighbour = words[p + o];
        if (o === 0 || neighbour === undefined) continue;
        addFeature(keys, offset, headDim, `${h}|${o}:${neighbour}`, 1 / (1 + Math.abs(o)));
      }
      scaleTo(keys, offset, headDim, norm);

      addFeature(values, offset, headDim, `v${h}|${words[p]}`, 1);
      scaleTo(values, offset, headDim, 1);
    }
  }
  return { keys, values };
}

/**
 * Per-head mean of the keys of all tokens, laid out heads × headDim. With
 * `norm` the mean of each head is scaled to that norm (queries for
 * attention); without, the concatenation is scaled to unit length (the
 * memory-level retrieval vector).
 */
export function meanKeys(keys: Float32Array, tokens: number, heads: number, headDim: number, norm?: number): Float32Array {
  const mean = new Float32Array(heads * headDim);
  for (let p = 0; p < tokens; p++) {
    for (let i = 0; i < heads * headDim; i++) mean[i] += keys[p * heads * headDim + i];
  }
  if (norm !== undefined) {
    for (let h = 0; h < heads; h++) scaleTo(mean, h * headDim, headDim, norm);
  } else {
    scaleTo(mean, 0, heads * headDim, 1);
  }
  return mean;
}
