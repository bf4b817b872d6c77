import { buildSubgraphSchema, type GraphQLResolverMap } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type GraphQLSchema } from 'graphql';
import { buildSchemaSync, createResolversMap, type NonEmptyArray } from 'type-graphql';

import { DateTimeScalar, JSONScalar } from './scalars.js';

/** The Federation 2 version every SciFed subgraph links to. */
export const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires"])';

export interface SubgraphDefinition {
  /** type-graphql resolver classes. */
  resolvers: NonEmptyArray<Function>;
  /** Entity types that no field returns directly but the gateway resolves by key. */
  orphanedTypes?: Function[];
  /**
   * `__resolveReference` (and any other extra resolvers) per type name. Each
   * receives the representation and the request context; use a per-request
   * DataLoader so one store query serves every representation of a type.
   */
  referenceResolvers?: Record<string, Record<string, unknown>>;
}

export interface BuiltSubgraph {
  schema: GraphQLSchema;
  /** The subgraph SDL with the federation @link, as checked in under schema/. */
  sdl: string;
}

/**
 * Turns type-graphql resolver classes into a Federation 2 subgraph schema:
 * build with type-graphql, print with directives kept (`@key` lives in the
 * type-graphql metadata), prepend the federation @link, and hand the SDL and
 * type-graphql's resolver map to `buildSubgraphSchema`.
 */
export function buildFederatedSchema(definition: SubgraphDefinition): BuiltSubgraph {
  const typeGraphqlSchema = buildSchemaSync({
    resolvers: definition.resolvers,
    orphanedTypes: definition.orphanedTypes,
    scalarsMap: [],
    validate: false,
  });
  const sdl = `${FEDERATION_LINK}\n\n${printSchemaWithDirectives(typeGraphqlSchema)}\n`;

  const resolvers = createResolversMap(typeGraphqlSchema) as Record<string, Record<string, unknown>>;
  resolvers.JSON ??= JSONScalar as unknown as Record<string, unknown>;
  resolvers.DateTime ??= DateTimeScalar as unknown as Record<string, unknown>;
  for (const [typeName, extra] of Object.entries(definition.referenceResolvers ?? {})) {
    resolvers[typeName] = { ...(resolvers[typeName] ?? {}), ...extra };
  }

  const schema = buildSubgraphSchema([{ typeDefs: parse(sdl), resolvers: resolvers as GraphQLResolverMap }]);
  return { schema, sdl };
}
