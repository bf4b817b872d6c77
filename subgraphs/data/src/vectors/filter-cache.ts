import type { DataStore, LabelList } from '../store.js';
import type { TableSpec } from '../tables/columns.js';
import type { ColumnIndex } from './indexes.js';

/**
 * SQL words whose value changes between statements without a write, so a
 * filter that uses one is never cached: row sampling (USING SAMPLE,
 * TABLESAMPLE) and DuckDB's special keywords that need no parentheses.
 * Function names come from duckdb_functions() at start-up.
 */
const VOLATILE_KEYWORDS = ['sample', 'tablesample', 'current_date', 'current_time', 'current_timestamp', 'localtime', 'localtimestamp', 'current_user', 'session_user', 'user'];

/** The passing rows of a cached filter as slots of one index, valid while that index's slotsVersion is unchanged. */
export interface SlotSet {
  slotsVersion: number;
  slots: Int32Array;
  /** Bit s set when slot s passes (bit s & 31 of word s >> 5). */
  marks: Uint32Array;
}

/** One cached filter; callers hold it only for the search that received it. */
export interface FilterEntry {
  key: string;
  version: number;
  labels: LabelList;
  bytes: number;
  /** Searches that used the entry, the one that read it included. */
  uses: number;
  slotSets: Map<ColumnIndex, SlotSet>;
}

/**
 * Labels of the rows that pass recent vector-search filters, like a search
 * engine's filter cache. A filter repeated with other query vectors (a
 * category picked in a user interface, a tenant, a date range) then costs
 * no SQL statement.
 *
 * Invariants:
 * - an entry is tagged with the store's writeVersion as read before its
 *   statement ran, and is used only while writeVersion keeps that value.
 *   Any write to any table therefore makes every entry stale, because a
 *   filter may read other tables in a subquery;
 * - a filter that names a function DuckDB does not mark CONSISTENT (random,
 *   now, nextval, table functions, macros) or a keyword such as current_date
 *   is never cached;
 * - entries hold labels, not index slots, so a row deleted from the index
 *   is skipped by the slot lookup even if an entry still listed it;
 * - at most `maxBytes` of labels are kept, least recently used first out.
 */
export class FilterCache {
  private readonly entries = new Map<string, FilterEntry>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  private constructor(
    private readonly store: DataStore,
    private readonly maxBytes: number,
    private readonly volatileWords: ReadonlySet<string>,
  ) {}

  /** A cache over `store` holding at most `maxBytes` of labels (0 turns it off). */
  static async open(store: DataStore, maxBytes: number): Promise<FilterCache> {
    const names = await store.unstableFunctionNames();
    return new FilterCache(store, maxBytes, new Set([...names, ...VOLATILE_KEYWORDS]));
  }

  get size(): number {
    return this.entries.size;
  }

  /** Whether the filter's result depends only on stored rows: it names no volatile function or keyword. */
  cacheable(where: string): boolean {
    if (this.maxBytes === 0) return false;
    for (const word of where.toLowerCase().matchAll(/[a-z_][a-z0-9_$]*/g)) if (this.volatileWords.has(word[0])) return false;
    return true;
  }

  /**
   * Labels of the rows of `table` passing the filter `where` with `params`
   * (as the request gave them, before binding): from the cache while no
   * write has happened since they were read, otherwise from `read`.
   */
  async labels(
    table: TableSpec,
    where: string,
    params: readonly unknown[],
    read: () => Promise<LabelList>,
  ): Promise<{ labels: LabelList; cached: boolean; entry?: FilterEntry }> {
    if (!this.cacheable(where)) return { labels: await read(), cached: false };
    // The request's JSON values determine the bound values, and JSON keeps 1 and '1' apart.
    const key = JSON.stringify([table.name, where, params]);
    const entry = this.entries.get(key);
    if (entry && entry.version === this.store.writeVersion) {
      // Re-inserted so that Map order stays least recently used first.
      this.entries.delete(key);
      this.entries.set(key, entry);
      this.hits++;
      entry.uses++;
      return { labels: entry.labels, cached: true, entry };
    }
    if (entry) this.remove(key, entry);
    this.misses++;
    const version = this.store.writeVersion;
    const labels = await read();
    // A write that ended while the statement ran may or may not be in its result, so that result is not kept.
    if (version !== this.store.writeVersion) return { labels, cached: false };
    const stored: FilterEntry = { key, version, labels: trimmed(labels), bytes: 8 * labels.count, uses: 1, slotSets: new Map() };
    return { labels, cached: false, entry: this.put(key, stored) ? stored : undefined };
  }

  /**
   * Returns the slot set of an entry's labels in `index`. `build` makes it
   * from the entry's second use on, because mapping every label does not pay
   * for a filter used once, and again whenever the index's slots change.
   */
  slotSet(entry: FilterEntry, index: ColumnIndex, build: () => SlotSet): SlotSet | undefined {
    const current = entry.slotSets.get(index);
    if (current && current.slotsVersion === index.slotsVersion) return current;
    if (entry.uses < 2) return undefined;
    const built = build();
    const bytes = built.slots.byteLength + built.marks.byteLength - (current ? current.slots.byteLength + current.marks.byteLength : 0);
    entry.slotSets.set(index, built);
    entry.bytes += bytes;
    // An entry still in the cache counts at its new size.
    if (this.entries.get(entry.key) === entry) {
      this.bytes += bytes;
      this.evict();
    }
    return built;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  /** Stores an entry unless it takes more than a quarter of the budget; returns whether it was stored. */
  private put(key: string, entry: FilterEntry): boolean {
    if (entry.bytes > this.maxBytes / 4) return false;
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    this.evict();
    return true;
  }

  /** Removes least recently used entries until the total fits the budget. */
  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(key, entry);
    }
  }

  private remove(key: string, entry: FilterEntry): void {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}

/** Copies the meaningful labels only, so the cache does not keep a grown buffer's spare capacity. */
function trimmed(labels: LabelList): LabelList {
  return { parts: labels.parts.slice(0, 2 * labels.count), count: labels.count };
}
