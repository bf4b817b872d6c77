// Cell-list neighbour-list build, the WebAssembly twin of the TypeScript
// reference in compute/src/forcefield/neighbor-list.ts (same index space,
// same ghosts, same r < cutoff + skin test in f64). The host plans the bin
// grid and the stencil (compute/src/forcefield/neighbor-grid.ts) and calls
// these steps in order:
//
//   1. nlWrap          fractional coordinates, wrapped on periodic axes
//   2. nlCountGhosts   number of periodic images within the margin
//   3. nlFillGhosts    their owners, integer images and Cartesian shifts
//   4. ffExtendPositions (neighbors.ts) extended Cartesian positions
//   5. nlBin           counting sort of extended atoms into bins, with the
//                      sorted positions copied out as x, y, z arrays
//   6. nlSearch        CSR list per local atom over a stencil of bin rows
//
// Bin coordinates along a periodic axis are floor(s·m) + image·m, so a
// translation by a lattice vector shifts every bin index by the same whole
// number: the half list relies on that (see nlSearch).
//
// Pointers are byte offsets into the arena.

const ROW_PLAIN: i32 = 0;
const ROW_SAME_BIN: i32 = 1;

/**
 * Computes fractional coordinates s = x · inverse (3N f64) and, on each
 * periodic axis (bit k of pbcMask), wraps s into [0, 1); localShift (3N f64,
 * Å) receives −Σ_k wrap_k · cell_k, the Cartesian move that wrapping made.
 */
export function nlWrap(positions: usize, n: i32, inverse: usize, cell: usize, pbcMask: i32, frac: usize, localShift: usize): void {
  for (let i = 0; i < n; i++) {
    const at = <usize>i * 24;
    const x = load<f64>(positions + at), y = load<f64>(positions + at, 8), z = load<f64>(positions + at, 16);
    let w0 = 0.0, w1 = 0.0, w2 = 0.0;
    for (let k = 0; k < 3; k++) {
      const kk = <usize>k << 3;
      let s = x * load<f64>(inverse + kk) + y * load<f64>(inverse + kk, 24) + z * load<f64>(inverse + kk, 48);
      let w = 0.0;
      if ((pbcMask >> k) & 1) {
        w = Math.floor(s);
        s -= w;
        if (s >= 1.0) { s -= 1.0; w += 1.0; }
      }
      store<f64>(frac + at + kk, s);
      if (k == 0) w0 = w; else if (k == 1) w1 = w; else w2 = w;
    }
    for (let c = 0; c < 3; c++) {
      const cc = <usize>c << 3;
      store<f64>(localShift + at + cc, -(w0 * load<f64>(cell + cc) + w1 * load<f64>(cell + cc, 24) + w2 * load<f64>(cell + cc, 48)));
    }
  }
}

// Shared loop of nlCountGhosts and nlFillGhosts: every image (a, b, c) ≠ 0
// of every atom whose fractional coordinates lie within `margin` of the
// cell, in the order of the reference build. `margins` holds 3 f64,
// `ranges` 3 i32 (the largest |image| per axis).
// @ts-ignore: decorator
@inline function visitGhosts(frac: usize, n: i32, margins: usize, ranges: usize, cell: usize, fill: bool, owner: usize, image: usize, shift: usize): i32 {
  const m0 = load<f64>(margins), m1 = load<f64>(margins, 8), m2 = load<f64>(margins, 16);
  const r0 = load<i32>(ranges), r1 = load<i32>(ranges, 4), r2 = load<i32>(ranges, 8);
  let count = 0;
  for (let j = 0; j < n; j++) {
    const at = frac + <usize>j * 24;
    const f0 = load<f64>(at), f1 = load<f64>(at, 8), f2 = load<f64>(at, 16);
    for (let a = -r0; a <= r0; a++) {
      const s0 = f0 + <f64>a;
      if (a != 0 && (s0 < -m0 || s0 > 1.0 + m0)) continue;
      for (let b = -r1; b <= r1; b++) {
        const s1 = f1 + <f64>b;
        if (b != 0 && (s1 < -m1 || s1 > 1.0 + m1)) continue;
        for (let c = -r2; c <= r2; c++) {
          if (a == 0 && b == 0 && c == 0) continue;
          const s2 = f2 + <f64>c;
          if (c != 0 && (s2 < -m2 || s2 > 1.0 + m2)) continue;
          if (fill) {
            store<i32>(owner + (<usize>count << 2), j);
            const im = image + <usize>count * 12;
            store<i32>(im, a);
            store<i32>(im, b, 4);
            store<i32>(im, c, 8);
            const sh = shift + <usize>count * 24;
            for (let d = 0; d < 3; d++) {
              const dd = <usize>d << 3;
              store<f64>(sh + dd, <f64>a * load<f64>(cell + dd) + <f64>b * load<f64>(cell + dd, 24) + <f64>c * load<f64>(cell + dd, 48));
            }
          }
          count++;
        }
      }
    }
  }
  return count;
}

