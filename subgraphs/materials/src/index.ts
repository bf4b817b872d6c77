export { buildMaterialsSchema, createMaterialsSubgraph, type MaterialsSubgraph } from './subgraph.js';
export { buildCrystal, type AtomsData, type Prototype } from './crystal/prototypes.js';
export { MaterialsStore, type StructureRecord } from './store.js';
