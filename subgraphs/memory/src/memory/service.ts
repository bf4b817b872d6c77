import { InputError } from '@scifed/schema';

import type { MemoryLimits } from '../limits.js';
import type { BankRecord, MemoryRecord, MemoryStore, NewMemory } from '../store.js';
import { MAX_CHUNK_TOKENS, resolveBankConfig, type BankRequest } from './bank.js';
import { encodeTokens } from './encoder.js';
import { sparsify } from './kv.js';
import { formulasOfTags } from './tags.js';
import { decodedLength, decodeTensor, type TensorDType } from './tensors.js';
import { chunkText, type Token } from './tokenize.js';

export interface TextWrite {
  bank: string;
  text: string;
  tags?: string[] | null;
  source?: string | null;
}

export interface TensorWrite {
  bank: string;
  /** Base64 little-endian, tokens × heads × headDim. */
  keys: string;
  values: string;
  dtype: TensorDType;
  tokens: number;
  tokenTexts?: string[] | null;
  tags?: string[] | null;
  source?: string | null;
}

/** The memory domain: banks, writes, feedback and recall. Knows no GraphQL. */
export class MemoryService {
  constructor(
    readonly store: MemoryStore,
    readonly limits: MemoryLimits,
  ) {}

  async createBank(request: BankRequest): Promise<BankRecord> {
    const config = resolveBankConfig(request, this.limits);
    const bank = await this.store.insertBank(config);
    if (!bank) {
      throw new InputError(`A memory bank named ${JSON.stringify(config.name)} already exists; choose another name.`);
    }
    return bank;
  }

  /** Returns the bank or throws NOT_FOUND naming it. */
  async requireBank(name: string): Promise<BankRecord> {
    const [bank] = await this.store.banksByNames([name]);
    if (!bank) {
      throw new InputError(`Memory bank ${JSON.stringify(name)} was not found; create it with createMemoryBank first.`, 'NOT_FOUND');
    }
    return bank;
  }

  /** Splits text into chunks of at most 128 tokens and stores one memory per chunk, all or nothing. */
  async writeText(request: TextWrite): Promise<MemoryRecord[]> {
    const bytes = Buffer.byteLength(request.text, 'utf8');
    if (bytes > this.limits.maxTextBytes) {
      throw new InputError(
        `text is ${bytes} bytes, above the limit of ${this.limits.maxTextBytes} (SCIFED_MEMORY_MAX_TEXT_BYTES); split it into several writes.`,
        'PAYLOAD_TOO_LARGE',
      );
    }
    const tags = this.checkTags(request.tags ?? []);
    const bank = await this.requireBank(request.bank);
    const chunks = chunkText(request.text, MAX_CHUNK_TOKENS);
    if (chunks.length === 0) {
      throw new InputError('text is empty or only whitespace; pass text with at least one word.');
    }

    if (bank.encoder !== 'BUILTIN_TEXT') {
      throw new InputError(
        `Memory bank ${JSON.stringify(bank.name)} uses the ${bank.encoder} encoder, so its keys come from your model; write with writeMemoryKV.`,
      );
    }

    const formulas = formulasOfTags(tags);
    const memories: NewMemory[] = chunks.map((chunk) => {
      const { keys, values } = encodeTokens(chunk.tokens, bank.heads, bank.headDim);
      const dense = { keys, values, tokens: chunk.tokens.length, heads: bank.heads, headDim: bank.headDim };
      const kv = sparsify(dense, bank.tokensPerHead, bank.precision, (position) => ({ position, ...chunk.tokens[position] }));
      return {
        text: chunk.text,
        source: request.source ?? null,
        tags,
        formulas,
        chunkIndex: chunk.index,
        start: chunk.start,
        end: chunk.end,
        tokenCount: chunk.tokens.length,
        keptTokens: kv.keptTokens,
        bytes: kv.bytes,
        denseBytes: kv.denseBytes,
        kv,
      };
    });
    return this.store.db.transaction((tx) => this.store.insertMemories(tx, bank.name, memories));
  }

  /** Stores one memory from a model's own keys and values (tokens × heads × headDim), all or nothing. */
  async writeTensors(request: TensorWrite): Promise<MemoryRecord> {
    const tensorBytes = decodedLength(request.keys) + decodedLength(request.values);
    if (tensorBytes > this.limits.maxTensorBytes) {
      throw new InputError(
        `keys and values decode to about ${tensorBytes} bytes, above the limit of ${this.limits.maxTensorBytes} (SCIFED_MEMORY_MAX_TENSOR_BYTES); write fewer tokens per memory.`,
        'PAYLOAD_TOO_LARGE',
      );
    }
    const tags = this.checkTags(request.tags ?? []);
    const bank = await this.requireBank(request.bank);
    if (bank.encoder !== 'EXTERNAL') {
      throw new InputError(
        `Memory bank ${JSON.stringify(bank.name)} uses the ${bank.encoder} encoder, so its keys come from text; write with writeMemory, or create a bank with encoder: EXTERNAL.`,
      );
    }
    const { tokens } = request;
    if (!Number.isInteger(tokens) || tokens < 1 || tokens > MAX_CHUNK_TOKENS) {
      throw new InputError(`tokens must be an integer from 1 to ${MAX_CHUNK_TOKENS} (one memory is one chunk), got ${tokens}.`);
    }
    if (request.tokenTexts && request.tokenTexts.length !== tokens) {
      throw new InputError(`tokenTexts has ${request.tokenTexts.length} entries but tokens is ${tokens}; pass one text per token.`);
    }

    const count = tokens * bank.heads * bank.headDim;
    const shape = `tokens ${tokens} × heads ${bank.heads} × headDim ${bank.headDim}`;
    const keys = decodeTensor('keys', request.keys, request.dtype, count, shape);
    const values = decodeTensor('values', request.values, request.dtype, count, shape);

    // Token offsets point into the memory text, the concatenation of tokenTexts.
    const texts = request.tokenTexts ?? null;
    const spans: Token[] = [];
    let offset = 0;
    for (const text of texts ?? []) {
      spans.push({ text, start: offset, end: offset + text.length });
      offset += text.length;
    }
    const tokenAt = (position: number) =>
      texts ? { position, ...spans[position] } : { position, text: null, start: null, end: null };
    const kv = sparsify({ keys, values, tokens, heads: bank.heads, headDim: bank.headDim }, bank.tokensPerHead, bank.precision, tokenAt);
    const text = texts ? texts.join('') : '';
    const memory: NewMemory = {
      text,
      source: request.source ?? null,
      tags,
      formulas: formulasOfTags(tags),
      chunkIndex: 0,
      start: 0,
      end: text.length,
      tokenCount: tokens,
      keptTokens: kv.keptTokens,
      bytes: kv.bytes,
      denseBytes: kv.denseBytes,
      kv,
    };
    const [record] = await this.store.db.transaction((tx) => this.store.insertMemories(tx, bank.name, [memory]));
    return record;
  }

  private checkTags(tags: readonly string[]): string[] {
    if (tags.length > this.limits.maxTags) {
      throw new InputError(
        `tags has ${tags.length} entries, above the limit of ${this.limits.maxTags} (SCIFED_MEMORY_MAX_TAGS); pass fewer tags.`,
        'LIMIT_EXCEEDED',
      );
    }
    tags.forEach((tag, i) => {
      if (tag.trim() === '') throw new InputError(`tags[${i}] is empty; every tag needs at least one non-space character.`);
    });
    return [...new Set(tags)];
  }
}
