import { readFileSync } from 'node:fs';

import { describe, expect, test } from 'vitest';

import { printSchemas, SCHEMA_DIR } from '../src/compose.js';

describe('checked-in schema', () => {
  test('subgraph SDL and supergraph match the code', async () => {
    const printed = await printSchemas();
    for (const { name, sdl } of printed.subgraphs) {
      expect(readFileSync(`${SCHEMA_DIR}${name}.graphql`, 'utf8'), `schema/${name}.graphql is stale; run npm run compose`).toBe(sdl);
    }
    expect(readFileSync(`${SCHEMA_DIR}supergraph.graphql`, 'utf8'), 'schema/supergraph.graphql is stale; run npm run compose').toBe(
      printed.supergraph,
    );
  });

  test('every subgraph links Federation 2', async () => {
    const printed = await printSchemas();
    for (const { sdl } of printed.subgraphs) {
      expect(sdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+"/);
    }
  });
});
