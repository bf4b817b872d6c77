import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ApolloServer } from '@apollo/server';
import { formatSubgraphError } from '@scifed/schema';

import { createMaterialsSubgraph, type MaterialsSubgraph } from '../src/subgraph.js';

export interface Harness {
  subgraph: MaterialsSubgraph;
  /** Runs one operation; returns data and errors (each with message and code). */
  run(query: string, variables?: Record<string, unknown>): Promise<{ data?: any; errors?: { message: string; code: string }[] }>;
  close(): Promise<void>;
}

/** A materials subgraph on a fresh DuckDB file in a temporary folder. */
export async function openHarness(): Promise<Harness> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'scifed-materials-'));
  const subgraph = await createMaterialsSubgraph({ dataDir: dir });
  const server = new ApolloServer({ schema: subgraph.schema, formatError: formatSubgraphError });
  return {
    subgraph,
    async run(query, variables) {
      const response = await server.executeOperation({ query, variables }, { contextValue: await subgraph.context() });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      const { data, errors } = response.body.singleResult;
      return {
        data: data ?? undefined,
        errors: errors?.map((e) => ({ message: e.message, code: String(e.extensions?.code) })),
      };
    },
    async close() {
      await subgraph.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
