import 'reflect-metadata';

import { defaultSubgraphPort, logger, startSubgraphServer } from '@scifed/schema';

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
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    logger.info({ signal }, 'stopping materials subgraph');
    await running.stop();
    await subgraph.close();
    process.exit(0);
  });
}
