export { buildDataSchema, createDataSubgraph, type DataSubgraph } from './subgraph.js';
export { DataStore, type TableRecord } from './store.js';
export { TableService } from './tables/service.js';
