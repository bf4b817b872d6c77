import 'reflect-metadata';

import { defaultSubgraphPort, logger, startSubgraphServer } from '@scifed/schema';

import { createDataSubgraph } from './subgraph.js';

// Standalone start: `npm run start -w subgraphs/data`.
// SCIFED_DATA_PORT overrides the default port (gateway port + 4).
const subgraph = await createDataSubgraph();
const running = await startSubgraphServer({
  name: subgraph.name,
  schema: subgraph.schema,
  context: subgraph.context,
  host: process.env.SCIFED_HOST,
  port: Number(process.env.SCIFED_DATA_PORT ?? defaultSubgraphPort('data')),
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    logger.info({ signal }, 'stopping data subgraph');
    await running.stop();
    await subgraph.close();
    process.exit(0);
  });
}
