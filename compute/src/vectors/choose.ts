import { defaultBackendChoice, type Backend, type BackendChoice } from '../backend.js';
import { gpuContext } from '../webgpu.js';

/**
 * Multiply-adds from which `auto` prefers WebGPU: 2²⁷ ≈ 1.3e8, about 9
 * queries over 100k × 384. Below it the upload of the base matrix costs
 * more than the GPU saves.
 */
export const GPU_WORK_THRESHOLD = 2 ** 27;

/** Adapters that emulate a GPU on the CPU, where WebAssembly is faster. */
const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|swiftshader|softpipe/i;

/**
 * Resolves a backend choice for a problem of `work` multiply-adds. `auto`
 * takes WebGPU only when a hardware adapter exists and work reaches
 * GPU_WORK_THRESHOLD, and WebAssembly otherwise.
 */
export async function chooseBackend(choice: BackendChoice | undefined, work: number): Promise<Backend> {
  const resolved = choice ?? defaultBackendChoice();
  if (resolved !== 'auto') return resolved;
  if (work < GPU_WORK_THRESHOLD) return 'wasm';
  const context = await gpuContext();
  if (!context || SOFTWARE_ADAPTER.test(context.adapterName)) return 'wasm';
  return 'webgpu';
}
