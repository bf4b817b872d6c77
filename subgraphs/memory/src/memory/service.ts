import { InputError } from '@scifed/schema';

import type { MemoryLimits } from '../limits.js';
import type { BankRecord, MemoryRecord, MemoryStore, NewMemory } from '../store.js';
import { MAX_CHUNK_TOKENS, resolveBankConfig, type BankRequest } from './bank.js';
import { formulasOfTags } from './tags.js';
import { chunkText } from './tokenize.js';

export interface TextWrite {
  bank: string;
  text: string;
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

    const formulas = formulasOfTags(tags);
    const memories: NewMemory[] = chunks.map((chunk) => ({
      text: chunk.text,
      source: request.source ?? null,
      tags,
      formulas,
      chunkIndex: chunk.index,
      start: chunk.start,
      end: chunk.end,
      tokenCount: chunk.tokens.length,
      keptTokens: 0,
      bytes: 0,
      denseBytes: 0,
      kv: null,
    }));
    return this.store.db.transaction((tx) => this.store.insertMemories(tx, bank.name, memories));
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
