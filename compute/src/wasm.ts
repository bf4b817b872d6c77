import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { BackendUnavailableError } from './errors.js';

/**
 * Exports of compute/build/kernels.wasm. Kernels take byte offsets into the
 * arena; the signatures of each kernel are declared next to its host wrapper.
 */
export interface KernelExports {
  memory: WebAssembly.Memory;
  arenaBase(): number;
  arenaReserve(bytes: number): number;
  [kernel: string]: unknown;
}

const WASM_PATH = fileURLToPath(new URL('../build/kernels.wasm', import.meta.url));

let instance: KernelExports | undefined;

/** Loads and instantiates the kernel module once per process. */
export function wasmKernels(): KernelExports {
  if (instance) return instance;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(readFileSync(WASM_PATH));
  } catch {
    throw new BackendUnavailableError('wasm', `${WASM_PATH} is missing; run "npm run build" first.`);
  }
  const module = new WebAssembly.Module(bytes);
  const created = new WebAssembly.Instance(module, {
    env: {
      abort(_message: number, _file: number, line: number, column: number): never {
        throw new Error(`WebAssembly kernel aborted at ${line}:${column}`);
      },
    },
  });
  instance = created.exports as unknown as KernelExports;
  return instance;
}

/** One array placed in the arena: its byte offset and element count. */
export interface ArenaSlot {
  offset: number;
  length: number;
}

const ALIGN = 16;

let layouts = 0;

/**
 * Number of arena layouts made so far. Data that a caller keeps in the arena
 * between calls (a resident neighbour list) is intact only while no layout
 * other than its own, made with `keepBytes` covering it, has happened since.
 */
export function arenaEpoch(): number {
  return layouts;
}

/**
 * Lays out arrays back to back in the arena (each 16-byte aligned so SIMD
 * loads stay aligned), grows memory once for the whole call, and returns the
 * slots. The first `keepBytes` bytes of the arena are left untouched. Views
 * must be created after this call, because growing memory detaches earlier
 * views of memory.buffer.
 */
export function reserveArena(kernels: KernelExports, byteLengths: readonly number[], keepBytes = 0): ArenaSlot[] {
  layouts++;
  const offsets: number[] = [];
  let total = Math.ceil(keepBytes / ALIGN) * ALIGN;
  for (const bytes of byteLengths) {
    offsets.push(total);
    total += Math.ceil(bytes / ALIGN) * ALIGN;
  }
  const base = kernels.arenaReserve(total);
  if (base === 0) {
    throw new BackendUnavailableError('wasm', `WebAssembly memory could not grow to ${total} bytes.`);
  }
  return offsets.map((offset, i) => ({ offset: base + offset, length: byteLengths[i] }));
}

export function f64View(kernels: KernelExports, slot: ArenaSlot): Float64Array {
  return new Float64Array(kernels.memory.buffer, slot.offset, slot.length / 8);
}

export function f32View(kernels: KernelExports, slot: ArenaSlot): Float32Array {
  return new Float32Array(kernels.memory.buffer, slot.offset, slot.length / 4);
}

export function i32View(kernels: KernelExports, slot: ArenaSlot): Int32Array {
  return new Int32Array(kernels.memory.buffer, slot.offset, slot.length / 4);
}

export function u16View(kernels: KernelExports, slot: ArenaSlot): Uint16Array {
  return new Uint16Array(kernels.memory.buffer, slot.offset, slot.length / 2);
}

export function i8View(kernels: KernelExports, slot: ArenaSlot): Int8Array {
  return new Int8Array(kernels.memory.buffer, slot.offset, slot.length);
}
