import 'reflect-metadata';

import { writeFileSync } from 'node:fs';

import { printSchemas, SCHEMA_DIR, SUPERGRAPH_PATH } from './compose.js';

// `npm run compose`: rewrites schema/<subgraph>.graphql and
// schema/supergraph.graphql from the code. Commit the result; a test fails
// when the checked-in files differ from what the code prints.
const printed = await printSchemas();
for (const { name, sdl } of printed.subgraphs) {
  writeFileSync(`${SCHEMA_DIR}${name}.graphql`, sdl);
  console.log(`wrote schema/${name}.graphql`);
}
writeFileSync(SUPERGRAPH_PATH, printed.supergraph);
console.log('wrote schema/supergraph.graphql');
