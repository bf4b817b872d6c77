import 'reflect-metadata';

import { serveSubgraph } from '@scifed/schema';

import { createMaterialsSubgraph } from './subgraph.js';

// Standalone start: `npm run start -w subgraphs/materials`. SCIFED_MATERIALS_PORT
// overrides the default port; SCIFED_DATA_DIR sets where its files live.
await serveSubgraph('materials', () => createMaterialsSubgraph());
