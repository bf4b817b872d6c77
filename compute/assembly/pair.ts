// Pair-potential kernels over a half neighbour list with ghosts (newton on):
// each unordered pair is visited once, its force added to i and subtracted
// from j, its energy split half and half. Forces on ghosts are folded back
// by the host with ffFoldGhosts.
//
// Arguments (byte offsets into the arena):
//   x         3E f64, extended positions, Å (E = N + G)
//   species   E i32, species index per extended atom
//   s         number of species; pair p = species_i · s + species_j
//   coeff     s·s·4 f64, per-pair coefficients (see potentials.ts)
//   cutsq     s·s f64, Å²;  offset  s·s f64, eV
//   offsets   N+1 i32 and neighbors i32: the CSR half list
//   fe        4E f64 per extended atom: fx fy fz (eV/Å) and its energy
//             (eV), zeroed by the host. One 32-byte record per atom lets
//             the scatter onto j touch one cache line with two f64x2 ops.
//   virial    6 f64 out, eV, Voigt xx yy zz yz xz xy (Morse only: LJ
//             takes its virial from ffVirialFdotr)
//
// The cutoff test is an integer mask multiplied in, not a branch: with a
// skin ~30% of listed pairs lie outside the cutoff in random order, and a
// mispredicted branch costs more than the wasted arithmetic.

/** Two f64 per-pair coefficients as one vector; a splat when both pairs share species (one load). */
// @ts-ignore: decorator
@inline function pairLanes(base: usize, p0: usize, p1: usize, shift: usize, byteOffset: usize): v128 {
  const first = load<f64>(base + (p0 << shift) + byteOffset);
  if (p0 == p1) return f64x2.splat(first);
  return f64x2.replace_lane(f64x2.splat(first), 1, load<f64>(base + (p1 << shift) + byteOffset));
}

/** Subtracts (gx, gy, gz) from the force of the atom at record `at` and adds halfE to its energy. */
// @ts-ignore: decorator
@inline function scatter(at: usize, gxy: v128, gzNegE: v128): void {
  v128.store(at, f64x2.sub(v128.load(at), gxy));
  v128.store(at, f64x2.sub(v128.load(at, 16), gzNegE), 16);
}

/** Adds a force and an energy to the record of atom i. */
// @ts-ignore: decorator
@inline export function accumulate(at: usize, fx: f64, fy: f64, fz: f64, e: f64): void {
  v128.store(at, f64x2.add(v128.load(at), f64x2.replace_lane(f64x2.splat(fx), 1, fy)));
  v128.store(at, f64x2.add(v128.load(at, 16), f64x2.replace_lane(f64x2.splat(fz), 1, e)), 16);
}

/**
 * Lennard-Jones (LAMMPS lj/cut): fpair = r⁻⁶(lj1 r⁻⁶ − lj2)/r², E = r⁻⁶(lj3 r⁻⁶ − lj4) − offset.
 * Two neighbours per step in f64x2 lanes, because WebAssembly SIMD has two
 * f64 lanes. The cutoff is a lane mask, and each j gets its force and
 * energy in two f64x2 read-modify-writes of its record. An odd last
 * neighbour runs in the same vector step with lane 1 masked off.
 *
 * The virial is not summed here: the host calls ffVirialFdotr on the
 * unfolded forces. Six per-pair virial accumulators, on top of the force
 * and energy sums and the coefficients, made about 20 live vectors against
 * the 16 vector registers of x86-64, and the spills slowed the loop.
 */
export function ffLjHalf(
  x: usize, species: usize, s: i32, coeff: usize, cutsq: usize, offset: usize,
  offsets: usize, neighbors: usize, n: i32, fe: usize,
): void {
  // One species: the coefficients are loop constants (no per-pair species lookups).
  if (s == 1) ljHalf(x, species, s, coeff, cutsq, offset, offsets, neighbors, n, fe, true);
  else ljHalf(x, species, s, coeff, cutsq, offset, offsets, neighbors, n, fe, false);
}

