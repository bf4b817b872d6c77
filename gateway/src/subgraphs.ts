import type { SubgraphName } from '@scifed/schema';

/**
 * The interface of each subgraph package for the gateway and the launcher: a
 * schema builder for printing SDL (no store opened), and a factory that opens
 * the store and returns the schema with its per-request context.
 */
export interface SubgraphModule {
  name: SubgraphName;
  buildSchema(): { sdl: string };
  create(options: { dataDir?: string }): Promise<{
    schema: import('graphql').GraphQLSchema;
    sdl: string;
    context: () => Promise<object>;
    close(): Promise<void>;
  }>;
}

/** Loads the subgraph packages in port order (materials, literature, memory, data). */
export async function loadSubgraphModules(): Promise<SubgraphModule[]> {
  const materials = await import('@scifed/materials');
  const memory = await import('@scifed/memory');
  return [
    { name: 'materials', buildSchema: materials.buildMaterialsSchema, create: materials.createMaterialsSubgraph },
    { name: 'memory', buildSchema: memory.buildMemorySchema, create: memory.createMemorySubgraph },
  ];
}
