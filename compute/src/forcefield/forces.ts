import { defaultBackendChoice, parseBackendChoice, type Backend, type BackendChoice } from '../backend.js';
import { timeKernel } from '../telemetry.js';
import { KernelInputError } from '../errors.js';
import { gpuContext } from '../webgpu.js';
import { buildNeighborList, type NeighborList } from './neighbor-list.js';
import { isEam, type Potential } from './potentials.js';
import { referenceEam, referencePair } from './reference.js';
import type { ForceResult, KernelOutput } from './result.js';
import { validateStructure, type Structure } from './structure.js';
import { wasmEam, wasmPair } from './wasm-backend.js';
import { webgpuForces } from './webgpu-backend.js';

export interface ForceOptions {
  /** Backend for this call; default from SCIFED_BACKEND, else `auto`. */
  backend?: BackendChoice;
  /**
   * A list from buildNeighborList to reuse (MD): it must have been built
   * for these atoms with a cutoff at least the potential's, and
   * `needsRebuild` must be false. Built fresh, with skin 0, when absent.
   */
  neighborList?: NeighborList;
}

/**
 * Smallest N for which `auto` picks WebGPU, and only on a hardware adapter:
 * below it, upload and dispatch latency outweigh the kernel.
 * NOTE: an estimate, not measured on a real GPU; on CPU adapters (llvmpipe,
 * SwiftShader) `auto` always picks WebAssembly.
 */
export const AUTO_WEBGPU_MIN_ATOMS = 16384;

async function resolveBackend(choice: BackendChoice, n: number): Promise<Backend> {
  if (choice !== 'auto') return choice;
  if (n < AUTO_WEBGPU_MIN_ATOMS) return 'wasm';
  const gpu = await gpuContext();
  if (!gpu || /llvmpipe|swiftshader|lavapipe/i.test(gpu.adapterName)) return 'wasm';
  return 'webgpu';
}

function checkList(list: NeighborList, structure: Structure, n: number, cutoff: number, backend: Backend): void {
  if (list.n !== n) throw new KernelInputError('neighborList', `a list for ${n} atoms`, `${list.n} atoms`);
  if (list.cutoff < cutoff) {
    throw new KernelInputError('neighborList', `cutoff >= ${cutoff} Å (the potential's)`, `${list.cutoff} Å`);
  }
  if (list.needsRebuild(structure.positions, structure.cell, structure.pbc)) {
    throw new KernelInputError('neighborList', 'a list still valid for these positions and cell', 'a stale list', 'Build a new list: some atom moved more than skin/2, or the cell changed.');
  }
  const needs = backend === 'wasm' ? 'half' : 'full';
  if (!list[needs]) throw new KernelInputError('neighborList', `a ${needs} list (backend ${backend})`, 'none', `Build it with { ${needs}: true }.`);
}

/**
 * Computes energy, per-atom energies, forces, virial and stress of a
 * structure under a pair or EAM potential. Inputs are validated before any
 * kernel runs (KernelInputError names the argument).
 */
export async function computeForces(structure: Structure, potential: Potential, options: ForceOptions = {}): Promise<ForceResult> {
  return timeKernel(isEam(potential) ? 'eam' : 'pair', () => forces(structure, potential, options));
}

async function forces(structure: Structure, potential: Potential, options: ForceOptions): Promise<ForceResult> {
  const { n, geometry } = validateStructure(structure, potential.elements.length);
  const choice = options.backend === undefined ? defaultBackendChoice() : parseBackendChoice(options.backend);
  const backend = await resolveBackend(choice, n);

  // NOTE: a WebGPU force call builds its list in WebAssembly, which is exact
  // in f64; buildNeighborListAsync builds on the device for callers who
  // pass the list in.
  const list = options.neighborList ?? buildNeighborList(structure.positions, structure.cell, structure.pbc, {
    cutoff: potential.cutoff,
    half: backend === 'wasm',
    full: backend !== 'wasm',
    backend: backend === 'reference' ? 'reference' : 'wasm',
  });
  checkList(list, structure, n, potential.cutoff, backend);

  let output: KernelOutput;
  if (backend === 'webgpu') {
    output = await webgpuForces(potential, structure.positions, structure.species, list);
  } else if (backend === 'wasm') {
    output = isEam(potential) ? wasmEam(potential, structure.positions, structure.species, list) : wasmPair(potential, structure.positions, structure.species, list);
  } else {
    const x = list.extendedPositions(structure.positions);
    output = isEam(potential) ? referenceEam(potential, x, structure.species, list) : referencePair(potential, x, structure.species, list);
  }

  let energy = 0;
  for (let i = 0; i < n; i++) energy += output.atomEnergies[i];
  const stress = output.virial.map((w) => -w / geometry.volume);
  return { energy, atomEnergies: output.atomEnergies, forces: output.forces, virial: output.virial, stress, backend, neighborCount: list.pairCount };
}
