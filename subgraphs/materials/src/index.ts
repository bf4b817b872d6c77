export { buildMaterialsSchema, createMaterialsSubgraph, type MaterialsSubgraph } from './subgraph.js';
export { buildCrystal, type AtomsData, type Prototype } from './crystal/prototypes.js';
export { MaterialsStore, type PotentialRecord, type StructureRecord } from './store.js';
export { MolecularDynamics, DEFAULT_SKIN, type DynamicsSettings } from './simulation/dynamics.js';
export { prepare } from './simulation/evaluate.js';
export { importPotential, builtinName } from './potentials/service.js';
export { limitsFromEnv } from './context.js';
