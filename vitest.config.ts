import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// One copy of graphql must load, or type-graphql and Apollo see two realms
// ("Cannot use GraphQLSchema from another module or realm").
const graphqlEntry = fileURLToPath(new URL('./node_modules/graphql/index.js', import.meta.url));

export default defineConfig({
  resolve: {
    alias: [{ find: /^graphql$/, replacement: graphqlEntry }],
  },
  test: {
    include: ['{schema,compute,gateway,bench}/test/**/*.test.ts', 'subgraphs/*/test/**/*.test.ts', 'gateway/web/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: more workers only add contention for DuckDB and WebAssembly.
    maxWorkers: 2,
    setupFiles: ['reflect-metadata'],
    // Request logs are for operators; tests print only warnings and errors.
    env: { SCIFED_LOG_LEVEL: 'warn' },
  },
});
