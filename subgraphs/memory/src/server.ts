import 'reflect-metadata';

import { serveSubgraph } from '@scifed/schema';

import { createMemorySubgraph } from './subgraph.js';

// Standalone start: `npm run start -w subgraphs/memory`. SCIFED_MEMORY_PORT
// overrides the default port; SCIFED_DATA_DIR sets where its files live.
await serveSubgraph('memory', () => createMemorySubgraph());
