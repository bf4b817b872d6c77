import 'reflect-metadata';

import { defaultSubgraphPort, logger, startSubgraphServer } from '@scifed/schema';

import { createMemorySubgraph } from './subgraph.js';

// Standalone start: `npm run start -w subgraphs/memory`.
// SCIFED_MEMORY_PORT overrides the default port (gateway port + 3).
const subgraph = await createMemorySubgraph();
const running = await startSubgraphServer({
  name: subgraph.name,
  schema: subgraph.schema,
  context: subgraph.context,
  host: process.env.SCIFED_HOST,
  port: Number(process.env.SCIFED_MEMORY_PORT ?? defaultSubgraphPort('memory')),
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    logger.info({ signal }, 'stopping memory subgraph');
    await running.stop();
    await subgraph.close();
    process.exit(0);
  });
}
