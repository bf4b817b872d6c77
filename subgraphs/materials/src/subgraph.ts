import { buildFederatedSchema, type BuiltSubgraph } from '@scifed/schema';

import { createContext, limitsFromEnv, type MaterialsContext } from './context.js';
import { MaterialResolver } from './resolvers/material.js';
import { StructureResolver } from './resolvers/structure.js';
import { StructureIoResolver } from './resolvers/structure-io.js';
import { EvaluationResolver, PotentialResolver } from './resolvers/potential.js';
import { seedBuiltinPotentials } from './potentials/service.js';
import { RelaxResolver } from './resolvers/relax.js';
import { DynamicsResolver } from './resolvers/dynamics.js';
import { MdJobs } from './simulation/jobs.js';
import { MaterialsStore } from './store.js';

/** The materials subgraph schema (no store needed; used to print the SDL). */
export function buildMaterialsSchema(): BuiltSubgraph {
  return buildFederatedSchema({
    resolvers: [StructureResolver, MaterialResolver, StructureIoResolver, PotentialResolver, EvaluationResolver, RelaxResolver, DynamicsResolver],
    referenceResolvers: {
      Structure: {
        __resolveReference: (ref: { id: string }, ctx: MaterialsContext) => ctx.structureById.load(ref.id),
      },
      Material: {
        __resolveReference: (ref: { formula: string }) => ({ formula: ref.formula }),
      },
    },
  });
}

export interface MaterialsSubgraph extends BuiltSubgraph {
  name: 'materials';
  store: MaterialsStore;
  jobs: MdJobs;
  context: () => Promise<object>;
  close(): Promise<void>;
}

/** Opens the store under `dataDir` and returns the schema with its request-context factory. */
export async function createMaterialsSubgraph(options: { dataDir?: string } = {}): Promise<MaterialsSubgraph> {
  const store = await MaterialsStore.open(options.dataDir);
  await seedBuiltinPotentials(store);
  const limits = limitsFromEnv();
  const jobs = await MdJobs.open(store, limits);
  return {
    name: 'materials',
    ...buildMaterialsSchema(),
    store,
    jobs,
    context: async () => createContext(store, limits, jobs),
    close: async () => {
      await jobs.close();
      store.close();
    },
  };
}
