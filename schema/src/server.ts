import { readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { ApolloServer, type ContextFunction } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware, type ExpressContextFunctionArgument } from '@as-integrations/express5';
import { onKernelRun, releaseGpu } from '@scifed/compute';
import express from 'express';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { pino } from 'pino';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

import { InputError, withEnumHint } from './errors.js';
import { dataDir } from './store.js';

export const logger = pino({ level: process.env.SCIFED_LOG_LEVEL ?? 'info' });

/** Subgraph names in port order: the gateway port + 1, + 2, + 3, + 4. */
export const SUBGRAPH_NAMES = ['materials', 'literature', 'memory', 'data'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_GATEWAY_PORT = 4000;

/** Port a subgraph listens on by default: SCIFED_PORT (default 4000) plus its 1-based position. */
export function defaultSubgraphPort(name: SubgraphName): number {
  const base = Number(process.env.SCIFED_PORT ?? DEFAULT_GATEWAY_PORT);
  return base + 1 + SUBGRAPH_NAMES.indexOf(name);
}

/**
 * Maps errors thrown by domain code to registered codes and masks anything
 * unexpected: the client sees INTERNAL_SERVER_ERROR, the log gets the stack.
 */
export function formatSubgraphError(formatted: GraphQLFormattedError, error: unknown, schema?: GraphQLSchema): GraphQLFormattedError {
  if (formatted.extensions?.code === 'BAD_USER_INPUT') {
    return { ...formatted, message: withEnumHint(formatted.message, schema) };
  }
  const original = (error as { originalError?: unknown })?.originalError ?? error;
  if (original instanceof InputError) {
    return { ...formatted, message: original.message, extensions: { ...formatted.extensions, code: original.code } };
  }
  const code = formatted.extensions?.code;
  if (code === 'INTERNAL_SERVER_ERROR' || code === undefined) {
    logger.error({ err: original, path: formatted.path }, 'unexpected error in resolver');
    return { message: 'Internal server error.', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
  return formatted;
}

/** The Apollo server every subgraph runs: error mapping and masking, no inline tracing. */
export function createSubgraphApolloServer<TContext extends object>(schema: GraphQLSchema, plugins: ApolloServer<TContext>['internals']['plugins'] = []): ApolloServer<TContext> {
  return new ApolloServer<TContext>({
    schema,
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginLandingPageDisabled(), ...plugins],
    formatError: (formatted, error) => formatSubgraphError(formatted, error, schema),
    includeStacktraceInErrorResponses: false,
  });
}

/** Prometheus metrics of one subgraph process, exported as JSON for the gateway to merge. */
function subgraphMetrics(name: string, dataFiles: () => string[]) {
  const registry = new Registry();
  registry.setDefaultLabels({ service: name });
  collectDefaultMetrics({ register: registry, prefix: 'scifed_' });
  const requests = new Counter({
    name: 'scifed_subgraph_requests_total',
    help: 'GraphQL requests received by a subgraph.',
    registers: [registry],
  });
  const kernelSeconds = new Histogram({
    name: 'scifed_kernel_seconds',
    help: 'Time of one kernel-layer call, seconds, by kernel and backend.',
    labelNames: ['kernel', 'backend'] as const,
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [registry],
  });
  new Gauge({
    name: 'scifed_storage_bytes',
    help: 'Size of each DuckDB database and vector index file, bytes.',
    labelNames: ['file'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const file of dataFiles()) {
        try {
          this.set({ file: path.basename(file) }, statSync(file).size);
        } catch {
          // Removed between listing and stat.
        }
      }
    },
  });
  const unsubscribe = onKernelRun((run) => kernelSeconds.observe({ kernel: run.kernel, backend: run.backend }, run.seconds));
  return { registry, requests, unsubscribe };
}

export interface RunningSubgraph {
  url: string;
  /** GraphQL requests received so far (tests use it to prove the gateway sent none). */
  requestCount(): number;
  stop(): Promise<void>;
}

/**
 * Starts a subgraph over HTTP with express: POST /graphql, GET /health and
 * GET /metrics.json (prom-client JSON, merged by the gateway's /metrics).
 * Port 0 picks a free port (tests).
 */
export async function startSubgraphServer<TContext extends object>(options: {
  name: string;
  schema: GraphQLSchema;
  context: ContextFunction<[ExpressContextFunctionArgument], TContext>;
  host?: string;
  port: number;
  /** Files whose sizes /metrics reports (the DuckDB file and its indexes); default: none. */
  dataFiles?: () => string[];
  /** Largest request body (SCIFED_SUBGRAPH_MAX_BODY, default 64mb). */
  maxBody?: string;
}): Promise<RunningSubgraph> {
  const metrics = subgraphMetrics(options.name, options.dataFiles ?? (() => []));
  let count = 0;
  const app = express();
  const httpServer = http.createServer(app);
  const server = createSubgraphApolloServer<TContext>(options.schema, [ApolloServerPluginDrainHttpServer({ httpServer })]);
  await server.start();

  app.get('/health', (_request, response) => {
    response.json({ status: 'ok', subgraph: options.name });
  });
  app.get('/metrics.json', async (_request, response) => {
    response.json(await metrics.registry.getMetricsAsJSON());
  });
  app.use(
    '/graphql',
    (_request, _response, next) => {
      count++;
      metrics.requests.inc();
      next();
    },
    express.json({ limit: options.maxBody ?? process.env.SCIFED_SUBGRAPH_MAX_BODY ?? '64mb' }),
    expressMiddleware(server, { context: options.context }),
  );

  await new Promise<void>((resolve) => httpServer.listen(options.port, options.host ?? DEFAULT_HOST, resolve));
  const { address, port } = httpServer.address() as AddressInfo;
  const url = `http://${address}:${port}/graphql`;
  logger.info({ subgraph: options.name, url }, 'subgraph listening');
  return {
    url,
    requestCount: () => count,
    stop: async () => {
      await server.stop();
      metrics.unsubscribe();
      logger.info({ subgraph: options.name }, 'subgraph stopped');
    },
  };
}

/** Lists a subgraph's files in its data folder: `<name>.duckdb*` and `<name>*.usearch`. */
export function dataFilesOf(name: string, dir: string): () => string[] {
  return () => {
    try {
      return readdirSync(dir)
        .filter((file) => file.startsWith(name))
        .map((file) => path.join(dir, file));
    } catch {
      return [];
    }
  };
}

/**
 * Stops a standalone subgraph on SIGINT/SIGTERM: server first, then the store
 * and the GPU device. Signals that arrive while it stops are ignored: a
 * process group signal reaches a subgraph both directly and from the
 * launcher, and the second one must not kill it halfway.
 */
export function stopOnSignals(name: string, stops: (() => Promise<void>)[]): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, async () => {
      if (stopping) return;
      stopping = true;
      logger.info({ subgraph: name, signal }, 'stopping subgraph');
      for (const stop of stops) await stop();
      await releaseGpu();
      process.exit(0);
    });
  }
}

