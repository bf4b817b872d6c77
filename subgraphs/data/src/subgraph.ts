import { buildFederatedSchema, type BuiltSubgraph } from '@scifed/schema';

import { createContext, type DataContext } from './context.js';
import { limitsFromEnv } from './limits.js';
import { MaterialResolver } from './resolvers/material.js';
import { SqlResolver } from './resolvers/sql.js';
import { VectorResolver } from './resolvers/vector.js';
import { TableResolver } from './resolvers/table.js';
import { Material } from './schema/types.js';
import { DataStore } from './store.js';
import { TableService } from './tables/service.js';
import { FilterCache } from './vectors/filter-cache.js';
import { VectorIndexes } from './vectors/indexes.js';
import { HybridSearch } from './vectors/hybrid.js';
import { VectorSearch } from './vectors/search.js';

/** The data subgraph schema (no store needed; used to print the SDL). */
export function buildDataSchema(): BuiltSubgraph {
  return buildFederatedSchema({
    resolvers: [TableResolver, MaterialResolver, SqlResolver, VectorResolver],
    orphanedTypes: [Material],
    referenceResolvers: {
      Table: {
        __resolveReference: (ref: { name: string }, ctx: DataContext) => ctx.tableByName.load(ref.name),
      },
      Material: {
        __resolveReference: (ref: { formula: string }) => ({ formula: ref.formula }),
      },
    },
  });
}

export interface DataSubgraph extends BuiltSubgraph {
  name: 'data';
  store: DataStore;
  tables: TableService;
  vectors: VectorIndexes;
  search: VectorSearch;
  context: () => Promise<object>;
  close(): Promise<void>;
}

/** Opens the store under `dataDir` and returns the schema with its request-context factory. */
export async function createDataSubgraph(options: { dataDir?: string } = {}): Promise<DataSubgraph> {
  const store = await DataStore.open(options.dataDir);
  const limits = limitsFromEnv();
  const tables = new TableService(store, limits);
  const vectors = new VectorIndexes(store, tables);
  tables.addListener(vectors);
  await vectors.openAll();
  const search = new VectorSearch(store, vectors, limits, await FilterCache.open(store, limits.filterCacheBytes));
  const hybrid = new HybridSearch(store, search, limits);
  tables.addListener(hybrid);
  const services = { store, tables, limits, vectors, search, hybrid };
  return {
    name: 'data',
    ...buildDataSchema(),
    store,
    tables,
    vectors,
    search,
    context: async () => createContext(services),
    close: async () => store.close(),
  };
}
