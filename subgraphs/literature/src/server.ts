import 'reflect-metadata';

import { defaultSubgraphPort, logger, startSubgraphServer } from '@scifed/schema';

import { createLiteratureSubgraph } from './subgraph.js';

// Standalone start: `npm run start -w subgraphs/literature`.
// SCIFED_LITERATURE_PORT overrides the default port (gateway port + 2).
const subgraph = await createLiteratureSubgraph();
const running = await startSubgraphServer({
  name: subgraph.name,
  schema: subgraph.schema,
  context: subgraph.context,
  host: process.env.SCIFED_HOST,
  port: Number(process.env.SCIFED_LITERATURE_PORT ?? defaultSubgraphPort('literature')),
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    logger.info({ signal }, 'stopping literature subgraph');
    await running.stop();
    await subgraph.close();
    process.exit(0);
  });
}
