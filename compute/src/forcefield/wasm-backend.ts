import { f64View, i32View, reserveArena, wasmKernels, type ArenaSlot, type KernelExports } from '../wasm.js';
import type { NeighborList } from './neighbor-list.js';
import type { EamPotential, PairPotential } from './potentials.js';
import type { KernelOutput } from './result.js';

/**
 * Host side of the WebAssembly force kernels (compute/assembly/pair.ts,
 * eam.ts, neighbors.ts): one arena layout per call, inputs copied in once,
 * ghost forces and energies folded onto owners inside WebAssembly.
 */

type Fn = (...args: number[]) => void;

interface ForceFieldExports extends KernelExports {
  ffExtendPositions: Fn;
  ffSpreadI32: Fn;
  ffSpreadF64: Fn;
  ffFoldGhosts: Fn;
  ffLjHalf: Fn;
  ffMorseHalf: Fn;
  ffEamDensityHalf: Fn;
  ffEamEmbed: Fn;
  ffEamForceHalf: Fn;
}

/** Arena slots shared by every force kernel: geometry, list and outputs. */
interface CommonSlots {
  x: ArenaSlot;
  species: ArenaSlot;
  localShift: ArenaSlot;
  ghostOwner: ArenaSlot;
  ghostShift: ArenaSlot;
  offsets: ArenaSlot;
  neighbors: ArenaSlot;
  force: ArenaSlot;
  energy: ArenaSlot;
  virial: ArenaSlot;
}

const COMMON_KEYS = ['x', 'species', 'localShift', 'ghostOwner', 'ghostShift', 'offsets', 'neighbors', 'force', 'energy', 'virial'] as const;

/**
 * Reserves the common slots plus `extra` f64/i32 arrays (byte lengths),
 * copies positions, species and the half list in, and extends positions
 * and species onto the ghosts.
 */
function prepare(kernels: ForceFieldExports, positions: Float64Array, species: Int32Array, list: NeighborList, extra: number[]) {
  const n = list.n;
  const e = n + list.ghostCount;
  const half = list.half!;
  const slots = reserveArena(kernels, [
    24 * e, 4 * e, 24 * n, 4 * list.ghostCount, 24 * list.ghostCount, 4 * (n + 1), 4 * half.neighbors.length, 24 * e, 8 * e, 48,
    ...extra,
  ]);
  const common = Object.fromEntries(COMMON_KEYS.map((key, k) => [key, slots[k]])) as unknown as CommonSlots;

  f64View(kernels, common.x).set(positions);
  i32View(kernels, common.species).set(species);
  f64View(kernels, common.localShift).set(list.localShift);
  i32View(kernels, common.ghostOwner).set(list.ghostOwner);
  f64View(kernels, common.ghostShift).set(list.ghostShift);
  i32View(kernels, common.offsets).set(half.offsets);
  i32View(kernels, common.neighbors).set(half.neighbors);
  f64View(kernels, common.force).fill(0);
  f64View(kernels, common.energy).fill(0);

  kernels.ffExtendPositions(common.x.offset, n, common.localShift.offset, common.ghostOwner.offset, common.ghostShift.offset, list.ghostCount);
  kernels.ffSpreadI32(common.species.offset, n, common.ghostOwner.offset, list.ghostCount);
  return { common, extraSlots: slots.slice(COMMON_KEYS.length) };
}

/** Folds ghost forces and energies onto owners and copies the N local results out. */
function collect(kernels: ForceFieldExports, common: CommonSlots, list: NeighborList): KernelOutput {
  kernels.ffFoldGhosts(common.force.offset, 3, list.n, common.ghostOwner.offset, list.ghostCount);
  kernels.ffFoldGhosts(common.energy.offset, 1, list.n, common.ghostOwner.offset, list.ghostCount);
  return {
    forces: f64View(kernels, common.force).slice(0, 3 * list.n),
    atomEnergies: f64View(kernels, common.energy).slice(0, list.n),
    virial: f64View(kernels, common.virial).slice(),
  };
}

export function wasmPair(potential: PairPotential, positions: Float64Array, species: Int32Array, list: NeighborList): KernelOutput {
  const kernels = wasmKernels() as ForceFieldExports;
  const { coefficients, cutoffSquared, offset } = potential;
  const { common, extraSlots } = prepare(kernels, positions, species, list, [coefficients.byteLength, cutoffSquared.byteLength, offset.byteLength]);
  const [coeffSlot, cutSlot, offsetSlot] = extraSlots;
  f64View(kernels, coeffSlot).set(coefficients);
  f64View(kernels, cutSlot).set(cutoffSquared);
  f64View(kernels, offsetSlot).set(offset);

  const kernel = potential.kind === 'lj/cut' ? kernels.ffLjHalf : kernels.ffMorseHalf;
  kernel(
    common.x.offset, common.species.offset, potential.elements.length, coeffSlot.offset, cutSlot.offset, offsetSlot.offset,
    common.offsets.offset, common.neighbors.offset, list.n, common.force.offset, common.energy.offset, common.virial.offset,
  );
  return collect(kernels, common, list);
}

export function wasmEam(potential: EamPotential, positions: Float64Array, species: Int32Array, list: NeighborList): KernelOutput {
  const kernels = wasmKernels() as ForceFieldExports;
  const e = list.n + list.ghostCount;
  const { common, extraSlots } = prepare(kernels, positions, species, list, [
    potential.frho.byteLength, potential.rhor.byteLength, potential.z2r.byteLength,
    potential.densityIndex.byteLength, potential.pairIndex.byteLength, 8 * e, 8 * e,
  ]);
  const [frho, rhor, z2r, densityIndex, pairIndex, rho, fp] = extraSlots;
  f64View(kernels, frho).set(potential.frho);
  f64View(kernels, rhor).set(potential.rhor);
  f64View(kernels, z2r).set(potential.z2r);
  i32View(kernels, densityIndex).set(potential.densityIndex);
  i32View(kernels, pairIndex).set(potential.pairIndex);
  f64View(kernels, rho).fill(0);

  const s = potential.elements.length;
  const cutsq = potential.cutoff * potential.cutoff;
  const rdr = 1 / potential.dr;
  kernels.ffEamDensityHalf(
    common.x.offset, common.species.offset, s, rhor.offset, densityIndex.offset, potential.nr, rdr, cutsq,
    common.offsets.offset, common.neighbors.offset, list.n, rho.offset,
  );
  kernels.ffFoldGhosts(rho.offset, 1, list.n, common.ghostOwner.offset, list.ghostCount);
  kernels.ffEamEmbed(rho.offset, common.species.offset, frho.offset, potential.nrho, 1 / potential.drho, potential.rhomax, list.n, fp.offset, common.energy.offset);
  kernels.ffSpreadF64(fp.offset, list.n, common.ghostOwner.offset, list.ghostCount);
  kernels.ffEamForceHalf(
    common.x.offset, common.species.offset, s, rhor.offset, densityIndex.offset, z2r.offset, pairIndex.offset,
    potential.nr, rdr, cutsq, common.offsets.offset, common.neighbors.offset, list.n, fp.offset,
    common.force.offset, common.energy.offset, common.virial.offset,
  );
  return collect(kernels, common, list);
}
