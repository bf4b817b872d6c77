import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { startSubgraphServer, type SubgraphName } from '@scifed/schema';

import { readCheckedInSupergraph } from '../src/compose.js';
import { startGateway, type GatewayOptions, type RunningGateway } from '../src/gateway.js';
import { loadSubgraphModules } from '../src/subgraphs.js';

export interface Stack {
  gateway: RunningGateway;
  subgraphUrls: Partial<Record<SubgraphName, string>>;
  /** Store query counters per subgraph, for batching checks. */
  stores: Partial<Record<SubgraphName, { db: { queryCount: number } }>>;
  /** GraphQL requests each subgraph has received so far. */
  requestCounts: Partial<Record<SubgraphName, () => number>>;
  /** Stops one subgraph's server (to test partial failure). */
  stopSubgraph(name: SubgraphName): Promise<void>;
  request<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] } }>;
  stop(): Promise<void>;
}

/**
 * Every subgraph on an ephemeral 127.0.0.1 port with its own temporary data
 * folder, and the gateway over the checked-in supergraph in front of them.
 */
export async function startStack(gatewayOptions: Partial<GatewayOptions> = {}): Promise<Stack> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'scifed-stack-'));
  const modules = await loadSubgraphModules();
  const subgraphUrls: Partial<Record<SubgraphName, string>> = {};
  const stores: Stack['stores'] = {};
  const requestCounts: Stack['requestCounts'] = {};
  const servers = new Map<SubgraphName, { stop(): Promise<void> }>();
  const stops: (() => Promise<void>)[] = [];
  for (const module of modules) {
    const subgraph = await module.create({ dataDir: path.join(dataDir, module.name) });
    const running = await startSubgraphServer({ name: module.name, schema: subgraph.schema, context: subgraph.context, port: 0 });
    requestCounts[module.name] = running.requestCount;
    subgraphUrls[module.name] = running.url;
    stores[module.name] = (subgraph as unknown as { store: { db: { queryCount: number } } }).store;
    servers.set(module.name, running);
    stops.push(async () => {
      if (servers.delete(module.name)) await running.stop();
      await subgraph.close();
    });
  }
  const gateway = await startGateway({ host: '127.0.0.1', port: 0, subgraphUrls, supergraphSdl: readCheckedInSupergraph(), ...gatewayOptions });
  return {
    gateway,
    subgraphUrls,
    stores,
    requestCounts,
    async stopSubgraph(name) {
      const server = servers.get(name);
      servers.delete(name);
      await server?.stop();
    },
    async request(query, variables, headers = {}) {
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
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
