export { buildMemorySchema, createMemorySubgraph, type MemorySubgraph } from './subgraph.js';
export { MemoryService } from './memory/service.js';
export { MemoryStore, type MemoryRecord, type BankRecord } from './store.js';
export { limitsFromEnv, type MemoryLimits } from './limits.js';
