import { buildFederatedSchema, type BuiltSubgraph } from '@scifed/schema';

import { createContext, type MemoryContext } from './context.js';
import { limitsFromEnv } from './limits.js';
import { MemoryService } from './memory/service.js';
import { MemoryBankResolver } from './resolvers/bank.js';
import { MaterialResolver } from './resolvers/material.js';
import { MemoryResolver } from './resolvers/memory.js';
import { PaperResolver } from './resolvers/paper.js';
import { RecallResolver } from './resolvers/recall.js';
import { Material, Paper } from './schema/types.js';
import { MemoryStore } from './store.js';

/** The memory subgraph schema (no store needed; used to print the SDL). */
export function buildMemorySchema(): BuiltSubgraph {
  return buildFederatedSchema({
    resolvers: [MemoryBankResolver, MemoryResolver, MaterialResolver, PaperResolver, RecallResolver],
    orphanedTypes: [Material, Paper],
    referenceResolvers: {
      Memory: {
        __resolveReference: (ref: { id: string }, ctx: MemoryContext) => ctx.memoryById.load(ref.id),
      },
      Material: {
        __resolveReference: (ref: { formula: string }) => ({ formula: ref.formula }),
      },
      Paper: {
        __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
      },
    },
  });
}

export interface MemorySubgraph extends BuiltSubgraph {
  name: 'memory';
  store: MemoryStore;
  service: MemoryService;
  context: () => Promise<object>;
  close(): Promise<void>;
}

/** Opens the store under `dataDir` and returns the schema with its request-context factory. */
export async function createMemorySubgraph(options: { dataDir?: string } = {}): Promise<MemorySubgraph> {
  const store = await MemoryStore.open(options.dataDir);
  const service = new MemoryService(store, limitsFromEnv());
  return {
    name: 'memory',
    ...buildMemorySchema(),
    store,
    service,
    context: async () => createContext(service),
    close: async () => store.close(),
  };
}
