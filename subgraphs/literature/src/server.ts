import 'reflect-metadata';

import { serveSubgraph } from '@scifed/schema';

import { createLiteratureSubgraph } from './subgraph.js';

// Standalone start: `npm run start -w subgraphs/literature`. SCIFED_LITERATURE_PORT
// overrides the default port; SCIFED_DATA_DIR sets where its files live.
await serveSubgraph('literature', () => createLiteratureSubgraph());
