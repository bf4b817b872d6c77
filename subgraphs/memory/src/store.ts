import { randomUUID } from 'node:crypto';

import { BIGINT, BLOB, INTEGER, LIST, VARCHAR, blobValue, listValue, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { Database, type Transaction } from '@scifed/schema';

import type { BankConfig, Precision, EncoderKind } from './memory/bank.js';

export interface BankRecord extends BankConfig {
  createdAt: Date;
}

export interface BankStats {
  memories: number;
  /** (head, token) pairs kept across the bank's memories. */
  keptTokens: number;
  /** Stored bytes of kept keys, values, scales and positions. */
  bytes: number;
  /** Bytes the same memories would take densely: all tokens, all heads, keys and values in float32. */
  denseBytes: number;
}

/** One kept token of a memory: its position in the chunk and its text with offsets into the memory text. */
export interface KeptToken {
  position: number;
  text: string | null;
  start: number | null;
  end: number | null;
}

/** A memory's sparse key-value tensors as stored; see memory/kv.ts for the layout. */
export interface StoredKV {
  /** Kept slots per head (the same for every head). */
  slots: number;
  /** Chunk position of each kept (head, slot), heads × slots. */
  positions: Int32Array;
  keys: Uint8Array;
  values: Uint8Array;
  /** INT8 only: float32 scale per (head, slot) for keys, then for values; empty otherwise. */
  scales: Uint8Array;
  /** Memory-level vector for retrieval, float32, heads × headDim, unit length. */
  vector: Float32Array;
  tokens: KeptToken[];
}

export interface MemoryRecord {
  id: string;
  /** Insertion sequence number; the key of the memory-level vector in the retrieval index. */
  seq: number;
  bank: string;
  text: string;
  source: string | null;
  tags: string[];
  formulas: string[];
  chunkIndex: number;
  /** Offsets of `text` in the text of the write that created it (UTF-16 code units). */
  start: number;
  end: number;
  tokenCount: number;
  keptTokens: number;
  bytes: number;
  denseBytes: number;
  /** Reinforcement as of `reinforcedAt`, before time decay. */
  reinforcement: number;
  /** Seconds since the Unix epoch of the last reinforcement. */
  reinforcedAt: number | null;
  createdAt: Date;
}

export type NewMemory = Omit<MemoryRecord, 'id' | 'seq' | 'bank' | 'reinforcement' | 'reinforcedAt' | 'createdAt'> & {
  kv: StoredKV | null;
};

export interface Page {
  offset: number;
  limit: number;
}

const SCHEMA = `
CREATE SEQUENCE IF NOT EXISTS memory_seq START 1;
CREATE TABLE IF NOT EXISTS memory_banks (
  name VARCHAR PRIMARY KEY,
  heads INTEGER NOT NULL,
  head_dim INTEGER NOT NULL,
  tokens_per_head INTEGER NOT NULL,
  precision VARCHAR NOT NULL,
  encoder VARCHAR NOT NULL,
  decay_half_life DOUBLE,        -- seconds; NULL: no decay
  created_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS memories (
  id VARCHAR PRIMARY KEY,
  seq BIGINT NOT NULL DEFAULT nextval('memory_seq'),
  bank VARCHAR NOT NULL,
  text VARCHAR NOT NULL,
  source VARCHAR,
  tags VARCHAR[] NOT NULL,
  formulas VARCHAR[] NOT NULL,   -- reduced formulas of the tags that are formulas
  chunk_index INTEGER NOT NULL,
  chunk_start INTEGER NOT NULL,
  chunk_end INTEGER NOT NULL,
  token_count INTEGER NOT NULL,
  kept_tokens INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  dense_bytes BIGINT NOT NULL,
  reinforcement DOUBLE NOT NULL DEFAULT 0,
  reinforced_at DOUBLE,          -- seconds since the Unix epoch of the last reinforceMemory
  slots INTEGER,
  positions BLOB,                -- int32 LE, heads × slots
  keys BLOB,                     -- heads × slots × head_dim at the bank precision
  vals BLOB,
  scales BLOB,                   -- INT8 only: float32 LE, key scales then value scales
  vector BLOB,                   -- float32 LE, heads × head_dim
  token_positions INTEGER[],
  token_texts VARCHAR[],
  token_starts INTEGER[],
  token_ends INTEGER[],
  created_at TIMESTAMP NOT NULL
);
CREATE INDEX IF NOT EXISTS memories_bank ON memories (bank);
CREATE INDEX IF NOT EXISTS memories_source ON memories (source);
`;

const MEMORY_COLUMN_NAMES = [
  'id', 'seq', 'bank', 'text', 'source', 'tags', 'formulas', 'chunk_index', 'chunk_start', 'chunk_end', 'token_count',
  'kept_tokens', 'bytes', 'dense_bytes', 'reinforcement', 'reinforced_at', 'created_at',
];
const MEMORY_COLUMNS = MEMORY_COLUMN_NAMES.join(', ');

interface BankRow {
  name: string;
  heads: number;
  head_dim: number;
  tokens_per_head: number;
  precision: string;
  encoder: string;
  decay_half_life: number | null;
  created_at: Date;
}

interface MemoryRow {
  id: string;
  seq: bigint;
  bank: string;
  text: string;
  source: string | null;
  tags: string[];
  formulas: string[];
  chunk_index: number;
  chunk_start: number;
  chunk_end: number;
  token_count: number;
  kept_tokens: number;
  bytes: number;
  dense_bytes: bigint;
  reinforcement: number;
  reinforced_at: number | null;
  created_at: Date;
}

interface KVRow {
  id: string;
  slots: number;
  positions: Uint8Array;
  keys: Uint8Array;
  vals: Uint8Array;
  scales: Uint8Array;
  vector: Uint8Array;
  token_positions: number[];
  token_texts: (string | null)[] | null;
  token_starts: (number | null)[] | null;
  token_ends: (number | null)[] | null;
}

function toBank(row: BankRow): BankRecord {
  return {
    name: row.name,
    heads: row.heads,
    headDim: row.head_dim,
    tokensPerHead: row.tokens_per_head,
    precision: row.precision as Precision,
    encoder: row.encoder as EncoderKind,
    decayHalfLife: row.decay_half_life,
    createdAt: row.created_at,
  };
}

function toMemory(row: MemoryRow): MemoryRecord {
  return {
    id: row.id,
    seq: Number(row.seq),
    bank: row.bank,
    text: row.text,
    source: row.source,
    tags: row.tags,
    formulas: row.formulas,
    chunkIndex: row.chunk_index,
    start: row.chunk_start,
    end: row.chunk_end,
    tokenCount: row.token_count,
    keptTokens: row.kept_tokens,
    bytes: row.bytes,
    denseBytes: Number(row.dense_bytes),
    reinforcement: row.reinforcement,
    reinforcedAt: row.reinforced_at,
    createdAt: row.created_at,
  };
}

/** Copies a DuckDB blob into an ArrayBuffer of its own, so typed views start at offset 0. */
function ownedBytes(blob: Uint8Array): Uint8Array {
  return Uint8Array.from(blob);
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function toKV(row: KVRow): StoredKV {
  return {
    slots: row.slots,
    positions: new Int32Array(ownedBytes(row.positions).buffer),
    keys: ownedBytes(row.keys),
    values: ownedBytes(row.vals),
    scales: ownedBytes(row.scales),
    vector: new Float32Array(ownedBytes(row.vector).buffer),
    tokens: row.token_positions.map((position, i) => ({
      position,
      text: row.token_texts?.[i] ?? null,
      start: row.token_starts?.[i] ?? null,
      end: row.token_ends?.[i] ?? null,
    })),
  };
}

/** The memory subgraph's tables. All SQL of the subgraph lives here. */
export class MemoryStore {
  private constructor(readonly db: Database) {}

  static async open(dir?: string): Promise<MemoryStore> {
    const db = await Database.open('memory', dir);
    await db.migrate(SCHEMA);
    return new MemoryStore(db);
  }

  /** Stores a bank; returns null when a bank of that name exists. */
  async insertBank(config: BankConfig): Promise<BankRecord | null> {
    const rows = await this.db.query<BankRow>(
      `INSERT INTO memory_banks VALUES ($1, $2, $3, $4, $5, $6, $7, current_timestamp)
       ON CONFLICT DO NOTHING RETURNING *`,
      [config.name, config.heads, config.headDim, config.tokensPerHead, config.precision, config.encoder, config.decayHalfLife],
    );
    return rows.length ? toBank(rows[0]) : null;
  }

  /** Banks by name in one query; the result follows `names`, with null for unknown names. */
  async banksByNames(names: readonly string[]): Promise<(BankRecord | null)[]> {
    if (names.length === 0) return [];
    const rows = await this.db.query<BankRow>('SELECT * FROM memory_banks WHERE list_contains($1, name)', [listValue([...names])]);
    const byName = new Map(rows.map((row) => [row.name, toBank(row)]));
    return names.map((name) => byName.get(name) ?? null);
  }

  async listBanks(page: Page): Promise<{ records: BankRecord[]; total: number }> {
    const [{ total }] = await this.db.query<{ total: bigint }>('SELECT count(*) AS total FROM memory_banks');
    const rows = await this.db.query<BankRow>(`SELECT * FROM memory_banks ORDER BY name LIMIT ${page.limit} OFFSET ${page.offset}`);
    return { records: rows.map(toBank), total: Number(total) };
  }

  /** Stats of several banks in one query, in the order of `names`. */
  async bankStats(names: readonly string[]): Promise<BankStats[]> {
    if (names.length === 0) return [];
    const rows = await this.db.query<{ bank: string; memories: bigint; kept: bigint | null; bytes: bigint | null; dense: bigint | null }>(
      `SELECT bank, count(*) AS memories, sum(kept_tokens) AS kept, sum(bytes) AS bytes, sum(dense_bytes) AS dense
       FROM memories WHERE list_contains($1, bank) GROUP BY bank`,
      [listValue([...names])],
    );
    const byBank = new Map(rows.map((row) => [row.bank, row]));
    return names.map((name) => {
      const row = byBank.get(name);
      return {
        memories: Number(row?.memories ?? 0),
        keptTokens: Number(row?.kept ?? 0),
        bytes: Number(row?.bytes ?? 0),
        denseBytes: Number(row?.dense ?? 0),
      };
    });
  }

  /**
   * Inserts memories of one bank in a single statement (one row per list
   * element, zipped by unnest) inside `tx`, and returns them with ids and
   * sequence numbers, in input order.
   */
  async insertMemories(tx: Transaction, bank: string, memories: readonly NewMemory[]): Promise<MemoryRecord[]> {
    if (memories.length === 0) return [];
    const ids = memories.map(() => randomUUID());
    const kv = memories.map((m) => m.kv);
    const blobs = (pick: (kv: StoredKV) => ArrayBufferView) => listValue(kv.map((x) => (x ? blobValue(bytesOf(pick(x))) : null)));
    const tokenList = <T extends DuckDBValue>(pick: (t: KeptToken) => T | null) =>
      listValue(kv.map((x) => (x ? listValue(x.tokens.map(pick)) : null)));
    const params: DuckDBValue[] = [
      listValue(ids),
      bank,
      listValue(memories.map((m) => m.text)),
      listValue(memories.map((m) => m.source)),
      listValue(memories.map((m) => listValue(m.tags))),
      listValue(memories.map((m) => listValue(m.formulas))),
      listValue(memories.map((m) => m.chunkIndex)),
      listValue(memories.map((m) => m.start)),
      listValue(memories.map((m) => m.end)),
      listValue(memories.map((m) => m.tokenCount)),
      listValue(memories.map((m) => m.keptTokens)),
      listValue(memories.map((m) => m.bytes)),
      listValue(memories.map((m) => BigInt(m.denseBytes))),
      listValue(kv.map((x) => x?.slots ?? null)),
      blobs((x) => x.positions),
      blobs((x) => x.keys),
      blobs((x) => x.values),
      blobs((x) => x.scales),
      blobs((x) => x.vector),
      tokenList((t) => t.position),
      tokenList((t) => t.text),
      tokenList((t) => t.start),
      tokenList((t) => t.end),
    ];
    // Lists whose items are all null or empty have no inferable type, so every parameter is bound with its type.
    const types: DuckDBType[] = [
      LIST(VARCHAR), VARCHAR, LIST(VARCHAR), LIST(VARCHAR), LIST(LIST(VARCHAR)), LIST(LIST(VARCHAR)),
      LIST(INTEGER), LIST(INTEGER), LIST(INTEGER), LIST(INTEGER), LIST(INTEGER), LIST(INTEGER), LIST(BIGINT),
      LIST(INTEGER), LIST(BLOB), LIST(BLOB), LIST(BLOB), LIST(BLOB), LIST(BLOB),
      LIST(LIST(INTEGER)), LIST(LIST(VARCHAR)), LIST(LIST(INTEGER)), LIST(LIST(INTEGER)),
    ];
    this.db.queryCount++;
    const reader = await tx.connection.runAndReadAll(
      `INSERT INTO memories (id, bank, text, source, tags, formulas, chunk_index, chunk_start, chunk_end, token_count,
         kept_tokens, bytes, dense_bytes, slots, positions, keys, vals, scales, vector,
         token_positions, token_texts, token_starts, token_ends, created_at)
       SELECT unnest($1::VARCHAR[]), $2, unnest($3::VARCHAR[]), unnest($4::VARCHAR[]), unnest($5::VARCHAR[][]),
         unnest($6::VARCHAR[][]), unnest($7::INTEGER[]), unnest($8::INTEGER[]), unnest($9::INTEGER[]),
         unnest($10::INTEGER[]), unnest($11::INTEGER[]), unnest($12::INTEGER[]), unnest($13::BIGINT[]),
         unnest($14::INTEGER[]), unnest($15::BLOB[]), unnest($16::BLOB[]), unnest($17::BLOB[]), unnest($18::BLOB[]),
         unnest($19::BLOB[]), unnest($20::INTEGER[][]), unnest($21::VARCHAR[][]), unnest($22::INTEGER[][]),
         unnest($23::INTEGER[][]), current_timestamp
       RETURNING ${MEMORY_COLUMNS}`,
      params,
      types,
    );
    const rows = reader.getRowObjectsJS() as unknown as MemoryRow[];
    const byId = new Map(rows.map((row) => [row.id, toMemory(row)]));
    return ids.map((id) => byId.get(id)!);
  }

  /** Memories by id in one query; the result follows `ids`, with null for unknown ids. */
  async memoriesByIds(ids: readonly string[]): Promise<(MemoryRecord | null)[]> {
    if (ids.length === 0) return [];
    // An IN list of parameters lets DuckDB use the primary-key index; list_contains scans every row.
    const placeholders = ids.map((_, i) => `$${i + 1}`).join(', ');
    const rows = await this.db.query<MemoryRow>(`SELECT ${MEMORY_COLUMNS} FROM memories WHERE id IN (${placeholders})`, [...ids]);
    const byId = new Map(rows.map((row) => [row.id, toMemory(row)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** One page of a bank's memories in insertion order, optionally only those carrying `tag`. */
  async listMemories(bank: string, page: Page, tag?: string | null): Promise<{ records: MemoryRecord[]; total: number }> {
    const where = tag ? 'bank = $1 AND list_contains(tags, $2)' : 'bank = $1';
    const params: DuckDBValue[] = tag ? [bank, tag] : [bank];
    const [{ total }] = await this.db.query<{ total: bigint }>(`SELECT count(*) AS total FROM memories WHERE ${where}`, params);
    const rows = await this.db.query<MemoryRow>(
      `SELECT ${MEMORY_COLUMNS} FROM memories WHERE ${where} ORDER BY seq LIMIT ${page.limit} OFFSET ${page.offset}`,
      params,
    );
    return { records: rows.map(toMemory), total: Number(total) };
  }

  /**
   * Pages of memories for many keys in one query: memories tagged with a
   * formula (`by: 'formula'`) or whose source is a paper id (`by: 'source'`).
   * Returns, per key in input order, its page and total count.
   */
  async memoriesByKeys(by: 'formula' | 'source', keys: readonly string[], page: Page): Promise<{ records: MemoryRecord[]; total: number }[]> {
    if (keys.length === 0) return [];
    const match = by === 'formula' ? 'list_contains(m.formulas, k.key)' : 'm.source = k.key';
    // The rank-0 row of every key comes back even outside the page, so the
    // total count of a key is known from this one query.
    const rows = await this.db.query<MemoryRow & { key: string; rank: bigint; total: bigint }>(
      `SELECT * FROM (
         SELECT k.key, ${MEMORY_COLUMN_NAMES.map((c) => `m.${c}`).join(', ')},
                row_number() OVER (PARTITION BY k.key ORDER BY m.seq) - 1 AS rank,
                count(*) OVER (PARTITION BY k.key) AS total
         FROM (SELECT DISTINCT unnest($1::VARCHAR[]) AS key) k JOIN memories m ON ${match}
       ) WHERE rank = 0 OR (rank >= ${page.offset} AND rank < ${page.offset + page.limit})
       ORDER BY key, rank`,
      [listValue([...keys])],
    );
    const byKey = new Map<string, { records: MemoryRecord[]; total: number }>();
    for (const row of rows) {
      const entry = byKey.get(row.key) ?? { records: [], total: Number(row.total) };
      const rank = Number(row.rank);
      if (rank >= page.offset && rank < page.offset + page.limit) entry.records.push(toMemory(row));
      byKey.set(row.key, entry);
    }
    return keys.map((key) => byKey.get(key) ?? { records: [], total: 0 });
  }

  /** Sparse key-value tensors of memories, by id, in one query; null for unknown ids or memories without tensors. */
  async kvByIds(ids: readonly string[]): Promise<(StoredKV | null)[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<KVRow>(
      `SELECT id, slots, positions, keys, vals, scales, vector, token_positions, token_texts, token_starts, token_ends
       FROM memories WHERE id IN (${ids.map((_, i) => `$${i + 1}`).join(', ')}) AND slots IS NOT NULL`,
      [...ids],
    );
    const byId = new Map(rows.map((row) => [row.id, toKV(row)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** Memory-level vectors of a bank with their sequence numbers, for building the retrieval index. */
  async bankVectors(bank: string): Promise<{ seq: number; id: string; vector: Float32Array }[]> {
    const rows = await this.db.query<{ seq: bigint; id: string; vector: Uint8Array }>(
      'SELECT seq, id, vector FROM memories WHERE bank = $1 AND vector IS NOT NULL ORDER BY seq',
      [bank],
    );
    return rows.map((row) => ({ seq: Number(row.seq), id: row.id, vector: new Float32Array(ownedBytes(row.vector).buffer) }));
  }

  /** Memories of a bank with non-zero reinforcement: the only ones whose retrieval prior differs from 0. */
  async reinforcedMemories(bank: string): Promise<MemoryRecord[]> {
    const rows = await this.db.query<MemoryRow>(
      `SELECT ${MEMORY_COLUMNS} FROM memories WHERE bank = $1 AND reinforcement <> 0`,
      [bank],
    );
    return rows.map(toMemory);
  }

  /** Deletes a memory; returns its record, or null when no memory has that id. */
  async deleteMemory(id: string): Promise<MemoryRecord | null> {
    const rows = await this.db.query<MemoryRow>(`DELETE FROM memories WHERE id = $1 RETURNING ${MEMORY_COLUMNS}`, [id]);
    return rows.length ? toMemory(rows[0]) : null;
  }

  /** Sets a memory's reinforcement to `value` as of `at` (epoch seconds); returns the updated record or null for an unknown id. */
  async setReinforcement(id: string, value: number, at: number): Promise<MemoryRecord | null> {
    const rows = await this.db.query<MemoryRow>(
      `UPDATE memories SET reinforcement = $2, reinforced_at = $3 WHERE id = $1 RETURNING ${MEMORY_COLUMNS}`,
      [id, value, at],
    );
    return rows.length ? toMemory(rows[0]) : null;
  }

  close(): void {
    this.db.close();
  }
}
