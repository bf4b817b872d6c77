// Ghost-atom bookkeeping for the force kernels (see
// compute/src/forcefield/neighbor-list.ts for the index space).
//
// Extended arrays hold N local atoms followed by G ghosts; each ghost is a
// periodic image of local atom owner[g], shifted by a fixed Cartesian vector.
// All pointers are byte offsets into the arena.

/**
 * Completes the extended positions x (3(N+G) f64, Å): the caller has copied
 * the N local positions; this adds each atom's wrap shift and fills every
 * ghost from its owner.
 */
export function ffExtendPositions(x: usize, n: i32, localShift: usize, ghostOwner: usize, ghostShift: usize, nGhost: i32): void {
  for (let k = 0; k < 3 * n; k++) {
    const at = x + (<usize>k << 3);
    store<f64>(at, load<f64>(at) + load<f64>(localShift + (<usize>k << 3)));
  }
  for (let g = 0; g < nGhost; g++) {
    const from = x + <usize>load<i32>(ghostOwner + (<usize>g << 2)) * 24;
    const to = x + <usize>(n + g) * 24;
    const shift = ghostShift + <usize>g * 24;
    store<f64>(to, load<f64>(from) + load<f64>(shift));
    store<f64>(to, load<f64>(from, 8) + load<f64>(shift, 8), 8);
    store<f64>(to, load<f64>(from, 16) + load<f64>(shift, 16), 16);
  }
}

/** Copies each owner's i32 value (species) to its ghosts: v[N + g] = v[owner[g]]. */
export function ffSpreadI32(values: usize, n: i32, ghostOwner: usize, nGhost: i32): void {
  for (let g = 0; g < nGhost; g++) {
    const owner = <usize>load<i32>(ghostOwner + (<usize>g << 2));
    store<i32>(values + (<usize>(n + g) << 2), load<i32>(values + (owner << 2)));
  }
}

/** Copies each owner's f64 value (F'(ρ)) to its ghosts: v[N + g] = v[owner[g]]. */
export function ffSpreadF64(values: usize, n: i32, ghostOwner: usize, nGhost: i32): void {
  for (let g = 0; g < nGhost; g++) {
    const owner = <usize>load<i32>(ghostOwner + (<usize>g << 2));
    store<f64>(values + (<usize>(n + g) << 3), load<f64>(values + (owner << 3)));
  }
}

/**
 * Adds what the kernels accumulated on ghosts back onto their owners
 * (LAMMPS reverse communication), for `stride` f64 per atom.
 */
export function ffFoldGhosts(values: usize, stride: i32, n: i32, ghostOwner: usize, nGhost: i32): void {
  for (let g = 0; g < nGhost; g++) {
    const owner = <usize>load<i32>(ghostOwner + (<usize>g << 2));
    const to = values + ((owner * <usize>stride) << 3);
    const from = values + ((<usize>(n + g) * <usize>stride) << 3);
    for (let c = 0; c < stride; c++) {
      const off = <usize>c << 3;
      store<f64>(to + off, load<f64>(to + off) + load<f64>(from + off));
    }
  }
}
