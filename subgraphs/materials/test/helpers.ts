import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { createSubgraphApolloServer } from '@scifed/schema';

import { createMaterialsSubgraph, type MaterialsSubgraph } from '../src/index.js';

export interface TestSubgraph {
  subgraph: MaterialsSubgraph;
  dataDir: string;
  run<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }>;
  close(): Promise<void>;
}

/** The materials subgraph on a fresh DuckDB file in a temporary folder. */
export async function openTestSubgraph(): Promise<TestSubgraph> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'scifed-materials-'));
  const subgraph = await createMaterialsSubgraph({ dataDir });
  const server = createSubgraphApolloServer(subgraph.schema);
  return {
    subgraph,
    dataDir,
    async run(query, variables) {
      const response = await server.executeOperation({ query, variables }, { contextValue: await subgraph.context() });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      return response.body.singleResult as never;
    },
    async close() {
      await subgraph.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
