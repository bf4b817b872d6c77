import DataLoader from 'dataloader';

import type { DataLimits } from './limits.js';
import type { DataStore, MaterialRowRecord, TableRecord } from './store.js';
import type { TableService } from './tables/service.js';
import type { VectorIndexes } from './vectors/indexes.js';
import type { HybridSearch } from './vectors/hybrid.js';
import type { VectorSearch } from './vectors/search.js';

export interface RowPageKey {
  formula: string;
  offset: number;
  limit: number;
}

/** Per-request state: the services and DataLoaders that batch entity lookups. */
export interface DataContext extends DataServices {
  tableByName: DataLoader<string, TableRecord | null>;
  rowsByFormula: DataLoader<RowPageKey, { records: MaterialRowRecord[]; total: number }, string>;
}

export interface DataServices {
  store: DataStore;
  tables: TableService;
  limits: DataLimits;
  vectors: VectorIndexes;
  search: VectorSearch;
  hybrid: HybridSearch;
}

/** Builds a fresh context; one per request, so loaders never cache across requests. */
export function createContext(services: DataServices): DataContext {
  const { store } = services;
  return {
    ...services,
    tableByName: new DataLoader((names) => store.tablesByNames(names)),
    // Keys that share a page window are served by one batch.
    rowsByFormula: new DataLoader(
      async (keys) => {
        const groups = new Map<string, RowPageKey[]>();
        for (const key of keys) {
          const window = `${key.offset}:${key.limit}`;
          groups.set(window, [...(groups.get(window) ?? []), key]);
        }
        const results = new Map<string, { records: MaterialRowRecord[]; total: number }>();
        for (const group of groups.values()) {
          const pages = await store.rowsByFormulas(group.map((k) => k.formula), group[0]);
          group.forEach((key, i) => results.set(pageKeyId(key), pages[i]));
        }
        return keys.map((key) => results.get(pageKeyId(key))!);
      },
      { cacheKeyFn: pageKeyId },
    ),
  };
}

function pageKeyId(key: RowPageKey): string {
  return `${key.formula}|${key.offset}|${key.limit}`;
}
