import { buildFederatedSchema, type BuiltSubgraph } from '@scifed/schema';

import { createContext, type LiteratureContext } from './context.js';
import { limitsFromEnv, type LiteratureLimits } from './limits.js';
import { MaterialResolver } from './resolvers/material.js';
import { PaperResolver } from './resolvers/paper.js';
import { SearchResolver } from './resolvers/search.js';
import { LiteratureService } from './service.js';
import { LiteratureStore } from './store.js';

/** The literature subgraph schema (no store needed; used to print the SDL). */
export function buildLiteratureSchema(): BuiltSubgraph {
  return buildFederatedSchema({
    resolvers: [PaperResolver, SearchResolver, MaterialResolver],
    referenceResolvers: {
      Paper: {
        __resolveReference: (ref: { id: string }, ctx: LiteratureContext) => ctx.paperById.load(ref.id),
      },
      Material: {
        __resolveReference: (ref: { formula: string }) => ({ formula: ref.formula }),
      },
    },
  });
}

export interface LiteratureSubgraph extends BuiltSubgraph {
  name: 'literature';
  store: LiteratureStore;
  service: LiteratureService;
  context: () => Promise<LiteratureContext>;
  close(): Promise<void>;
}

/** Opens the store under `dataDir`, rebuilds the search index from it, and returns the schema with its context factory. */
export async function createLiteratureSubgraph(options: { dataDir?: string; limits?: Partial<LiteratureLimits> } = {}): Promise<LiteratureSubgraph> {
  const store = await LiteratureStore.open(options.dataDir);
  const service = await LiteratureService.open(store, { ...limitsFromEnv(), ...options.limits });
  return {
    name: 'literature',
    ...buildLiteratureSchema(),
    store,
    service,
    context: async () => createContext(service),
    close: async () => store.close(),
  };
}
