// type-graphql reads decorator metadata through the Reflect API; load the polyfill before any decorated class.
import 'reflect-metadata';

// The shared contract of every SciFed subgraph: error codes, scalars,
// connections, the federation helper, formulas, the DuckDB store and the
// subgraph server.
export * from './errors.js';
export * from './scalars.js';
export * from './connection.js';
export * from './subgraph.js';
export * from './formula.js';
export * from './store.js';
export * from './server.js';
