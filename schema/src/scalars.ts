// Shared scalars. graphql-scalars provides the parsing and serialisation;
// every subgraph uses these same instances so the composed schema has one
// definition of each.
export { GraphQLJSON as JSONScalar, GraphQLDateTime as DateTimeScalar } from 'graphql-scalars';