/** Counts the ghosts nlFillGhosts will write. */
export function nlCountGhosts(frac: usize, n: i32, margins: usize, ranges: usize): i32 {
  return visitGhosts(frac, n, margins, ranges, 0, false, 0, 0, 0);
}

/** Writes each ghost's owner (G i32), image (3G i32) and Cartesian shift (3G f64, Å). */
export function nlFillGhosts(frac: usize, n: i32, margins: usize, ranges: usize, cell: usize, owner: usize, image: usize, shift: usize): void {
  visitGhosts(frac, n, margins, ranges, cell, true, owner, image, shift);
}

/**
 * Sorts the E = N + G extended atoms into bins (counting sort, stable).
 *
 * grid (per axis k, 3 × 4 f64): scale_k, origin_k, periodic flag, pad_k,
 * then 3 i32 dims. A periodic axis has scale m_k (bins per cell length) and
 * bin floor(s·m) clamped to [0, m), plus image·m, plus pad_k. A
 * non-periodic axis has bin floor((s − origin)·scale) clamped to the
 * occupied range, plus pad_k. pad_k empty-or-ghost bins on each side let
 * the stencil run without bounds checks.
 *
 * Outputs: binOf (E i32), binStart (bins + 1 i32), slotAtom (E i32, the
 * extended index in each sorted slot) and sorted x, y, z (E f64 each).
 */
export function nlBin(
  frac: usize, n: i32, ghostOwner: usize, ghostImage: usize, nGhost: i32, grid: usize, dims: usize, x: usize,
  binOf: usize, binStart: usize, slotAtom: usize, sx: usize, sy: usize, sz: usize,
): void {
  const d0 = load<i32>(dims), d1 = load<i32>(dims, 4), d2 = load<i32>(dims, 8);
  const bins = d0 * d1 * d2;
  const e = n + nGhost;
  memory.fill(binStart, 0, <usize>(bins + 1) << 2);

  for (let p = 0; p < e; p++) {
    const owner = p < n ? p : load<i32>(ghostOwner + (<usize>(p - n) << 2));
    const at = frac + <usize>owner * 24;
    let b = 0;
    for (let k = 0; k < 3; k++) {
      const g = grid + <usize>k * 32;
      const scale = load<f64>(g), origin = load<f64>(g, 8), periodic = load<f64>(g, 16) != 0.0, pad = <i32>load<f64>(g, 24);
      const dim = k == 0 ? d0 : k == 1 ? d1 : d2;
      const s = load<f64>(at + (<usize>k << 3));
      let index: i32;
      if (periodic) {
        const m = <i32>scale;
        index = min(m - 1, max(0, <i32>Math.floor(s * scale)));
        if (p >= n) index += load<i32>(ghostImage + <usize>(p - n) * 12 + (<usize>k << 2)) * m;
      } else {
        index = min(dim - 2 * pad - 1, max(0, <i32>Math.floor((s - origin) * scale)));
      }
      // The clamp only guards memory: ghosts lie within the margin, which the padding covers.
      b = b * dim + min(dim - 1, max(0, index + pad));
    }
    store<i32>(binOf + (<usize>p << 2), b);
    const count = binStart + (<usize>(b + 1) << 2);
    store<i32>(count, load<i32>(count) + 1);
  }

  for (let b = 0; b < bins; b++) {
    const next = binStart + (<usize>(b + 1) << 2);
    store<i32>(next, load<i32>(next) + load<i32>(next - 4));
  }

  // Fill slots in extended-index order, using binStart[b] as the cursor of
  // bin b; afterwards each cursor sits on the next bin's start, so one
  // shift by a bin restores binStart.
  for (let p = 0; p < e; p++) {
    const cursor = binStart + (<usize>load<i32>(binOf + (<usize>p << 2)) << 2);
    const slot = load<i32>(cursor);
    store<i32>(cursor, slot + 1);
    store<i32>(slotAtom + (<usize>slot << 2), p);
    const xp = x + <usize>p * 24;
    store<f64>(sx + (<usize>slot << 3), load<f64>(xp));
    store<f64>(sy + (<usize>slot << 3), load<f64>(xp, 8));
    store<f64>(sz + (<usize>slot << 3), load<f64>(xp, 16));
  }
  memory.copy(binStart + 4, binStart, <usize>bins << 2);
  store<i32>(binStart, 0);
}

/** Lexicographic sign of a ghost's integer image: true for the "positive" half. */
// @ts-ignore: decorator
@inline function imageIsPositive(image: usize): bool {
  const a = load<i32>(image), b = load<i32>(image, 4), c = load<i32>(image, 8);
  if (a != 0) return a > 0;
  if (b != 0) return b > 0;
  return c > 0;
}

const PAGE_BYTES: usize = 65536;

/** Grows memory so that `end` bytes are addressable; false when the engine refuses. */
// @ts-ignore: decorator
@inline function ensureMemory(end: usize): bool {
  const have = <usize>memory.size() * PAGE_BYTES;
  if (end <= have) return true;
  // Grow at least by half of what exists, so a long list costs few grows.
  const want = max(end - have, have >> 1);
  return memory.grow(<i32>((want + PAGE_BYTES - 1) / PAGE_BYTES)) >= 0;
}

