import { ApolloServer, type ContextFunction } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer, type StandaloneServerContextFunctionArgument } from '@apollo/server/standalone';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { pino } from 'pino';

import { InputError, withEnumHint } from './errors.js';

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

export interface RunningSubgraph {
  url: string;
  stop(): Promise<void>;
}

/** The Apollo server every subgraph runs: error mapping and masking, no inline tracing. */
export function createSubgraphApolloServer<TContext extends object>(schema: GraphQLSchema): ApolloServer<TContext> {
  return new ApolloServer<TContext>({
    schema,
    plugins: [ApolloServerPluginInlineTraceDisabled()],
    formatError: (formatted, error) => formatSubgraphError(formatted, error, schema),
    includeStacktraceInErrorResponses: false,
  });
}

/** Starts a subgraph over HTTP; port 0 picks a free port (tests). */
export async function startSubgraphServer<TContext extends object>(options: {
  name: string;
  schema: GraphQLSchema;
  context: ContextFunction<[StandaloneServerContextFunctionArgument], TContext>;
  host?: string;
  port: number;
}): Promise<RunningSubgraph> {
  const server = createSubgraphApolloServer<TContext>(options.schema);
  const { url } = await startStandaloneServer(server, {
    listen: { host: options.host ?? DEFAULT_HOST, port: options.port },
    context: options.context,
  });
  logger.info({ subgraph: options.name, url }, 'subgraph listening');
  return {
    url,
    stop: () => server.stop(),
  };
}
