import { accumulate, storeVirial } from './pair';

// EAM kernels in the two passes of LAMMPS PairEAM::compute, over a half
// neighbour list with ghosts (newton on):
//   1. ffEamDensityHalf: ρ on both atoms of each pair; the host folds ghost
//      densities onto owners (ffFoldGhosts). It also writes the cutoff list:
//      the pairs within the cutoff (the half list holds cutoff + skin) with
//      their distances, filtered without branches, so the force pass does
//      no cutoff test and no square root.
//   2. ffEamEmbed: F(ρ_i) and F'(ρ_i) per local atom; the host copies F' to
//      ghosts (ffSpreadF64).
//   3. ffEamForceHalf: pair forces from F'_i ρ'_{i←j} + F'_j ρ'_{j←i} + φ'
//      over the cutoff list.
//
// Splines: 7 f64 per knot, value ((c3 p + c4) p + c5) p + c6, slope
// (c0 p + c1) p + c2, with p the fraction past the knot (potentials.ts).
// densityIndex[a·s + b] is the rhor spline for the density at element a from
// element b; pairIndex[a·s + b] the z2r (r·φ) spline. Pointers are byte
// offsets; nr, rdr (1/dr) describe the r grid, cutsq is in Å².

const KNOT_BYTES: usize = 7 * 8;

/** Knot byte offset and fraction p of radius r, as LAMMPS: m = min(int(r/dr + 1), nr − 1), p ≤ 1. */
// @ts-ignore: decorator
@inline function knotOf(r: f64, rdr: f64, nr: i32): usize {
  let m = <i32>(r * rdr + 1.0);
  m = min(m, nr - 1);
  return <usize>(m - 1) * KNOT_BYTES;
}

// @ts-ignore: decorator
@inline function fractionOf(r: f64, rdr: f64, nr: i32): f64 {
  const p = r * rdr + 1.0;
  const m = min(<i32>p, nr - 1);
  return min(p - <f64>m, 1.0);
}

// @ts-ignore: decorator
@inline function splineValue(c: usize, p: f64): f64 {
  return ((load<f64>(c, 24) * p + load<f64>(c, 32)) * p + load<f64>(c, 40)) * p + load<f64>(c, 48);
}

// @ts-ignore: decorator
@inline function splineSlope(c: usize, p: f64): f64 {
  return (load<f64>(c) * p + load<f64>(c, 8)) * p + load<f64>(c, 16);
}

/**
 * Accumulates host densities ρ (E f64, zeroed by the host) on both atoms of
 * each pair, and writes the cutoff list: cutOffsets (N + 1 i32), cutJ (i32)
 * and cutR (f64, Å), at most as long as the half list.
 */
export function ffEamDensityHalf(
  x: usize, species: usize, s: i32, rhor: usize, densityIndex: usize, nr: i32, rdr: f64, cutsq: f64,
  offsets: usize, neighbors: usize, n: i32, rho: usize, cutOffsets: usize, cutJ: usize, cutR: usize,
): void {
  const stride = <usize>nr * KNOT_BYTES;
  // With one species every pair reads the same table.
  const rhor0 = rhor + <usize>load<i32>(densityIndex) * stride;
  let kept = 0;
  store<i32>(cutOffsets, 0);
  for (let i = 0; i < n; i++) {
    const xi = x + <usize>i * 24;
    const px = load<f64>(xi), py = load<f64>(xi, 8), pz = load<f64>(xi, 16);
    const first = kept;
    const end = load<i32>(offsets + (<usize>(i + 1) << 2));
    for (let q = load<i32>(offsets + (<usize>i << 2)); q < end; q++) {
      const j = load<i32>(neighbors + (<usize>q << 2));
      const xj = x + <usize>j * 24;
      const dx = px - load<f64>(xj), dy = py - load<f64>(xj, 8), dz = pz - load<f64>(xj, 16);
      const rsq = dx * dx + dy * dy + dz * dz;
      store<i32>(cutJ + (<usize>kept << 2), j);
      store<f64>(cutR + (<usize>kept << 3), rsq);
      kept += <i32>(rsq < cutsq);
    }
    store<i32>(cutOffsets + (<usize>(i + 1) << 2), kept);

    const a = s == 1 ? 0 : load<i32>(species + (<usize>i << 2));
    let rhoI = 0.0;
    for (let k = first; k < kept; k++) {
      const j = <usize>load<i32>(cutJ + (<usize>k << 2));
      const rAt = cutR + (<usize>k << 3);
      const r = Math.sqrt(load<f64>(rAt));
      store<f64>(rAt, r);
      const knot = knotOf(r, rdr, nr);
      const p = fractionOf(r, rdr, nr);
      const b = s == 1 ? 0 : load<i32>(species + (j << 2));
      const atI = (s == 1 ? rhor0 : rhor + <usize>load<i32>(densityIndex + (<usize>(a * s + b) << 2)) * stride) + knot;
      const atJ = (s == 1 ? rhor0 : rhor + <usize>load<i32>(densityIndex + (<usize>(b * s + a) << 2)) * stride) + knot;
      rhoI += splineValue(atI, p);
      const rj = rho + (j << 3);
      store<f64>(rj, load<f64>(rj) + splineValue(atJ, p));
    }
    const ri = rho + (<usize>i << 3);
    store<f64>(ri, load<f64>(ri) + rhoI);
  }
}

