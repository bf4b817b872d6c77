import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { formatSubgraphError } from '@scifed/schema';

import { createDataSubgraph, type DataSubgraph } from '../src/index.js';

export interface Harness {
  subgraph: DataSubgraph;
  dir: string;
  /** Runs one operation and returns its data and errors (as a client would see them). */
  exec(query: string, variables?: Record<string, unknown>): Promise<{ data: any; errors: any[] | undefined }>;
  close(): Promise<void>;
}

/** Opens a data subgraph on a fresh temporary folder. */
export async function openHarness(dir = mkdtempSync(path.join(os.tmpdir(), 'scifed-data-'))): Promise<Harness> {
  const subgraph = await createDataSubgraph({ dataDir: dir });
  const server = new ApolloServer({ schema: subgraph.schema, formatError: formatSubgraphError, plugins: [ApolloServerPluginInlineTraceDisabled()] });
  return {
    subgraph,
    dir,
    async exec(query, variables) {
      const response = await server.executeOperation({ query, variables }, { contextValue: await subgraph.context() });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      const { data, errors } = response.body.singleResult;
      return { data, errors: errors as any[] | undefined };
    },
    async close() {
      await subgraph.close();
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
