// One scratch arena for every kernel call.
//
// Layout: the arena starts at the first 64-byte boundary at or above
// __heap_base and runs to the end of linear memory. The host lays out each
// call's inputs and outputs inside it (see compute/src/wasm.ts), so a call
// copies its inputs once and no allocator is needed. Memory only grows; a
// later, smaller call reuses the same pages.

const PAGE_BYTES: usize = 65536;

/** Byte offset of the arena's first byte (64-byte aligned). */
export function arenaBase(): usize {
  return (__heap_base + 63) & ~(<usize>63);
}

/**
 * Grows linear memory so that `bytes` bytes fit from arenaBase(), and returns
 * arenaBase(). Returns 0 when the engine refuses to grow memory.
 */
export function arenaReserve(bytes: usize): usize {
  const base = arenaBase();
  const needed = base + bytes;
  const have = <usize>memory.size() * PAGE_BYTES;
  if (needed > have) {
    const pages = <i32>((needed - have + PAGE_BYTES - 1) / PAGE_BYTES);
    if (memory.grow(pages) < 0) return 0;
  }
  return base;
}