// @ts-ignore: decorator
@inline function ljHalf(
  x: usize, species: usize, s: i32, coeff: usize, cutsq: usize, offset: usize,
  offsets: usize, neighbors: usize, n: i32, fe: usize, uniform: bool,
): void {
  // Halving lj3, lj4 and the offset up front is exact (a power of two), so
  // halfE below equals 0.5·E bit for bit.
  const cut0 = f64x2.splat(load<f64>(cutsq)), halfOffset0 = f64x2.splat(0.5 * load<f64>(offset));
  const c1 = f64x2.splat(load<f64>(coeff)), c2 = f64x2.splat(load<f64>(coeff, 8));
  const halfC3 = f64x2.splat(0.5 * load<f64>(coeff, 16)), halfC4 = f64x2.splat(0.5 * load<f64>(coeff, 24));
  const half = f64x2.splat(0.5);
  const one = f64x2.splat(1.0);
  // Lane 1 off, for the odd last neighbour of a row.
  const firstLaneOnly = i64x2(-1, 0);
  const bothLanes = i64x2(-1, -1);
  for (let i = 0; i < n; i++) {
    const xi = x + <usize>i * 24;
    const px = f64x2.splat(load<f64>(xi)), py = f64x2.splat(load<f64>(xi, 8)), pz = f64x2.splat(load<f64>(xi, 16));
    const rowI = uniform ? 0 : load<i32>(species + (<usize>i << 2)) * s;
    let fx = f64x2.splat(0.0), fy = f64x2.splat(0.0), fz = f64x2.splat(0.0), ei = f64x2.splat(0.0);
    const end = load<i32>(offsets + (<usize>(i + 1) << 2));
    for (let q = load<i32>(offsets + (<usize>i << 2)); q < end; q += 2) {
      const j0 = <usize>load<i32>(neighbors + (<usize>q << 2));
      const paired = q + 1 < end;
      // An odd last neighbour pairs with itself; lane 1 is masked to zero.
      const j1 = paired ? <usize>load<i32>(neighbors + (<usize>q << 2), 4) : j0;
      const a0 = v128.load(x + j0 * 24), a1 = v128.load(x + j1 * 24);
      const dx = f64x2.sub(px, v128.shuffle<f64>(a0, a1, 0, 2));
      const dy = f64x2.sub(py, v128.shuffle<f64>(a0, a1, 1, 3));
      const dz = f64x2.sub(pz, v128.load64_lane(x + j1 * 24, v128.load64_zero(x + j0 * 24, 16), 1, 16));
      const rsq = f64x2.add(f64x2.add(f64x2.mul(dx, dx), f64x2.mul(dy, dy)), f64x2.mul(dz, dz));
      const p0: usize = uniform ? 0 : <usize>rowI + <usize>load<i32>(species + (j0 << 2));
      const p1: usize = uniform ? 0 : <usize>rowI + <usize>load<i32>(species + (j1 << 2));
      const inside = v128.and(f64x2.lt(rsq, uniform ? cut0 : pairLanes(cutsq, p0, p1, 3, 0)), paired ? bothLanes : firstLaneOnly);
      const r2inv = f64x2.div(one, rsq);
      const r6inv = f64x2.mul(f64x2.mul(r2inv, r2inv), r2inv);
      const lj1 = uniform ? c1 : pairLanes(coeff, p0, p1, 5, 0), lj2 = uniform ? c2 : pairLanes(coeff, p0, p1, 5, 8);
      const fpair = v128.and(f64x2.mul(f64x2.mul(r6inv, f64x2.sub(f64x2.mul(lj1, r6inv), lj2)), r2inv), inside);
      const halfE = v128.and(uniform
        ? f64x2.sub(f64x2.mul(r6inv, f64x2.sub(f64x2.mul(halfC3, r6inv), halfC4)), halfOffset0)
        : f64x2.mul(half, f64x2.sub(
          f64x2.mul(r6inv, f64x2.sub(f64x2.mul(pairLanes(coeff, p0, p1, 5, 16), r6inv), pairLanes(coeff, p0, p1, 5, 24))),
          pairLanes(offset, p0, p1, 3, 0),
        )), inside);

      const gx = f64x2.mul(dx, fpair), gy = f64x2.mul(dy, fpair), gz = f64x2.mul(dz, fpair);
      fx = f64x2.add(fx, gx); fy = f64x2.add(fy, gy); fz = f64x2.add(fz, gz); ei = f64x2.add(ei, halfE);

      const negE = f64x2.neg(halfE);
      scatter(fe + (j0 << 5), v128.shuffle<f64>(gx, gy, 0, 2), v128.shuffle<f64>(gz, negE, 0, 2));
      scatter(fe + (j1 << 5), v128.shuffle<f64>(gx, gy, 1, 3), v128.shuffle<f64>(gz, negE, 1, 3));
    }
    accumulate(
      fe + (<usize>i << 5),
      f64x2.extract_lane(fx, 0) + f64x2.extract_lane(fx, 1), f64x2.extract_lane(fy, 0) + f64x2.extract_lane(fy, 1),
      f64x2.extract_lane(fz, 0) + f64x2.extract_lane(fz, 1), f64x2.extract_lane(ei, 0) + f64x2.extract_lane(ei, 1),
    );
  }
}

