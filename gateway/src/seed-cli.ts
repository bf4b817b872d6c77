import { DEFAULT_GATEWAY_PORT, DEFAULT_HOST } from '@scifed/schema';

import { seedDemo } from './demo.js';

// `npm run seed`: loads the demo data set into a running service at
// SCIFED_HOST:SCIFED_PORT. Where SCIFED_API_KEYS is set, SCIFED_API_KEY
// carries the key to send.
const host = process.env.SCIFED_HOST ?? DEFAULT_HOST;
const port = Number(process.env.SCIFED_PORT ?? DEFAULT_GATEWAY_PORT);
const key = process.env.SCIFED_API_KEY;
await seedDemo(`http://${host}:${port}/graphql`, key ? { authorization: `Bearer ${key}` } : {});
console.log(`Demo data loaded into http://${host}:${port}/graphql`);
