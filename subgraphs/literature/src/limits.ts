import { MAX_TOP_K } from '@scifed/compute';

/** Configurable limits of the literature subgraph (listed in its README). */
export interface LiteratureLimits {
  /** SCIFED_LITERATURE_MAX_CONTENT_BYTES: UTF-8 bytes of one `ingestPapers` content string. */
  maxContentBytes: number;
  /** SCIFED_LITERATURE_MAX_BATCH: papers in one `ingestPapers` call. */
  maxBatchPapers: number;
  /** SCIFED_LITERATURE_MAX_PAPER_CHARS: characters of one paper's title plus abstract. */
  maxPaperChars: number;
  /** SCIFED_LITERATURE_MAX_QUERY_CHARS: characters of a search query or question. */
  maxQueryChars: number;
  /** SCIFED_LITERATURE_MAX_SEARCH_DEPTH: largest `offset + first` a search serves (at most 1024, the kernel's top-k limit). */
  maxSearchDepth: number;
}

export function limitsFromEnv(env = process.env): LiteratureLimits {
  return {
    maxContentBytes: Number(env.SCIFED_LITERATURE_MAX_CONTENT_BYTES ?? 64 * 2 ** 20),
    maxBatchPapers: Number(env.SCIFED_LITERATURE_MAX_BATCH ?? 50_000),
    maxPaperChars: Number(env.SCIFED_LITERATURE_MAX_PAPER_CHARS ?? 1_000_000),
    maxQueryChars: Number(env.SCIFED_LITERATURE_MAX_QUERY_CHARS ?? 2_000),
    maxSearchDepth: Math.min(Number(env.SCIFED_LITERATURE_MAX_SEARCH_DEPTH ?? 1000), MAX_TOP_K),
  };
}
