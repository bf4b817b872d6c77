export { buildLiteratureSchema, createLiteratureSubgraph, type LiteratureSubgraph } from './subgraph.js';
export { LiteratureService, type SearchArguments, type SearchHit } from './service.js';
export { LiteratureStore, type PaperRecord } from './store.js';
export { limitsFromEnv, type LiteratureLimits } from './limits.js';
export { recognizeMaterials } from './text/formulas.js';
