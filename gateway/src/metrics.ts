import { AggregatorRegistry, Counter, Histogram, Registry, collectDefaultMetrics, type MetricObjectWithValues, type MetricValue } from 'prom-client';

type MetricJson = MetricObjectWithValues<MetricValue<string>>;

/** Gateway metrics in Prometheus text format; subgraph metrics are merged in at scrape time. */
export class GatewayMetrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'scifed_gateway_requests_total',
    help: 'GraphQL requests handled by the gateway, by operation type and outcome.',
    labelNames: ['operation_type', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly duration = new Histogram({
    name: 'scifed_gateway_request_duration_seconds',
    help: 'Time from request to response at the gateway, seconds.',
    labelNames: ['operation_type'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly errors = new Counter({
    name: 'scifed_gateway_errors_total',
    help: 'Errors returned by the gateway, by extensions.code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly subgraphDuration = new Histogram({
    name: 'scifed_gateway_subgraph_request_duration_seconds',
    help: 'Time of one gateway request to a subgraph, seconds.',
    labelNames: ['subgraph', 'outcome'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  constructor() {
    this.registry.setDefaultLabels({ service: 'gateway' });
    collectDefaultMetrics({ register: this.registry, prefix: 'scifed_' });
  }

  /**
   * Gateway metrics plus each subgraph's, fetched from its /metrics.json.
   * A subgraph that does not respond is skipped (its absence shows in /ready).
   */
  async render(subgraphMetricUrls: string[]): Promise<{ contentType: string; text: string }> {
    const collected: MetricJson[][] = [await this.registry.getMetricsAsJSON()];
    await Promise.all(
      subgraphMetricUrls.map(async (url) => {
        try {
          const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
          if (response.ok) collected.push((await response.json()) as MetricJson[]);
        } catch {
          // Unreachable subgraph: reported by /ready, not here.
        }
      }),
    );
    const merged = AggregatorRegistry.aggregate(collected);
    return { contentType: merged.contentType, text: await merged.metrics() };
  }
}
