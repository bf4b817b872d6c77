import 'reflect-metadata';

import { dataDir, dataFilesOf, defaultSubgraphPort, startSubgraphServer, stopOnSignals } from '@scifed/schema';

import { createMaterialsSubgraph } from './subgraph.js';

// Standalone start: `npm run start -w subgraphs/materials`.
// SCIFED_MATERIALS_PORT overrides the default port (gateway port + 1).
const subgraph = await createMaterialsSubgraph();
const running = await startSubgraphServer({
  name: subgraph.name,
  schema: subgraph.schema,
  context: subgraph.context,
  host: process.env.SCIFED_HOST,
  port: Number(process.env.SCIFED_MATERIALS_PORT ?? defaultSubgraphPort('materials')),
  dataFiles: dataFilesOf('materials', dataDir()),
});
stopOnSignals(subgraph.name, [running.stop, subgraph.close]);