/**
 * Lists, for each local atom i, the extended atoms p with
 * |x_p − x_i|² < reachSq, reading candidates from a stencil of bin rows.
 *
 * rows: rowCount × 3 i32 (linear bin offset of the row's first bin, bins in
 * the row, kind). A row covers consecutive bins along the last axis, so its
 * atoms are one contiguous slot range. Kind ROW_PLAIN takes every atom in
 * reach except i itself; ROW_SAME_BIN (only in half lists, the bin of i)
 * keeps p when owner(p) > i, or owner(p) = i and p's image is positive.
 *
 * A half list uses the half of the stencil that is lexicographically
 * positive plus the same-bin row: because bin indices move by whole
 * numbers under lattice translations, exactly one of the pair (i, k + T)
 * and its mirror (k, i − T) falls in the positive half.
 *
 * x holds the extended positions (3E f64, Å); the sorted copies sx, sy, sz
 * hold the same values, so every distance equals the reference build's.
 *
 * offsets (N + 1 i32) receives the CSR offsets; neighbours go from byte
 * offset `out` onwards, memory growing as needed. Returns the number of
 * neighbours, or −1 when memory cannot grow.
 */
export function nlSearch(
  n: i32, x: usize, binOf: usize, binStart: usize, slotAtom: usize, sx: usize, sy: usize, sz: usize,
  ghostOwner: usize, ghostImage: usize, rows: usize, rowCount: i32, reachSq: f64, offsets: usize, out: usize,
): i32 {
  let count = 0;
  const reach2 = f64x2.splat(reachSq);
  store<i32>(offsets, 0);
  for (let i = 0; i < n; i++) {
    const bin = load<i32>(binOf + (<usize>i << 2));
    const xiAt = x + <usize>i * 24;
    const xi = load<f64>(xiAt), yi = load<f64>(xiAt, 8), zi = load<f64>(xiAt, 16);
    const px = f64x2.splat(xi), py = f64x2.splat(yi), pz = f64x2.splat(zi);

    for (let r = 0; r < rowCount; r++) {
      const row = rows + <usize>r * 12;
      const firstBin = bin + load<i32>(row);
      const first = load<i32>(binStart + (<usize>firstBin << 2));
      const last = load<i32>(binStart + (<usize>(firstBin + load<i32>(row, 4)) << 2));
      if (first >= last) continue;
      if (!ensureMemory(out + (<usize>(count + last - first) << 2))) return -1;

      if (load<i32>(row, 8) == ROW_SAME_BIN) {
        for (let q = first; q < last; q++) {
          const p = load<i32>(slotAtom + (<usize>q << 2));
          const dx = load<f64>(sx + (<usize>q << 3)) - xi;
          const dy = load<f64>(sy + (<usize>q << 3)) - yi;
          const dz = load<f64>(sz + (<usize>q << 3)) - zi;
          if (dx * dx + dy * dy + dz * dz >= reachSq) continue;
          const owner = p < n ? p : load<i32>(ghostOwner + (<usize>(p - n) << 2));
          if (owner < i) continue;
          if (owner == i && (p < n || !imageIsPositive(ghostImage + <usize>(p - n) * 12))) continue;
          store<i32>(out + (<usize>count << 2), p);
          count++;
        }
        continue;
      }

      // Branch-free append, two candidates per step: the slot is always
      // written and the count advances only when the candidate is kept.
      let q = first;
      for (; q + 1 < last; q += 2) {
        const dx = f64x2.sub(v128.load(sx + (<usize>q << 3)), px);
        const dy = f64x2.sub(v128.load(sy + (<usize>q << 3)), py);
        const dz = f64x2.sub(v128.load(sz + (<usize>q << 3)), pz);
        const rsq = f64x2.add(f64x2.add(f64x2.mul(dx, dx), f64x2.mul(dy, dy)), f64x2.mul(dz, dz));
        const inside = f64x2.lt(rsq, reach2);
        const p0 = load<i32>(slotAtom + (<usize>q << 2));
        const p1 = load<i32>(slotAtom + (<usize>q << 2), 4);
        store<i32>(out + (<usize>count << 2), p0);
        count += (<i32>(i64x2.extract_lane(inside, 0) != 0)) & <i32>(p0 != i);
        store<i32>(out + (<usize>count << 2), p1);
        count += (<i32>(i64x2.extract_lane(inside, 1) != 0)) & <i32>(p1 != i);
      }
      if (q < last) {
        const p = load<i32>(slotAtom + (<usize>q << 2));
        const dx = load<f64>(sx + (<usize>q << 3)) - xi;
        const dy = load<f64>(sy + (<usize>q << 3)) - yi;
        const dz = load<f64>(sz + (<usize>q << 3)) - zi;
        store<i32>(out + (<usize>count << 2), p);
        count += <i32>(dx * dx + dy * dy + dz * dz < reachSq) & <i32>(p != i);
      }
    }
    store<i32>(offsets + (<usize>(i + 1) << 2), count);
  }
  return count;
}
