import { sparseAttention, type Backend } from '@scifed/compute';
import { InputError } from '@scifed/schema';

import type { BankRecord, KeptToken, MemoryRecord, StoredKV } from '../store.js';
import { encodeTokens, keyNorm, meanKeys } from './encoder.js';
import { concatStorage } from './kv.js';
import { decodeTensor } from './tensors.js';
import { tokenize } from './tokenize.js';

/**
 * Recall: retrieve memories by their memory-level vectors, then read them by
 * sparse attention over their kept tokens.
 *
 * Retrieval score of memory m: cos(r, m) + prior(m), where r is the
 * query's retrieval vector (unit concatenation of the per-head queries, or
 * of the per-head mean keys of the query text) and prior(m) is its
 * reinforcement decayed by 2^(−age / decayHalfLife) when the bank sets a
 * half-life. Reading: per head h, score_j = q_h · k_{j,h} / √headDim over
 * the kept slots of the retrieved memories, the `tokensPerHead` best are
 * selected, softmax runs over the selected only, and readout_h = Σ w_j v_{j,h}.
 */
export interface RecallRequest {
  bank: string;
  text?: string | null;
  /** Base64 little-endian float32, heads × headDim. */
  queries?: string | null;
  memories: number;
  tokensPerHead: number;
}

export interface RecalledMemory {
  memory: MemoryRecord;
  score: number;
  similarity: number;
  prior: number;
}

export interface EvidenceToken {
  memoryId: string;
  head: number;
  position: number;
  text: string | null;
  start: number | null;
  end: number | null;
  /** Softmax weight within the head, over the selected tokens. */
  weight: number;
  /** q · k / √headDim. */
  score: number;
}

export interface RecallResult {
  memories: RecalledMemory[];
  tokens: EvidenceToken[];
  /** heads × headDim. */
  readout: number[][];
  /** Backend of the attention kernel; null when nothing was retrieved. */
  backend: Backend | null;
}

/** Reinforcement of a memory at time `now` (epoch seconds) after the bank's decay. */
export function priorOf(memory: Pick<MemoryRecord, 'reinforcement' | 'reinforcedAt'>, bank: Pick<BankRecord, 'decayHalfLife'>, now: number): number {
  if (memory.reinforcement === 0 || bank.decayHalfLife === null || memory.reinforcedAt === null) return memory.reinforcement;
  const age = Math.max(0, now - memory.reinforcedAt);
  return memory.reinforcement * 2 ** (-age / bank.decayHalfLife);
}

/** Per-head attention queries (heads × headDim) and the unit retrieval vector of a recall. */
export function recallQueries(bank: BankRecord, request: Pick<RecallRequest, 'text' | 'queries'>): { queries: Float32Array; retrieval: Float32Array } {
  const { heads, headDim } = bank;
  if (request.queries) {
    const queries = decodeTensor('queries', request.queries, 'F32', heads * headDim, `heads ${heads} × headDim ${headDim}`);
    const retrieval = Float32Array.from(queries);
    const norm = Math.hypot(...retrieval);
    if (norm === 0) throw new InputError('queries is the zero vector; pass at least one non-zero component.');
    for (let i = 0; i < retrieval.length; i++) retrieval[i] /= norm;
    return { queries, retrieval };
  }
  if (bank.encoder !== 'BUILTIN_TEXT') {
    throw new InputError(`Memory bank ${JSON.stringify(bank.name)} uses the ${bank.encoder} encoder; pass queries (base64 float32, heads × headDim) instead of text.`);
  }
  const tokens = tokenize(request.text ?? '');
  if (tokens.length === 0) {
    throw new InputError('recall needs text with at least one word or queries; both are missing or empty.');
  }
  const { keys } = encodeTokens(tokens, heads, headDim);
  return {
    queries: meanKeys(keys, tokens.length, heads, headDim, keyNorm(headDim)),
    retrieval: meanKeys(keys, tokens.length, heads, headDim),
  };
}

/** Runs the sparse-attention read over the kept slots of `chosen` (in retrieval order) and maps slots back to tokens. */
export async function readMemories(
  bank: BankRecord,
  queries: Float32Array,
  chosen: readonly { memory: MemoryRecord; kv: StoredKV }[],
  tokensPerHead: number,
): Promise<Omit<RecallResult, 'memories'>> {
  const { heads, headDim } = bank;
  const storage = concatStorage(chosen.map((c) => c.kv), bank.precision, heads);
  const attention = await sparseAttention({
    queries,
    keys: storage.keys,
    values: storage.values,
    keyScales: storage.keyScales,
    valueScales: storage.valueScales,
    tokens: storage.tokens,
    heads,
    dim: headDim,
    topK: tokensPerHead,
  });

  // Slot g of the concatenation belongs to the memory whose slot range contains g.
  const firstSlot: number[] = [];
  let slots = 0;
  for (const c of chosen) {
    firstSlot.push(slots);
    slots += c.kv.slots;
  }
  const tokensOf = chosen.map((c) => new Map<number, KeptToken>(c.kv.tokens.map((t) => [t.position, t])));

  const tokens: EvidenceToken[] = [];
  for (let h = 0; h < heads; h++) {
    for (let s = 0; s < attention.selected[h]; s++) {
      const slot = attention.indices[h * tokensPerHead + s];
      let m = firstSlot.length - 1;
      while (firstSlot[m] > slot) m--;
      const { memory, kv } = chosen[m];
      const position = kv.positions[(slot - firstSlot[m]) * heads + h];
      const token = tokensOf[m].get(position);
      tokens.push({
        memoryId: memory.id,
        head: h,
        position,
        text: token?.text ?? null,
        start: token?.start ?? null,
        end: token?.end ?? null,
        weight: attention.weights[h * tokensPerHead + s],
        score: attention.scores[h * tokensPerHead + s],
      });
    }
  }
  const readout = Array.from({ length: heads }, (_, h) => Array.from(attention.readout.subarray(h * headDim, (h + 1) * headDim)));
  return { tokens, readout, backend: attention.backend };
}
