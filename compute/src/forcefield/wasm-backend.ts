import { f64View, i32View, wasmKernels, type ArenaSlot, type KernelExports } from '../wasm.js';
import type { NeighborList } from './neighbor-list.js';
import type { EamPotential, PairPotential } from './potentials.js';
import type { KernelOutput } from './result.js';
import { reserveBehind, residentList, type ResidentList } from './wasm-resident.js';

/**
 * Host side of the WebAssembly force kernels (compute/assembly/pair.ts,
 * eam.ts, neighbors.ts). The neighbour list and its ghost data stay in
 * WebAssembly memory while the same list is reused (wasm-resident.ts); each
 * call copies in positions, species and the potential's tables, and ghost
 * forces and energies are folded onto owners inside WebAssembly.
 */

type Fn = (...args: number[]) => void;

interface ForceFieldExports extends KernelExports {
  ffExtendPositions: Fn;
  ffSpreadI32: Fn;
  ffSpreadF64: Fn;
  ffFoldGhosts: Fn;
  ffLjHalf: Fn;
  ffMorseHalf: Fn;
  ffVirialFdotr: Fn;
  ffEamDensityHalf: Fn;
  ffEamEmbed: Fn;
  ffEamForceHalf: Fn;
}

/** f64 per extended atom in the force-and-energy array: fx fy fz E. */
const FE_STRIDE = 4;

/** Byte alignment of the force-and-energy array: a cache line. */
const FE_ALIGN = 64;

/** Per-call slots every force kernel uses, behind the resident list. */
interface CallSlots {
  list: ResidentList;
  x: ArenaSlot;
  species: ArenaSlot;
  fe: ArenaSlot;
  virial: ArenaSlot;
}

/**
 * Lays out the per-call arrays plus `extra` (byte lengths) behind the
 * resident list, copies positions and species in, and extends both onto
 * the ghosts.
 */
function prepare(kernels: ForceFieldExports, positions: Float64Array, species: Int32Array, list: NeighborList, extra: number[]) {
  const resident = residentList(kernels, list);
  const n = list.n;
  const e = n + list.ghostCount;
  const [x, speciesSlot, feReserved, virial, ...extraSlots] = reserveBehind(
    kernels, resident, [24 * e, 4 * e, 8 * FE_STRIDE * e + FE_ALIGN, 48, ...extra],
  );
  // Aligning the array to a cache line keeps every 32-byte record inside one line.
  const fe: ArenaSlot = { offset: Math.ceil(feReserved.offset / FE_ALIGN) * FE_ALIGN, length: 8 * FE_STRIDE * e };

  f64View(kernels, x).set(positions);
  i32View(kernels, speciesSlot).set(species);
  f64View(kernels, fe).fill(0);
  kernels.ffExtendPositions(x.offset, n, resident.localShift.offset, resident.ghostOwner.offset, resident.ghostShift.offset, list.ghostCount);
  kernels.ffSpreadI32(speciesSlot.offset, n, resident.ghostOwner.offset, list.ghostCount);
  const call: CallSlots = { list: resident, x, species: speciesSlot, fe, virial };
  return { call, extraSlots };
}

/** Folds ghost forces and energies onto owners and copies the N local results out. */
function collect(kernels: ForceFieldExports, call: CallSlots, list: NeighborList): KernelOutput {
  kernels.ffFoldGhosts(call.fe.offset, FE_STRIDE, list.n, call.list.ghostOwner.offset, list.ghostCount);
  const fe = f64View(kernels, call.fe);
  const forces = new Float64Array(3 * list.n);
  const atomEnergies = new Float64Array(list.n);
  for (let i = 0; i < list.n; i++) {
    forces[3 * i] = fe[FE_STRIDE * i];
    forces[3 * i + 1] = fe[FE_STRIDE * i + 1];
    forces[3 * i + 2] = fe[FE_STRIDE * i + 2];
    atomEnergies[i] = fe[FE_STRIDE * i + 3];
  }
  return { forces, atomEnergies, virial: f64View(kernels, call.virial).slice() };
}

