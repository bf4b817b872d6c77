import { composeServices } from '@apollo/composition';
import { buildMaterialsSchema } from '@scifed/materials';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';

import { buildDataSchema } from '../src/index.js';

describe('data subgraph SDL', () => {
  it('composes with the materials subgraph', () => {
    const result = composeServices([
      { name: 'materials', url: 'http://127.0.0.1:4001/graphql', typeDefs: parse(buildMaterialsSchema().sdl) },
      { name: 'data', url: 'http://127.0.0.1:4004/graphql', typeDefs: parse(buildDataSchema().sdl) },
    ]);
    expect(result.errors?.map((error) => error.message)).toBeUndefined();
    expect(result.supergraphSdl).toContain('type Table');
  });

  it('declares Table and Material as entities', () => {
    const { sdl } = buildDataSchema();
    expect(sdl).toContain('type Table @key(fields: "name")');
    expect(sdl).toContain('type Material @key(fields: "formula")');
  });
});
