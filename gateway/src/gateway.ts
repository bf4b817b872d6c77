import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { logger, SUBGRAPH_NAMES, withEnumHint, type SubgraphName } from '@scifed/schema';
import express, { type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';

import { authorize, authPolicyFromEnv, type AuthPolicy } from './auth.js';
import { readCheckedInSupergraph, subgraphUrl } from './compose.js';
import type { GatewayContext } from './context.js';
import { SubgraphDataSource } from './datasource.js';
import { ideEnabled, ideRouter } from './ide.js';
import {
  armorProtection,
  armorRejectionToLimit,
  checkCost,
  checkTokens,
  fieldCountRule,
  limitsFromEnv,
  structureIdsForCost,
  type OperationLimits,
} from './limits.js';
import { GatewayMetrics } from './metrics.js';
import { StructureSizes } from './sizes.js';

export interface GatewayOptions {
  host: string;
  port: number;
  /** Supergraph SDL; defaults to the checked-in schema/supergraph.graphql. */
  supergraphSdl?: string;
  /** Subgraph URLs by name; defaults to SCIFED_<NAME>_URL or the default local ports. */
  subgraphUrls?: Partial<Record<SubgraphName, string>>;
  /** Operation limits; defaults to limitsFromEnv(). */
  limits?: Partial<OperationLimits>;
  /** API-key policy; defaults to authPolicyFromEnv(). */
  auth?: AuthPolicy;
  /** Folder of the built Explorer page served at `/`; defaults to gateway/web/dist. */
  webRoot?: string;
}

export interface RunningGateway {
  url: string;
  port: number;
  limits: OperationLimits;
  stop(): Promise<void>;
}

export interface SubgraphHealth {
  url: string;
  ok: boolean;
  milliseconds: number;
  error?: string;
}

const HEALTH_TIMEOUT_MS = 2_000;
const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../web/dist', import.meta.url));

/** Sends `{ __typename }` to a subgraph and reports whether it responded. */
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

/** Builds a JSON error body in the GraphQL response shape, for failures outside GraphQL execution. */
function errorBody(message: string, extensions: Record<string, unknown>, requestId?: string) {
  return { errors: [{ message, extensions }], ...(requestId ? { extensions: { requestId } } : {}) };
}

/**
 * Gives each /graphql request its id before any parsing, so rejections of the
 * body (size, JSON, tokens) carry it too. The rejection log line names it.
 */
const assignRequestId: RequestHandler = (_request, response, next) => {
  const requestId = randomUUID();
  response.locals.requestId = requestId;
  response.setHeader('x-request-id', requestId);
  next();
};

/** Sends a rejection outside GraphQL execution and logs it with its request id. */
function reject(response: Response, status: number, message: string, extensions: Record<string, unknown>): void {
  const requestId = response.locals.requestId as string | undefined;
  logger.warn({ requestId, status, code: extensions.code, limit: extensions.limit }, 'request rejected before execution');
  response.status(status).json(errorBody(message, extensions, requestId));
}

/**
 * Rewrites errors for clients: GraphQL Armor rejections become LIMIT_EXCEEDED,
 * unknown enum values list the valid ones, and anything unexpected is masked
 * (the original is logged with the request id by the request plugin).
 */
function formatGatewayError(formatted: GraphQLFormattedError, schema: () => GraphQLSchema | undefined): GraphQLFormattedError {
  const limit = armorRejectionToLimit(formatted.message);
  if (limit) {
    const { http: _http, ...extensions } = limit.extensions as Record<string, unknown>;
    return { message: limit.message, extensions };
  }
  // Apollo relabels every validation error GRAPHQL_VALIDATION_FAILED; restore ours.
  if (typeof formatted.extensions?.limit === 'string') {
    return { ...formatted, extensions: { ...formatted.extensions, code: 'LIMIT_EXCEEDED' } };
  }
  const code = formatted.extensions?.code as string | undefined;
  if (code === 'BAD_USER_INPUT' || code === 'GRAPHQL_VALIDATION_FAILED') {
    return { ...formatted, message: withEnumHint(formatted.message, schema()) };
  }
  if (code === undefined || code === 'INTERNAL_SERVER_ERROR') {
    return { message: 'Internal server error. Quote the request id from extensions.requestId when reporting it.', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
  const { exception: _exception, stacktrace: _stacktrace, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
  return { ...formatted, extensions };
}

/**
 * Creates the request plugin. It checks API keys and the cost limit before
 * execution, so a rejected operation reaches no subgraph, and it sets the
 * request id, writes the log line and records metrics when the response leaves.
 */
function requestPlugin(limits: OperationLimits, auth: AuthPolicy, sizes: StructureSizes, metrics: GatewayMetrics): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const start = performance.now();
      let operationType = 'unknown';
      return {
        async didResolveOperation({ operation, document, request, schema }) {
          operationType = operation?.operation ?? 'unknown';
          authorize(auth, operationType, contextValue.authorization);
          const variables = request.variables ?? {};
          let ids: string[];
          try {
            ids = structureIdsForCost(schema, document, variables, request.operationName ?? undefined);
          } catch (error) {
            // The estimator coerces variables before Apollo does, so a bad
            // variable surfaces here first; report it as the bad input it is.
            throw new GraphQLError((error as Error).message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
          }
          const atomsByStructure = ids.length ? await sizes.lookup(ids) : new Map<string, number>();
          checkCost(schema, document, variables, request.operationName ?? undefined, { atomsByStructure }, limits);
        },
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            // Apollo relabels validation errors; the limit name marks ours.
            const code = error.extensions?.limit !== undefined ? 'LIMIT_EXCEEDED' : (error.extensions?.code as string | undefined);
            metrics.errors.inc({ code: code ?? 'INTERNAL_SERVER_ERROR' });
            if (code === undefined || code === 'INTERNAL_SERVER_ERROR') {
              logger.error({ requestId: contextValue.requestId, err: error.originalError ?? error, path: error.path }, 'internal error');
            }
          }
        },
        async willSendResponse({ response, request, errors }) {
          response.http.headers.set('x-request-id', contextValue.requestId);
          if (errors?.some((e) => e.extensions?.limit !== undefined)) {
            response.http.status = 400;
          }
          if (response.body.kind === 'single') {
            response.body.singleResult.extensions = { ...response.body.singleResult.extensions, requestId: contextValue.requestId };
          }
          const seconds = (performance.now() - start) / 1000;
          const outcome = errors?.length ? 'error' : 'ok';
          metrics.requests.inc({ operation_type: operationType, outcome });
          metrics.duration.observe({ operation_type: operationType }, seconds);
          logger.info(
            {
              requestId: contextValue.requestId,
              operationName: request.operationName,
              operationType,
              milliseconds: Math.round(seconds * 1000),
              subgraphCalls: contextValue.subgraphCalls,
              errors: errors?.map((e) => (e.extensions?.limit !== undefined ? 'LIMIT_EXCEEDED' : (e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'))),
            },
            'request',
          );
        },
      };
    },
  };
}

/** Returns HTTP 504 when a request outlives the timeout. */
function requestTimeout(limits: OperationLimits): RequestHandler {
  return (_request, response, next) => {
    const timer = setTimeout(() => {
      if (response.headersSent) return;
      reject(response, 504, `The request did not finish within requestTimeoutMs (SCIFED_REQUEST_TIMEOUT_MS) = ${limits.requestTimeoutMs} ms.`, {
        code: 'LIMIT_EXCEEDED',
        limit: 'requestTimeoutMs',
        value: limits.requestTimeoutMs,
      });
    }, limits.requestTimeoutMs);
    response.once('close', () => clearTimeout(timer));
    next();
  };
}

/**
 * Rejects documents with more than maxTokens tokens before Apollo parses them.
 * Errors thrown from Apollo's parsing hook would become HTTP 500 responses.
 */
function tokenLimit(limits: OperationLimits): RequestHandler {
  return (request, response, next) => {
    const query = (request.body as { query?: unknown } | undefined)?.query;
    if (typeof query !== 'string') return next();
    try {
      checkTokens(query, limits);
    } catch (error) {
      const limitError = error as GraphQLError;
      const { http: _http, ...extensions } = limitError.extensions;
      reject(response, 400, limitError.message, extensions);
      return;
    }
    next();
  };
}

/** Turns body-parser's size rejection into PAYLOAD_TOO_LARGE in the GraphQL error shape. */
function payloadErrors(limits: OperationLimits): ErrorRequestHandler {
  return (error, _request, response, next) => {
    if (error?.type === 'entity.too.large') {
      reject(
        response,
        413,
        `The request body is ${error.length} bytes, above maxBodyBytes (SCIFED_MAX_BODY) = ${limits.maxBodyBytes} bytes. Send smaller batches.`,
        { code: 'PAYLOAD_TOO_LARGE', limit: 'maxBodyBytes', value: limits.maxBodyBytes, measured: error.length },
      );
      return;
    }
    if (error?.type === 'entity.parse.failed') {
      reject(response, 400, `The request body is not valid JSON (${error.message}). GraphQL strings in JSON cannot hold raw line breaks; write \\n or put the query on one line.`, {
        code: 'BAD_USER_INPUT',
      });
      return;
    }
    next(error);
  };
}

/**
 * Serves the built Explorer page at `/`. Vite names every file under assets/
 * by its content hash, so those are cached for a year. Browsers revalidate
 * index.html on each load, so a rebuild shows at once.
 */
function serveExplorer(app: express.Express, webRoot: string): void {
  if (!existsSync(path.join(webRoot, 'index.html'))) {
    logger.info({ webRoot }, 'Explorer page not built, so / serves nothing; run npm run build -w gateway/web');
    return;
  }
  app.use(
    express.static(webRoot, {
      index: 'index.html',
      setHeaders: (response, file) => {
        const immutable = path.relative(webRoot, file).startsWith(`assets${path.sep}`);
        response.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
}

/**
 * Starts the Apollo gateway over the supergraph with express: POST /graphql
 * for operations, GraphiQL on GET /graphql, /health, /ready, /metrics and the
 * Explorer page at `/`.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const limits = limitsFromEnv(process.env, options.limits);
  const auth = options.auth ?? authPolicyFromEnv();
  const metrics = new GatewayMetrics();
  const urls = Object.fromEntries(
    SUBGRAPH_NAMES.map((name) => [name, options.subgraphUrls?.[name] ?? subgraphUrl(name)]),
  ) as Record<SubgraphName, string>;
  const sizes = new StructureSizes(() => urls.materials);

  // @apollo/gateway 2.x otherwise probes cloud metadata addresses and exports
  // usage metrics to Apollo's servers; SciFed makes no outbound calls.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl ?? readCheckedInSupergraph(),
    // The checked-in supergraph names default local URLs; route by subgraph name instead.
    buildService: ({ name }) => new SubgraphDataSource(name as SubgraphName, urls[name as SubgraphName], metrics, limits.requestTimeoutMs),
  });
  let schema: GraphQLSchema | undefined;
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => {
    schema = apiSchema;
  });

  const armor = armorProtection(limits);
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const server = new ApolloServer<GatewayContext>({
    gateway,
    plugins: [
      ...(armor.plugins as ApolloServerPlugin<GatewayContext>[]),
      requestPlugin(limits, auth, sizes, metrics),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
    ],
    validationRules: [...armor.validationRules, fieldCountRule(limits)],
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    formatError: (formatted) => formatGatewayError(formatted, () => schema),
  });
  await server.start();

  app.get('/health', async (_request, response) => {
    const entries = await Promise.all(SUBGRAPH_NAMES.map(async (name) => [name, await probeSubgraph(urls[name])] as const));
    const healthy = entries.every(([, health]) => health.ok);
    response.status(200).json({ status: healthy ? 'ok' : 'degraded', subgraphs: Object.fromEntries(entries) });
  });
  app.get('/ready', async (_request, response) => {
    const entries = await Promise.all(SUBGRAPH_NAMES.map(async (name) => [name, await probeSubgraph(urls[name])] as const));
    const ready = entries.every(([, health]) => health.ok);
    response.status(ready ? 200 : 503).json({ ready, subgraphs: Object.fromEntries(entries) });
  });
  app.get('/metrics', async (_request, response) => {
    const metricUrls = SUBGRAPH_NAMES.map((name) => urls[name].replace(/\/graphql\/?$/, '/metrics.json'));
    const { contentType, text } = await metrics.render(metricUrls);
    response.type(contentType).send(text);
  });
  if (ideEnabled()) app.use(ideRouter());

  app.use(
    '/graphql',
    assignRequestId,
    requestTimeout(limits),
    express.json({ limit: limits.maxBodyBytes }),
    tokenLimit(limits),
    expressMiddleware(server, {
      context: async ({ req, res }) => ({
        requestId: (res.locals.requestId as string | undefined) ?? randomUUID(),
        authorization: req.headers.authorization,
        subgraphCalls: [],
      }),
    }),
  );
  app.use(payloadErrors(limits));
  serveExplorer(app, options.webRoot ?? DEFAULT_WEB_ROOT);

  await new Promise<void>((resolve) => httpServer.listen(options.port, options.host, resolve));
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://${options.host}:${port}/graphql`;
  logger.info({ url, limits }, 'gateway listening');

  return {
    url,
    port,
    limits,
    stop: async () => {
      await server.stop();
      logger.info('gateway stopped');
    },
  };
}
