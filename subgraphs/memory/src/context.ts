import type { Connection } from '@scifed/schema';
import DataLoader from 'dataloader';

import type { MemoryLimits } from './limits.js';
import type { MemoryService } from './memory/service.js';
import type { BankRecord, BankStats, MemoryRecord, MemoryStore, Page, StoredKV } from './store.js';

export interface PageKey extends Page {
  key: string;
}

type MemoryPage = { records: MemoryRecord[]; total: number };

/** Per-request state: the service, limits, and DataLoaders that batch lookups into one query per kind. */
export interface MemoryContext {
  store: MemoryStore;
  service: MemoryService;
  limits: MemoryLimits;
  memoryById: DataLoader<string, MemoryRecord | null>;
  kvById: DataLoader<string, StoredKV | null>;
  bankByName: DataLoader<string, BankRecord | null>;
  bankStats: DataLoader<string, BankStats>;
  memoriesByFormula: DataLoader<PageKey, MemoryPage, string>;
  memoriesBySource: DataLoader<PageKey, MemoryPage, string>;
}

function pageKeyId(key: PageKey): string {
  return `${key.key}|${key.offset}|${key.limit}`;
}

/** A loader of memory pages per key; keys that share a page window are served by one query. */
function pageLoader(store: MemoryStore, by: 'formula' | 'source'): DataLoader<PageKey, MemoryPage, string> {
  return new DataLoader(
    async (keys) => {
      const groups = new Map<string, PageKey[]>();
      for (const key of keys) {
        const window = `${key.offset}:${key.limit}`;
        groups.set(window, [...(groups.get(window) ?? []), key]);
      }
      const results = new Map<string, MemoryPage>();
      for (const group of groups.values()) {
        const pages = await store.memoriesByKeys(by, group.map((k) => k.key), group[0]);
        group.forEach((key, i) => results.set(pageKeyId(key), pages[i]));
      }
      return keys.map((key) => results.get(pageKeyId(key))!);
    },
    { cacheKeyFn: pageKeyId },
  );
}

/** Builds a fresh context; one per request, so loaders never cache across requests. */
export function createContext(service: MemoryService): MemoryContext {
  const store = service.store;
  return {
    store,
    service,
    limits: service.limits,
    memoryById: new DataLoader((ids) => store.memoriesByIds(ids)),
    kvById: new DataLoader((ids) => store.kvByIds(ids)),
    bankByName: new DataLoader((names) => store.banksByNames(names)),
    bankStats: new DataLoader((names) => store.bankStats(names)),
    memoriesByFormula: pageLoader(store, 'formula'),
    memoriesBySource: pageLoader(store, 'source'),
  };
}

export type MemoryPageConnection = Connection<MemoryRecord>;