/**
 * Virial of pair forces from the unfolded per-atom forces (LAMMPS's
 * virial_fdotr_compute): Σ_pairs d⊗g = Σ_a x_a⊗F_a over all E extended
 * atoms, because each pair adds g to i and −g to j and d = x_i − x_j. Call
 * it after the pair kernel and before ffFoldGhosts. Writes 6 f64, eV,
 * Voigt xx yy zz yz xz xy.
 */
export function ffVirialFdotr(x: usize, fe: usize, e: i32, virial: usize): void {
  let vxx = 0.0, vyy = 0.0, vzz = 0.0, vyz = 0.0, vxz = 0.0, vxy = 0.0;
  for (let a = 0; a < e; a++) {
    const xa = x + <usize>a * 24, fa = fe + (<usize>a << 5);
    const px = load<f64>(xa), py = load<f64>(xa, 8), pz = load<f64>(xa, 16);
    const gx = load<f64>(fa), gy = load<f64>(fa, 8), gz = load<f64>(fa, 16);
    vxx += px * gx; vyy += py * gy; vzz += pz * gz;
    vyz += py * gz; vxz += px * gz; vxy += px * gy;
  }
  storeVirial(virial, vxx, vyy, vzz, vyz, vxz, vxy);
}

/**
 * Morse (LAMMPS morse): with e = exp(−α(r − r0)), fpair = 2αD0(e² − e)/r,
 * E = D0(e² − 2e) − offset. Branch-free like ffLjHalf: pairs beyond the
 * cutoff are evaluated and multiplied by 0 (their exp is finite).
 */
export function ffMorseHalf(
  x: usize, species: usize, s: i32, coeff: usize, cutsq: usize, offset: usize,
  offsets: usize, neighbors: usize, n: i32, fe: usize, virial: usize,
): void {
  let vxx = 0.0, vyy = 0.0, vzz = 0.0, vyz = 0.0, vxz = 0.0, vxy = 0.0;
  for (let i = 0; i < n; i++) {
    const xi = x + <usize>i * 24;
    const px = load<f64>(xi), py = load<f64>(xi, 8), pz = load<f64>(xi, 16);
    const rowI = load<i32>(species + (<usize>i << 2)) * s;
    let fx = 0.0, fy = 0.0, fz = 0.0, ei = 0.0;
    const end = load<i32>(offsets + (<usize>(i + 1) << 2));
    for (let q = load<i32>(offsets + (<usize>i << 2)); q < end; q++) {
      const j = <usize>load<i32>(neighbors + (<usize>q << 2));
      const xj = x + j * 24;
      const dx = px - load<f64>(xj), dy = py - load<f64>(xj, 8), dz = pz - load<f64>(xj, 16);
      const rsq = dx * dx + dy * dy + dz * dz;
      const p = <usize>(rowI + load<i32>(species + (j << 2)));
      const inside = <f64>(rsq < load<f64>(cutsq + (p << 3)));
      const c = coeff + (p << 5);
      const r = Math.sqrt(rsq);
      const dexp = Math.exp(-load<f64>(c, 8) * (r - load<f64>(c, 16)));
      const fpair = inside * load<f64>(c, 24) * (dexp * dexp - dexp) / r;
      const halfE = inside * 0.5 * (load<f64>(c) * (dexp * dexp - 2.0 * dexp) - load<f64>(offset + (p << 3)));

      const gx = dx * fpair, gy = dy * fpair, gz = dz * fpair;
      fx += gx; fy += gy; fz += gz; ei += halfE;
      accumulate(fe + (j << 5), -gx, -gy, -gz, halfE);
      vxx += dx * gx; vyy += dy * gy; vzz += dz * gz;
      vyz += dy * gz; vxz += dx * gz; vxy += dx * gy;
    }
    accumulate(fe + (<usize>i << 5), fx, fy, fz, ei);
  }
  storeVirial(virial, vxx, vyy, vzz, vyz, vxz, vxy);
}

// @ts-ignore: decorator
@inline export function storeVirial(virial: usize, xx: f64, yy: f64, zz: f64, yz: f64, xz: f64, xy: f64): void {
  store<f64>(virial, xx);
  store<f64>(virial, yy, 8);
  store<f64>(virial, zz, 16);
  store<f64>(virial, yz, 24);
  store<f64>(virial, xz, 32);
  store<f64>(virial, xy, 40);
}
