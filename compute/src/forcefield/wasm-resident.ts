import { arenaEpoch, i32View, f64View, reserveArena, type ArenaSlot, type KernelExports } from '../wasm.js';
import type { NeighborList } from './neighbor-list.js';

/**
 * The one neighbour list kept in WebAssembly memory between force calls.
 *
 * An MD loop calls computeForces many times with the same list; copying the
 * half list in on every call cost as much as a short force evaluation. The
 * list's ghost data and half CSR stay at the start of the arena after a
 * build or a first force call, and later calls lay out their own arrays
 * behind them (reserveArena's keepBytes). Any other kernel's layout
 * overwrites the arena, which arenaEpoch() detects, and the next force call
 * copies the list in again.
 */
export interface ResidentList {
  list: NeighborList;
  /** arenaEpoch() after the last layout that kept this list intact. */
  epoch: number;
  /** Arena bytes, from arenaBase(), that the list's slots occupy. */
  keepBytes: number;
  localShift: ArenaSlot;
  ghostOwner: ArenaSlot;
  ghostShift: ArenaSlot;
  offsets: ArenaSlot;
  neighbors: ArenaSlot;
}

let resident: ResidentList | undefined;

/** Records a list whose half CSR and ghost data already sit in the arena (a WebAssembly build). */
export function adoptResident(entry: Omit<ResidentList, 'epoch'>): void {
  resident = { ...entry, epoch: arenaEpoch() };
}

/** Returns the list's arena slots, copying the list in when it is not resident. */
export function residentList(kernels: KernelExports, list: NeighborList): ResidentList {
  if (resident?.list === list && resident.epoch === arenaEpoch()) return resident;
  const half = list.half!;
  const [localShift, ghostOwner, ghostShift, offsets, neighbors] = reserveArena(kernels, [
    list.localShift.byteLength, list.ghostOwner.byteLength, list.ghostShift.byteLength, half.offsets.byteLength, half.neighbors.byteLength,
  ]);
  f64View(kernels, localShift).set(list.localShift);
  i32View(kernels, ghostOwner).set(list.ghostOwner);
  f64View(kernels, ghostShift).set(list.ghostShift);
  i32View(kernels, offsets).set(half.offsets);
  i32View(kernels, neighbors).set(half.neighbors);
  resident = {
    list, epoch: arenaEpoch(), keepBytes: neighbors.offset + neighbors.length - kernels.arenaBase(),
    localShift, ghostOwner, ghostShift, offsets, neighbors,
  };
  return resident;
}

/** Lays out a force call's arrays behind the resident list, keeping it valid. */
export function reserveBehind(kernels: KernelExports, entry: ResidentList, byteLengths: readonly number[]): ArenaSlot[] {
  const slots = reserveArena(kernels, byteLengths, entry.keepBytes);
  entry.epoch = arenaEpoch();
  return slots;
}
