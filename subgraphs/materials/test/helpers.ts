import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { createSubgraphApolloServer } from '@scifed/schema';

import { createMaterialsSubgraph, type MaterialsSubgraph } from '../src/index.js';

type GraphQLResult<T> = { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };

export interface TestSubgraph {
  subgraph: MaterialsSubgraph;
  dataDir: string;
  run<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResult<T>>;
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

export interface Harness {
  subgraph: MaterialsSubgraph;
  /** Runs one operation; returns data and errors (each with message and code). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  run(query: string, variables?: Record<string, unknown>): Promise<{ data?: any; errors?: { message: string; code: string }[] }>;
  close(): Promise<void>;
}

/** Like openTestSubgraph, with errors flattened to message and code. */
export async function openHarness(): Promise<Harness> {
  const test = await openTestSubgraph();
  return {
    subgraph: test.subgraph,
    async run(query, variables) {
      const { data, errors } = await test.run(query, variables);
      return { data: data ?? undefined, errors: errors?.map((e) => ({ message: e.message, code: String(e.extensions?.code) })) };
    },
    close: test.close,
  };
}
