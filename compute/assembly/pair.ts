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
//   force     3E f64, eV/Å (zeroed by the host); energy E f64, eV (zeroed)
//   virial    6 f64 out, eV, Voigt xx yy zz yz xz xy
//
// The cutoff test is an integer mask multiplied in, not a branch: with a
// skin ~30% of listed pairs lie outside the cutoff in random order, and a
// mispredicted branch costs more than the wasted arithmetic.

/** Lennard-Jones (LAMMPS lj/cut): fpair = r⁻⁶(lj1 r⁻⁶ − lj2)/r², E = r⁻⁶(lj3 r⁻⁶ − lj4) − offset. */
export function ffLjHalf(
  x: usize, species: usize, s: i32, coeff: usize, cutsq: usize, offset: usize,
  offsets: usize, neighbors: usize, n: i32, force: usize, energy: usize, virial: usize,
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
      const r2inv = 1.0 / rsq;
      const r6inv = r2inv * r2inv * r2inv;
      const fpair = inside * r6inv * (load<f64>(c) * r6inv - load<f64>(c, 8)) * r2inv;
      const halfE = 0.5 * inside * (r6inv * (load<f64>(c, 16) * r6inv - load<f64>(c, 24)) - load<f64>(offset + (p << 3)));

      const gx = dx * fpair, gy = dy * fpair, gz = dz * fpair;
      fx += gx; fy += gy; fz += gz; ei += halfE;
      const fj = force + j * 24;
      store<f64>(fj, load<f64>(fj) - gx);
      store<f64>(fj, load<f64>(fj, 8) - gy, 8);
      store<f64>(fj, load<f64>(fj, 16) - gz, 16);
      const ej = energy + (j << 3);
      store<f64>(ej, load<f64>(ej) + halfE);
      vxx += dx * gx; vyy += dy * gy; vzz += dz * gz;
      vyz += dy * gz; vxz += dx * gz; vxy += dx * gy;
    }
    const fi = force + <usize>i * 24;
    store<f64>(fi, load<f64>(fi) + fx);
    store<f64>(fi, load<f64>(fi, 8) + fy, 8);
    store<f64>(fi, load<f64>(fi, 16) + fz, 16);
    const eiAt = energy + (<usize>i << 3);
    store<f64>(eiAt, load<f64>(eiAt) + ei);
  }
  storeVirial(virial, vxx, vyy, vzz, vyz, vxz, vxy);
}

/** Morse (LAMMPS morse): with e = exp(−α(r − r0)), fpair = 2αD0(e² − e)/r, E = D0(e² − 2e) − offset. */
export function ffMorseHalf(
  x: usize, species: usize, s: i32, coeff: usize, cutsq: usize, offset: usize,
  offsets: usize, neighbors: usize, n: i32, force: usize, energy: usize, virial: usize,
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
      if (rsq >= load<f64>(cutsq + (p << 3))) continue;
      const c = coeff + (p << 5);
      const r = Math.sqrt(rsq);
      const dexp = Math.exp(-load<f64>(c, 8) * (r - load<f64>(c, 16)));
      const fpair = load<f64>(c, 24) * (dexp * dexp - dexp) / r;
      const halfE = 0.5 * (load<f64>(c) * (dexp * dexp - 2.0 * dexp) - load<f64>(offset + (p << 3)));

      const gx = dx * fpair, gy = dy * fpair, gz = dz * fpair;
      fx += gx; fy += gy; fz += gz; ei += halfE;
      const fj = force + j * 24;
      store<f64>(fj, load<f64>(fj) - gx);
      store<f64>(fj, load<f64>(fj, 8) - gy, 8);
      store<f64>(fj, load<f64>(fj, 16) - gz, 16);
      const ej = energy + (j << 3);
      store<f64>(ej, load<f64>(ej) + halfE);
      vxx += dx * gx; vyy += dy * gy; vzz += dz * gz;
      vyz += dy * gz; vxz += dx * gz; vxy += dx * gy;
    }
    const fi = force + <usize>i * 24;
    store<f64>(fi, load<f64>(fi) + fx);
    store<f64>(fi, load<f64>(fi, 8) + fy, 8);
    store<f64>(fi, load<f64>(fi, 16) + fz, 16);
    const eiAt = energy + (<usize>i << 3);
    store<f64>(eiAt, load<f64>(eiAt) + ei);
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
