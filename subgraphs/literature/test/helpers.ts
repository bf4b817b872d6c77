import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { formatSubgraphError } from '@scifed/schema';

import { createLiteratureSubgraph, type LiteratureSubgraph } from '../src/index.js';
import type { LiteratureLimits } from '../src/limits.js';

export interface Harness {
  subgraph: LiteratureSubgraph;
  dir: string;
  /** Runs an operation; returns data and errors as a client sees them. */
  run<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<{ data: T | null; errors?: { message: string; extensions?: { code?: string } }[] }>;
  close(): Promise<void>;
}

/** Opens a literature subgraph on a fresh DuckDB file in a temporary folder. */
export async function openHarness(options: { dir?: string; limits?: Partial<LiteratureLimits> } = {}): Promise<Harness> {
  const dir = options.dir ?? mkdtempSync(path.join(os.tmpdir(), 'scifed-literature-'));
  const subgraph = await createLiteratureSubgraph({ dataDir: dir, limits: options.limits });
  const server = new ApolloServer({ schema: subgraph.schema, formatError: formatSubgraphError, plugins: [ApolloServerPluginInlineTraceDisabled()] });
  return {
    subgraph,
    dir,
    async run(query, variables) {
      const response = await server.executeOperation({ query, variables }, { contextValue: await subgraph.context() });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      const { data, errors } = response.body.singleResult;
      return { data: (data ?? null) as any, errors: errors as any };
    },
    async close() {
      await subgraph.close();
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** JSON Lines from records. */
export function jsonl(records: object[]): string {
  return records.map((record) => JSON.stringify(record)).join('\n');
}

export const INGEST = `mutation Ingest($format: IngestFormat!, $content: String!) {
  ingestPapers(format: $format, content: $content) { count papers { id title abstract authors year venue doi fields metadata sourceFormat } }
}`;
