// Public force-field API of the kernel layer.
export type { Structure, CellGeometry } from './structure.js';
export { cellGeometry } from './structure.js';
export { buildNeighborList, buildNeighborListAsync, NeighborList, type NeighborListOptions, type CsrList } from './neighbor-list.js';
export {
  lennardJones, morse, isEam, interpolateSpline,
  type LennardJonesSpec, type MorseSpec, type PairParameter, type PairPotential, type EamPotential, type Potential,
} from './potentials.js';
export { parseFuncfl, parseSetfl, parseEamFs } from './eam-files.js';
export { computeForces, AUTO_WEBGPU_MIN_ATOMS, type ForceOptions } from './forces.js';
export type { ForceResult } from './result.js';