export function wasmPair(potential: PairPotential, positions: Float64Array, species: Int32Array, list: NeighborList): KernelOutput {
  const kernels = wasmKernels() as ForceFieldExports;
  const { coefficients, cutoffSquared, offset } = potential;
  const { call, extraSlots } = prepare(kernels, positions, species, list, [coefficients.byteLength, cutoffSquared.byteLength, offset.byteLength]);
  const [coeffSlot, cutSlot, offsetSlot] = extraSlots;
  f64View(kernels, coeffSlot).set(coefficients);
  f64View(kernels, cutSlot).set(cutoffSquared);
  f64View(kernels, offsetSlot).set(offset);

  const args = [
    call.x.offset, call.species.offset, potential.elements.length, coeffSlot.offset, cutSlot.offset, offsetSlot.offset,
    call.list.offsets.offset, call.list.neighbors.offset, list.n, call.fe.offset,
  ];
  if (potential.kind === 'lj/cut') {
    kernels.ffLjHalf(...args);
    // The LJ kernel leaves the virial to a pass over the unfolded forces.
    kernels.ffVirialFdotr(call.x.offset, call.fe.offset, list.n + list.ghostCount, call.virial.offset);
  } else {
    kernels.ffMorseHalf(...args, call.virial.offset);
  }
  return collect(kernels, call, list);
}

export function wasmEam(potential: EamPotential, positions: Float64Array, species: Int32Array, list: NeighborList): KernelOutput {
  const kernels = wasmKernels() as ForceFieldExports;
  const n = list.n;
  const e = n + list.ghostCount;
  const pairs = list.half!.neighbors.length;
  const { call, extraSlots } = prepare(kernels, positions, species, list, [
    potential.frho.byteLength, potential.rhor.byteLength, potential.z2r.byteLength,
    potential.densityIndex.byteLength, potential.pairIndex.byteLength, 8 * e, 8 * e, 4 * (n + 1), 4 * pairs, 8 * pairs,
  ]);
  const [frho, rhor, z2r, densityIndex, pairIndex, rho, fp, cutOffsets, cutJ, cutR] = extraSlots;
  f64View(kernels, frho).set(potential.frho);
  f64View(kernels, rhor).set(potential.rhor);
  f64View(kernels, z2r).set(potential.z2r);
  i32View(kernels, densityIndex).set(potential.densityIndex);
  i32View(kernels, pairIndex).set(potential.pairIndex);
  f64View(kernels, rho).fill(0);

  const s = potential.elements.length;
  const rdr = 1 / potential.dr;
  const ghostOwner = call.list.ghostOwner.offset;
  kernels.ffEamDensityHalf(
    call.x.offset, call.species.offset, s, rhor.offset, densityIndex.offset, potential.nr, rdr, potential.cutoff * potential.cutoff,
    call.list.offsets.offset, call.list.neighbors.offset, n, rho.offset, cutOffsets.offset, cutJ.offset, cutR.offset,
  );
  kernels.ffFoldGhosts(rho.offset, 1, n, ghostOwner, list.ghostCount);
  kernels.ffEamEmbed(rho.offset, call.species.offset, frho.offset, potential.nrho, 1 / potential.drho, potential.rhomax, n, fp.offset, call.fe.offset);
  kernels.ffSpreadF64(fp.offset, n, ghostOwner, list.ghostCount);
  kernels.ffEamForceHalf(
    call.x.offset, call.species.offset, s, rhor.offset, densityIndex.offset, z2r.offset, pairIndex.offset,
    potential.nr, rdr, cutOffsets.offset, cutJ.offset, cutR.offset, n, fp.offset, call.fe.offset, call.virial.offset,
  );
  return collect(kernels, call, list);
}