/**
 * Embedding energy F(ρ_i) into the energy of fe[i] (4 f64 per atom, see
 * pair.ts) and F'(ρ_i) into fp[i] for the N
 * local atoms. frho holds one nrho-knot spline per species; above
 * rhomax = (nrho − 1)·drho, F continues linearly with slope F'(rhomax).
 */
export function ffEamEmbed(
  rho: usize, species: usize, frho: usize, nrho: i32, rdrho: f64, rhomax: f64, n: i32, fp: usize, fe: usize,
): void {
  const stride = <usize>nrho * KNOT_BYTES;
  for (let i = 0; i < n; i++) {
    const rhoI = load<f64>(rho + (<usize>i << 3));
    let p = rhoI * rdrho + 1.0;
    let m = <i32>p;
    m = max(1, min(m, nrho - 1));
    p -= <f64>m;
    p = min(p, 1.0);
    const c = frho + <usize>load<i32>(species + (<usize>i << 2)) * stride + <usize>(m - 1) * KNOT_BYTES;
    const slope = splineSlope(c, p);
    let phi = splineValue(c, p);
    if (rhoI > rhomax) phi += slope * (rhoI - rhomax);
    store<f64>(fp + (<usize>i << 3), slope);
    store<f64>(fe + (<usize>i << 5), phi, 24);
  }
}

/**
 * Pair forces and pair energies (half to each atom) over the cutoff list
 * from ffEamDensityHalf; fp must hold F' on every extended atom. fe (4E f64:
 * force, energy) accumulates onto the embedding energies; virial gets 6 f64.
 */
export function ffEamForceHalf(
  x: usize, species: usize, s: i32, rhor: usize, densityIndex: usize, z2r: usize, pairIndex: usize,
  nr: i32, rdr: f64, cutOffsets: usize, cutJ: usize, cutR: usize, n: i32, fp: usize, fe: usize, virial: usize,
): void {
  const stride = <usize>nr * KNOT_BYTES;
  // With one species every pair reads the same tables (the branch on s is loop-invariant).
  const rhor0 = rhor + <usize>load<i32>(densityIndex) * stride;
  const z2r0 = z2r + <usize>load<i32>(pairIndex) * stride;
  let vxx = 0.0, vyy = 0.0, vzz = 0.0, vyz = 0.0, vxz = 0.0, vxy = 0.0;
  for (let i = 0; i < n; i++) {
    const xi = x + <usize>i * 24;
    const px = load<f64>(xi), py = load<f64>(xi, 8), pz = load<f64>(xi, 16);
    const a = s == 1 ? 0 : load<i32>(species + (<usize>i << 2));
    const fpI = load<f64>(fp + (<usize>i << 3));
    let fx = 0.0, fy = 0.0, fz = 0.0, ei = 0.0;
    const end = load<i32>(cutOffsets + (<usize>(i + 1) << 2));
    for (let k = load<i32>(cutOffsets + (<usize>i << 2)); k < end; k++) {
      const j = <usize>load<i32>(cutJ + (<usize>k << 2));
      const r = load<f64>(cutR + (<usize>k << 3));
      const xj = x + j * 24;
      const dx = px - load<f64>(xj), dy = py - load<f64>(xj, 8), dz = pz - load<f64>(xj, 16);
      const knot = knotOf(r, rdr, nr);
      const p = fractionOf(r, rdr, nr);
      let rhoAtI: f64, rhoAtJ: f64, z: usize;
      if (s == 1) {
        rhoAtI = rhoAtJ = splineSlope(rhor0 + knot, p);
        z = z2r0 + knot;
      } else {
        const b = load<i32>(species + (j << 2));
        rhoAtI = splineSlope(rhor + <usize>load<i32>(densityIndex + (<usize>(a * s + b) << 2)) * stride + knot, p);
        rhoAtJ = splineSlope(rhor + <usize>load<i32>(densityIndex + (<usize>(b * s + a) << 2)) * stride + knot, p);
        z = z2r + <usize>load<i32>(pairIndex + (<usize>(a * s + b) << 2)) * stride + knot;
      }
      const z2p = splineSlope(z, p);
      const z2 = splineValue(z, p);

      const recip = 1.0 / r;
      const phi = z2 * recip;
      const phip = z2p * recip - phi * recip;
      const fpair = -(fpI * rhoAtI + load<f64>(fp + (j << 3)) * rhoAtJ + phip) * recip;
      const halfE = 0.5 * phi;

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
