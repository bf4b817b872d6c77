import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { logger, SUBGRAPH_NAMES, type SubgraphName } from '@scifed/schema';
import express from 'express';

import { readCheckedInSupergraph, subgraphUrl } from './compose.js';

export interface GatewayOptions {
  host: string;
  port: number;
  /** Supergraph SDL; defaults to the checked-in schema/supergraph.graphql. */
  supergraphSdl?: string;
  /** Subgraph URLs by name; defaults to SCIFED_<NAME>_URL or the default local ports. */
  subgraphUrls?: Partial<Record<SubgraphName, string>>;
  /** Largest request body, e.g. "10mb" (SCIFED_MAX_BODY, default 10mb). */
  maxBody?: string;
}

export interface RunningGateway {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface SubgraphHealth {
  url: string;
  ok: boolean;
  milliseconds: number;
  error?: string;
}

const HEALTH_TIMEOUT_MS = 2_000;

/** Sends `{ __typename }` to a subgraph and reports whether it answered. */
async function probeSubgraph(url: string): Promise<SubgraphHealth> {
  const start = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
      signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
    });
    const ok = response.ok && ((await response.json()) as { data?: unknown }).data !== undefined;
    return { url, ok, milliseconds: Math.round(performance.now() - start), ...(ok ? {} : { error: `HTTP ${response.status}` }) };
  } catch (error) {
    return { url, ok: false, milliseconds: Math.round(performance.now() - start), error: (error as Error).message };
  }
}

/**
 * Starts the Apollo gateway over the supergraph with express: POST /graphql
 * for operations, GET /health for the state of every subgraph.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const urls = Object.fromEntries(
    SUBGRAPH_NAMES.map((name) => [name, options.subgraphUrls?.[name] ?? subgraphUrl(name)]),
  ) as Record<SubgraphName, string>;

  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl ?? readCheckedInSupergraph(),
    // The checked-in supergraph names default local URLs; route by subgraph name instead.
    buildService: ({ name }) => new RemoteGraphQLDataSource({ url: urls[name as SubgraphName] }),
  });

  const app = express();
  const httpServer = http.createServer(app);
  const server = new ApolloServer({
    gateway,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer })],
    includeStacktraceInErrorResponses: false,
  });
  await server.start();

  app.get('/health', async (_request, response) => {
    const entries = await Promise.all(SUBGRAPH_NAMES.map(async (name) => [name, await probeSubgraph(urls[name])] as const));
    const subgraphs = Object.fromEntries(entries);
    const healthy = entries.every(([, health]) => health.ok);
    response.status(200).json({ status: healthy ? 'ok' : 'degraded', subgraphs });
  });

  app.use(
    '/graphql',
    express.json({ limit: options.maxBody ?? process.env.SCIFED_MAX_BODY ?? '10mb' }),
    expressMiddleware(server),
  );

  await new Promise<void>((resolve) => httpServer.listen(options.port, options.host, resolve));
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://${options.host}:${port}/graphql`;
  logger.info({ url }, 'gateway listening');

  return {
    url,
    port,
    stop: async () => {
      await server.stop();
    },
  };
}
