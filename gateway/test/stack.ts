import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { startSubgraphServer, type SubgraphName } from '@scifed/schema';

import { readCheckedInSupergraph } from '../src/compose.js';
import { startGateway, type RunningGateway } from '../src/gateway.js';
import { loadSubgraphModules } from '../src/subgraphs.js';

export interface Stack {
  gateway: RunningGateway;
  subgraphUrls: Partial<Record<SubgraphName, string>>;
  /** Store query counters per subgraph, for batching checks. */
  stores: Partial<Record<SubgraphName, { db: { queryCount: number } }>>;
  request<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] } }>;
  stop(): Promise<void>;
}

/**
 * Every subgraph on an ephemeral 127.0.0.1 port with its own temporary data
 * folder, and the gateway over the checked-in supergraph in front of them.
 */
export async function startStack(): Promise<Stack> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'scifed-stack-'));
  const modules = await loadSubgraphModules();
  const subgraphUrls: Partial<Record<SubgraphName, string>> = {};
  const stores: Stack['stores'] = {};
  const stops: (() => Promise<void>)[] = [];
  for (const module of modules) {
    const subgraph = await module.create({ dataDir: path.join(dataDir, module.name) });
    const running = await startSubgraphServer({ name: module.name, schema: subgraph.schema, context: subgraph.context, port: 0 });
    subgraphUrls[module.name] = running.url;
    stores[module.name] = (subgraph as unknown as { store: { db: { queryCount: number } } }).store;
    stops.push(async () => {
      await running.stop();
      await subgraph.close();
    });
  }
  const gateway = await startGateway({ host: '127.0.0.1', port: 0, subgraphUrls, supergraphSdl: readCheckedInSupergraph() });
  return {
    gateway,
    subgraphUrls,
    stores,
    async request(query, variables) {
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as never };
    },
    async stop() {
      await gateway.stop();
      for (const stop of stops) await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
