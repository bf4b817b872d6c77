import 'reflect-metadata';

import { serveSubgraph } from '@scifed/schema';

import { createDataSubgraph } from './subgraph.js';

// Standalone start: `npm run start -w subgraphs/data`. SCIFED_DATA_PORT
// overrides the default port; SCIFED_DATA_DIR sets where its files live.
await serveSubgraph('data', () => createDataSubgraph());
