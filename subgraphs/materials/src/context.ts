import type { Connection } from '@scifed/schema';
import DataLoader from 'dataloader';

import type { MaterialsStore, StructureRecord } from './store.js';

export interface PageKey {
  formula: string;
  offset: number;
  limit: number;
}

/** Per-request state: the store and DataLoaders that batch entity lookups. */
export interface MaterialsContext {
  store: MaterialsStore;
  structureById: DataLoader<string, StructureRecord | null>;
  structuresByFormula: DataLoader<PageKey, { records: StructureRecord[]; total: number }, string>;
}

/** Builds a fresh context; one per request, so loaders never cache across requests. */
export function createContext(store: MaterialsStore, limits: MaterialsLimits): MaterialsContext & { limits: MaterialsLimits } {
  return {
    store,
    limits,
    structureById: new DataLoader((ids) => store.structuresByIds(ids)),
    // Keys that share a page window are served by one query.
    structuresByFormula: new DataLoader(
      async (keys) => {
        const groups = new Map<string, PageKey[]>();
        for (const key of keys) {
          const window = `${key.offset}:${key.limit}`;
          groups.set(window, [...(groups.get(window) ?? []), key]);
        }
        const results = new Map<string, { records: StructureRecord[]; total: number }>();
        for (const group of groups.values()) {
          const pages = await store.structuresByFormulas(group.map((k) => k.formula), group[0]);
          group.forEach((key, i) => results.set(pageKeyId(key), pages[i]));
        }
        return keys.map((key) => results.get(pageKeyId(key))!);
      },
      { cacheKeyFn: pageKeyId },
    ),
  };
}

function pageKeyId(key: PageKey): string {
  return `${key.formula}|${key.offset}|${key.limit}`;
}

/** Configurable limits of the materials subgraph (documented in the README). */
export interface MaterialsLimits {
  /** SCIFED_MAX_ATOMS: atoms per structure. */
  maxAtoms: number;
}

export function limitsFromEnv(env = process.env): MaterialsLimits {
  return { maxAtoms: Number(env.SCIFED_MAX_ATOMS ?? 500_000) };
}

export type StructurePage = Connection<StructureRecord>;
