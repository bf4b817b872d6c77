import DataLoader from 'dataloader';

import type { LiteratureService } from './service.js';
import type { LiteratureStore, PaperRecord } from './store.js';

export interface MaterialPageKey {
  formula: string;
  offset: number;
  limit: number;
}

type Page = { records: PaperRecord[]; total: number };

/** Per-request state: the service and DataLoaders that batch lookups into one store query each. */
export interface LiteratureContext {
  service: LiteratureService;
  paperById: DataLoader<string, PaperRecord | null>;
  papersByMaterial: DataLoader<MaterialPageKey, Page, string>;
  citingPapers: DataLoader<string, PaperRecord[]>;
}

/** Builds a fresh context; one per request, so loaders never cache across requests. */
export function createContext(service: LiteratureService): LiteratureContext {
  const store: LiteratureStore = service.store;
  return {
    service,
    paperById: new DataLoader((ids) => store.papersByIds(ids)),
    citingPapers: new DataLoader((ids) => store.citingPapers(ids)),
    // Keys that share a page window are served by one query.
    papersByMaterial: new DataLoader(
      async (keys) => {
        const groups = new Map<string, MaterialPageKey[]>();
        for (const key of keys) {
          const window = `${key.offset}:${key.limit}`;
          groups.set(window, [...(groups.get(window) ?? []), key]);
        }
        const results = new Map<string, Page>();
        for (const group of groups.values()) {
          const pages = await store.papersByMaterials(group.map((k) => k.formula), group[0]);
          group.forEach((key, i) => results.set(pageKeyId(key), pages[i]));
        }
        return keys.map((key) => results.get(pageKeyId(key))!);
      },
      { cacheKeyFn: pageKeyId },
    ),
  };
}

function pageKeyId(key: MaterialPageKey): string {
  return `${key.formula}|${key.offset}|${key.limit}`;
}