/**
 * Runs one subgraph as its own process: opens it under SCIFED_DATA_DIR,
 * listens on SCIFED_<NAME>_PORT (default: gateway port + its position) and
 * stops cleanly on SIGINT and SIGTERM. Each subgraph's src/server.ts calls this.
 */
export async function serveSubgraph(
  name: SubgraphName,
  create: () => Promise<{ schema: GraphQLSchema; context: () => Promise<object>; close(): Promise<void> }>,
): Promise<RunningSubgraph> {
  const subgraph = await create();
  const running = await startSubgraphServer({
    name,
    schema: subgraph.schema,
    context: subgraph.context,
    host: process.env.SCIFED_HOST,
    port: Number(process.env[`SCIFED_${name.toUpperCase()}_PORT`] ?? defaultSubgraphPort(name)),
    dataFiles: dataFilesOf(name, dataDir()),
  });
  stopOnSignals(name, [running.stop, () => subgraph.close()]);
  return running;
}

/** Sends `{ __typename }` to a GraphQL endpoint and resolves whether it returned HTTP 200. */
export async function respondsToGraphql(url: string, timeoutMs = 1_000): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Polls a GraphQL endpoint until it responds. Throws, naming `label`, when
 * `alive()` turns false (the process exited) or `timeoutMs` passes.
 */
export async function waitForGraphql(url: string, options: { label: string; timeoutMs: number; alive: () => boolean }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (!options.alive()) throw new Error(`${options.label} exited during start-up; see its log above.`);
    if (await respondsToGraphql(url)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${options.label} did not respond at ${url} within ${options.timeoutMs / 1000} s.`);
}
