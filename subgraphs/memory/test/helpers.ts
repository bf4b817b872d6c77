import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { formatSubgraphError } from '@scifed/schema';

import { createMemorySubgraph, type MemorySubgraph } from '../src/subgraph.js';

export interface Harness {
  subgraph: MemorySubgraph;
  /** Runs one operation; returns data and errors as a client sees them. */
  execute<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }>;
  close(): Promise<void>;
}

/** A memory subgraph over a fresh DuckDB file in a temporary folder. */
export async function openHarness(): Promise<Harness> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'scifed-memory-'));
  const subgraph = await createMemorySubgraph({ dataDir: dir });
  const server = new ApolloServer({ schema: subgraph.schema, formatError: formatSubgraphError, plugins: [ApolloServerPluginInlineTraceDisabled()] });
  return {
    subgraph,
    async execute(query, variables) {
      const response = await server.executeOperation({ query, variables }, { contextValue: await subgraph.context() });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      return response.body.singleResult as any;
    },
    async close() {
      await server.stop();
      await subgraph.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
