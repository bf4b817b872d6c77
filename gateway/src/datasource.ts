import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { SubgraphName } from '@scifed/schema';
import { GraphQLError } from 'graphql';

import type { GatewayContext } from './context.js';
import type { GatewayMetrics } from './metrics.js';

/**
 * Sends the gateway's requests to one subgraph: forwards the request id,
 * aborts after the request timeout, times each call, and turns a failed
 * connection into SUBGRAPH_UNAVAILABLE naming the subgraph. Like Apollo's
 * default, it never retries, so a mutation is never sent twice.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    readonly subgraph: SubgraphName,
    url: string,
    private readonly metrics: GatewayMetrics,
    timeoutMs: number,
  ) {
    super({
      url,
      fetcher: ((input: string, init: RequestInit) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) })) as never,
    });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (context?.requestId) request.http?.headers.set('x-request-id', context.requestId);
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const start = performance.now();
    let outcome = 'ok';
    try {
      return await super.process(options);
    } catch (error) {
      outcome = 'error';
      throw error;
    } finally {
      const seconds = (performance.now() - start) / 1000;
      this.metrics.subgraphDuration.observe({ subgraph: this.subgraph, outcome }, seconds);
      options.context?.subgraphCalls?.push({ subgraph: this.subgraph, milliseconds: Math.round(seconds * 1000), outcome });
    }
  }

  override didEncounterError(error: Error): void {
    if (error instanceof GraphQLError) throw error;
    throw new GraphQLError(`The ${this.subgraph} subgraph is unavailable: ${error.message}. Fields from other subgraphs are still returned.`, {
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: this.subgraph },
    });
  }
}
