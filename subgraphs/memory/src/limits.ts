/** Configurable limits of the memory subgraph, read from SCIFED_MEMORY_* variables (listed in README.md). */
export interface MemoryLimits {
  /** SCIFED_MEMORY_MAX_TEXT_BYTES: UTF-8 bytes of text in one writeMemory or recall. */
  maxTextBytes: number;
  /** SCIFED_MEMORY_MAX_TENSOR_BYTES: decoded bytes of keys plus values in one writeMemoryKV. */
  maxTensorBytes: number;
  /** SCIFED_MEMORY_MAX_TAGS: tags on one memory. */
  maxTags: number;
  /** SCIFED_MEMORY_MAX_HEADS: attention heads of a bank. */
  maxHeads: number;
  /** SCIFED_MEMORY_MAX_HEAD_DIM: dimensions per head of a bank. */
  maxHeadDim: number;
  /** SCIFED_MEMORY_MAX_RECALL: memories one recall may retrieve. */
  maxRecallMemories: number;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}.`);
  }
  return value;
}

export function limitsFromEnv(env = process.env): MemoryLimits {
  return {
    maxTextBytes: positiveInteger(env, 'SCIFED_MEMORY_MAX_TEXT_BYTES', 1 << 20),
    maxTensorBytes: positiveInteger(env, 'SCIFED_MEMORY_MAX_TENSOR_BYTES', 16 << 20),
    maxTags: positiveInteger(env, 'SCIFED_MEMORY_MAX_TAGS', 64),
    maxHeads: positiveInteger(env, 'SCIFED_MEMORY_MAX_HEADS', 64),
    maxHeadDim: positiveInteger(env, 'SCIFED_MEMORY_MAX_HEAD_DIM', 512),
    maxRecallMemories: positiveInteger(env, 'SCIFED_MEMORY_MAX_RECALL', 64),
  };
}
