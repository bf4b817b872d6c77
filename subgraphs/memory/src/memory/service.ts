import { InputError } from '@scifed/schema';

import type { MemoryLimits } from '../limits.js';
import type { BankRecord, MemoryRecord, MemoryStore, NewMemory } from '../store.js';
import { MAX_CHUNK_TOKENS, resolveBankConfig, type BankRequest } from './bank.js';
import { encodeTokens } from './encoder.js';
import { sparsify } from './kv.js';
import { formulasOfTags } from './tags.js';
import { priorOf, readMemories, recallQueries, type RecallRequest, type RecallResult } from './recall.js';
import { BankIndex } from './retrieval.js';
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
  /** Retrieval indexes by bank name, loaded on first recall. */
  private readonly indexes = new Map<string, Promise<BankIndex>>();

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
  writeText(request: TextWrite): Promise<MemoryRecord[]> {
    return this.writeTexts(request.bank, [request]);
  }

  /**
   * Writes several texts to one bank in one transaction (bulk loading);
   * returns the memories of all texts in order, all or nothing.
   */
  async writeTexts(bankName: string, requests: readonly Omit<TextWrite, 'bank'>[]): Promise<MemoryRecord[]> {
    const bytes = requests.reduce((n, r) => n + Buffer.byteLength(r.text, 'utf8'), 0);
    if (bytes > this.limits.maxTextBytes) {
      throw new InputError(
        `text is ${bytes} bytes, above the limit of ${this.limits.maxTextBytes} (SCIFED_MEMORY_MAX_TEXT_BYTES); split it into several writes.`,
        'PAYLOAD_TOO_LARGE',
      );
    }
    const tagLists = requests.map((r) => this.checkTags(r.tags ?? []));
    const bank = await this.requireBank(bankName);
    if (bank.encoder !== 'BUILTIN_TEXT') {
      throw new InputError(
        `Memory bank ${JSON.stringify(bank.name)} uses the ${bank.encoder} encoder, so its keys come from your model; write with writeMemoryKV.`,
      );
    }

    const memories: NewMemory[] = [];
    requests.forEach((request, r) => {
      const chunks = chunkText(request.text, MAX_CHUNK_TOKENS);
      if (chunks.length === 0) {
        throw new InputError('text is empty or only whitespace; pass text with at least one word.');
      }
      const tags = tagLists[r];
      const formulas = formulasOfTags(tags);
      for (const chunk of chunks) {
        const { keys, values } = encodeTokens(chunk.tokens, bank.heads, bank.headDim);
        const dense = { keys, values, tokens: chunk.tokens.length, heads: bank.heads, headDim: bank.headDim };
        const kv = sparsify(dense, bank.tokensPerHead, bank.precision, (position) => ({ position, ...chunk.tokens[position] }));
        memories.push({
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
        });
      }
    });
    const records = await this.store.db.transaction((tx) => this.store.insertMemories(tx, bank.name, memories));
    await this.indexWritten(bank, records, memories);
    return records;
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
    await this.indexWritten(bank, [record], [memory]);
    return record;
  }

  /** Deletes a memory; the next recall no longer sees it. Throws NOT_FOUND for an unknown id. */
  async forget(id: string): Promise<MemoryRecord> {
    const record = await this.store.deleteMemory(id);
    if (!record) throw new InputError(`Memory ${JSON.stringify(id)} was not found; pass the id of a stored memory.`, 'NOT_FOUND');
    const index = this.indexes.get(record.bank);
    if (index) (await index).remove(id);
    return record;
  }

  /**
   * Adds `delta` to a memory's retrieval prior (after decaying the current
   * value to now when the bank has a half-life). Throws NOT_FOUND for an unknown id.
   */
  async reinforce(id: string, delta: number): Promise<MemoryRecord> {
    if (!Number.isFinite(delta)) throw new InputError(`delta must be a finite number, got ${delta}.`);
    const [memory] = await this.store.memoriesByIds([id]);
    if (!memory) throw new InputError(`Memory ${JSON.stringify(id)} was not found; pass the id of a stored memory.`, 'NOT_FOUND');
    const bank = await this.requireBank(memory.bank);
    const now = Date.now() / 1000;
    const updated = await this.store.setReinforcement(id, priorOf(memory, bank, now) + delta, now);
    return updated!;
  }

  /** Retrieves the best memories of a bank for a query and reads them by sparse attention. */
  async recall(request: RecallRequest): Promise<RecallResult> {
    const textBytes = Buffer.byteLength(request.text ?? '', 'utf8');
    if (textBytes > this.limits.maxTextBytes) {
      throw new InputError(
        `text is ${textBytes} bytes, above the limit of ${this.limits.maxTextBytes} (SCIFED_MEMORY_MAX_TEXT_BYTES); shorten the query.`,
        'PAYLOAD_TOO_LARGE',
      );
    }
    if (!Number.isInteger(request.memories) || request.memories < 1) {
      throw new InputError(`memories must be a positive integer, got ${request.memories}.`);
    }
    if (request.memories > this.limits.maxRecallMemories) {
      throw new InputError(
        `memories is ${request.memories}, above the limit of ${this.limits.maxRecallMemories} (SCIFED_MEMORY_MAX_RECALL); ask for fewer memories.`,
        'LIMIT_EXCEEDED',
      );
    }
    if (!Number.isInteger(request.tokensPerHead) || request.tokensPerHead < 1 || request.tokensPerHead > 1024) {
      throw new InputError(`tokensPerHead must be an integer from 1 to 1024, got ${request.tokensPerHead}.`);
    }
    const bank = await this.requireBank(request.bank);
    const { queries, retrieval } = recallQueries(bank, request);

    // Every memory with a non-zero prior is scored beside the top
    // (memories + reinforced) by similarity. A memory outside both has prior
    // 0 and a similarity no higher than at least `memories` of the unreinforced
    // ones among the top, so the final top `memories` is exact.
    const now = Date.now() / 1000;
    const reinforced = await this.store.reinforcedMemories(bank.name);
    const priors = new Map(reinforced.map((m) => [m.id, priorOf(m, bank, now)]));
    const index = await this.indexOf(bank);
    const { similarity } = await index.similarities(retrieval, request.memories + reinforced.length, [...priors.keys()]);
    const ranked = [...similarity.entries()]
      .map(([id, sim]) => ({ id, similarity: sim, prior: priors.get(id) ?? 0, score: sim + (priors.get(id) ?? 0) }))
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
      .slice(0, request.memories);
    if (ranked.length === 0) {
      return { memories: [], tokens: [], readout: Array.from({ length: bank.heads }, () => new Array(bank.headDim).fill(0)), backend: null };
    }

    const ids = ranked.map((r) => r.id);
    const [records, kvs] = await Promise.all([this.store.memoriesByIds(ids), this.store.kvByIds(ids)]);
    const chosen = ranked.map((r, i) => ({ ...r, memory: records[i]!, kv: kvs[i]! })).filter((c) => c.memory && c.kv);
    const read = await readMemories(bank, queries, chosen, request.tokensPerHead);
    return { memories: chosen.map(({ memory, score, similarity: sim, prior }) => ({ memory, score, similarity: sim, prior })), ...read };
  }

  private indexOf(bank: BankRecord): Promise<BankIndex> {
    let index = this.indexes.get(bank.name);
    if (!index) {
      index = this.store.bankVectors(bank.name).then((rows) => {
        const built = new BankIndex(bank.heads * bank.headDim);
        for (const row of rows) built.add(row.id, row.vector);
        return built;
      });
      this.indexes.set(bank.name, index);
    }
    return index;
  }

  /** Adds newly stored memories to a loaded index; an index not yet loaded reads them from the store later. */
  private async indexWritten(bank: BankRecord, records: readonly MemoryRecord[], written: readonly NewMemory[]): Promise<void> {
    const index = this.indexes.get(bank.name);
    if (!index) return;
    const loaded = await index;
    records.forEach((record, i) => {
      const vector = written[i].kv?.vector;
      if (vector) loaded.add(record.id, vector);
    });
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
