import { defineConfig } from '@graphql-hive/gateway';

// Hive Gateway shares one subgraph request among identical concurrent
// requests by default; @apollo/gateway does not. The benchmark runs Hive a
// second time with this file as its configuration, so both are compared doing
// the same work per request.
export const gatewayConfig = defineConfig({
  transportEntries: {
    '*.http': { options: { deduplicateInflightRequests: false } as Record<string, unknown> },
  },
});
