// Exact top-k vector search over a row-major base matrix.
//
// Layout (all byte offsets into the arena, see compute/src/vectors/wasm.ts):
//   base      n × dim    f32 or i8, row-major
//   queries   nq × dim   f32 or i8
//   ids       rowCount   i32 row ids to scan, or 0 to scan rows 0..rowCount-1
//   heaps     4 × k × 8  bytes of scratch, one heap per query in a block
//   outIds    nq × k     i32, nearest first
//   outDist   nq × k     f32, ascending
//
// Queries are processed four at a time, so each base row is read from memory
// once per block of four. A batch of many queries is then limited by
// arithmetic rather than by memory bandwidth.
import { heapDrain, heapOffer, heapThreshold } from './topk';

/** Metric codes shared with the host: 0 l2sq, 1 ip, 2 cos. */
const L2SQ = 0;
const IP = 1;
const COS = 2;

const BLOCK = 4;

// Distances of the current row to the four queries of a block (wasm globals
// are cheaper than returning through memory).
let d0: f32 = 0;
let d1: f32 = 0;
let d2: f32 = 0;
let d3: f32 = 0;
// Σ b² of the current row, for cosine.
let rowSquares: f32 = 0;

// @ts-ignore: decorator
@inline
function lanes(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

function dotBlock(b: usize, q0: usize, q1: usize, q2: usize, q3: usize, dim: i32, withSquares: bool): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  let sq = f32x4.splat(0);
  const vectorEnd = b + (<usize>(dim & ~3) << 2);
  // One pointer walks the row; the queries sit at fixed distances from it.
  const o0 = q0 - b;
  const o1 = q1 - b;
  const o2 = q2 - b;
  const o3 = q3 - b;
  let p = b;
  if (withSquares) {
    for (; p < vectorEnd; p += 16) {
      const bv = v128.load(p);
      a0 = f32x4.add(a0, f32x4.mul(bv, v128.load(p + o0)));
      a1 = f32x4.add(a1, f32x4.mul(bv, v128.load(p + o1)));
      a2 = f32x4.add(a2, f32x4.mul(bv, v128.load(p + o2)));
      a3 = f32x4.add(a3, f32x4.mul(bv, v128.load(p + o3)));
      sq = f32x4.add(sq, f32x4.mul(bv, bv));
    }
  } else {
    for (; p < vectorEnd; p += 16) {
      const bv = v128.load(p);
      a0 = f32x4.add(a0, f32x4.mul(bv, v128.load(p + o0)));
      a1 = f32x4.add(a1, f32x4.mul(bv, v128.load(p + o1)));
      a2 = f32x4.add(a2, f32x4.mul(bv, v128.load(p + o2)));
      a3 = f32x4.add(a3, f32x4.mul(bv, v128.load(p + o3)));
    }
  }
  let s0 = lanes(a0);
  let s1 = lanes(a1);
  let s2 = lanes(a2);
  let s3 = lanes(a3);
  let ss = lanes(sq);
  for (let i = dim & ~3; i < dim; i++) {
    const offset = <usize>i << 2;
    const x = load<f32>(b + offset);
    s0 += x * load<f32>(q0 + offset);
    s1 += x * load<f32>(q1 + offset);
    s2 += x * load<f32>(q2 + offset);
    s3 += x * load<f32>(q3 + offset);
    ss += x * x;
  }
  d0 = s0;
  d1 = s1;
  d2 = s2;
  d3 = s3;
  rowSquares = ss;
}

function l2Block(b: usize, q0: usize, q1: usize, q2: usize, q3: usize, dim: i32): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  const vectorEnd = dim & ~3;
  let i = 0;
  for (; i < vectorEnd; i += 4) {
    const offset = <usize>i << 2;
    const bv = v128.load(b + offset);
    const e0 = f32x4.sub(bv, v128.load(q0 + offset));
    const e1 = f32x4.sub(bv, v128.load(q1 + offset));
    const e2 = f32x4.sub(bv, v128.load(q2 + offset));
    const e3 = f32x4.sub(bv, v128.load(q3 + offset));
    a0 = f32x4.add(a0, f32x4.mul(e0, e0));
    a1 = f32x4.add(a1, f32x4.mul(e1, e1));
    a2 = f32x4.add(a2, f32x4.mul(e2, e2));
    a3 = f32x4.add(a3, f32x4.mul(e3, e3));
  }
  let s0 = lanes(a0);
  let s1 = lanes(a1);
  let s2 = lanes(a2);
  let s3 = lanes(a3);
  for (; i < dim; i++) {
    const offset = <usize>i << 2;
    const x = load<f32>(b + offset);
    const e0 = x - load<f32>(q0 + offset);
    const e1 = x - load<f32>(q1 + offset);
    const e2 = x - load<f32>(q2 + offset);
    const e3 = x - load<f32>(q3 + offset);
    s0 += e0 * e0;
    s1 += e1 * e1;
    s2 += e2 * e2;
    s3 += e3 * e3;
  }
  d0 = s0;
  d1 = s1;
  d2 = s2;
  d3 = s3;
}

// Scores one query against one row, for the common single-query search.
// Two accumulators per sum take eight floats a step, and the query is not
// repeated four times as in a block.
function dotOne(b: usize, q: usize, dim: i32, withSquares: bool): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let sq0 = f32x4.splat(0);
  let sq1 = f32x4.splat(0);
  const o = q - b;
  const end8 = b + (<usize>(dim & ~7) << 2);
  const end4 = b + (<usize>(dim & ~3) << 2);

  let p = b;
  for (; p < end8; p += 32) {
    const x0 = v128.load(p);
    const x1 = v128.load(p, 16);
    a0 = f32x4.add(a0, f32x4.mul(x0, v128.load(p + o)));
    a1 = f32x4.add(a1, f32x4.mul(x1, v128.load(p + o, 16)));
    if (withSquares) {
      sq0 = f32x4.add(sq0, f32x4.mul(x0, x0));
      sq1 = f32x4.add(sq1, f32x4.mul(x1, x1));
    }
  }
  for (; p < end4; p += 16) {
    const x0 = v128.load(p);
    a0 = f32x4.add(a0, f32x4.mul(x0, v128.load(p + o)));
    if (withSquares) sq0 = f32x4.add(sq0, f32x4.mul(x0, x0));
  }

  let s = lanes(f32x4.add(a0, a1));
  let ss = lanes(f32x4.add(sq0, sq1));
  for (let i = dim & ~3; i < dim; i++) {
    const offset = <usize>i << 2;
    const x = load<f32>(b + offset);
    s += x * load<f32>(q + offset);
    ss += x * x;
  }
  d0 = s;
  rowSquares = ss;
}

function l2One(b: usize, q: usize, dim: i32): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  const o = q - b;
  const end8 = b + (<usize>(dim & ~7) << 2);
  const end4 = b + (<usize>(dim & ~3) << 2);
  let p = b;
  for (; p < end8; p += 32) {
    const e0 = f32x4.sub(v128.load(p), v128.load(p + o));
    const e1 = f32x4.sub(v128.load(p, 16), v128.load(p + o, 16));
    a0 = f32x4.add(a0, f32x4.mul(e0, e0));
    a1 = f32x4.add(a1, f32x4.mul(e1, e1));
  }
  for (; p < end4; p += 16) {
    const e0 = f32x4.sub(v128.load(p), v128.load(p + o));
    a0 = f32x4.add(a0, f32x4.mul(e0, e0));
  }
  let s = lanes(f32x4.add(a0, a1));
  for (let i = dim & ~3; i < dim; i++) {
    const offset = <usize>i << 2;
    const e = load<f32>(b + offset) - load<f32>(q + offset);
    s += e * e;
  }
  d0 = s;
}

// Σ a_i b_i over int8 rows; queries were widened to i16 so one
// i32x4.dot_i16x8_s multiplies eight pairs and adds adjacent products.
function dotBlockI8(b: usize, q0: usize, q1: usize, q2: usize, q3: usize, dim: i32): void {
  let a0 = i32x4.splat(0);
  let a1 = i32x4.splat(0);
  let a2 = i32x4.splat(0);
  let a3 = i32x4.splat(0);
  const vectorEnd = dim & ~15;
  let i = 0;
  for (; i < vectorEnd; i += 16) {
    const raw = v128.load(b + <usize>i);
    const low = i16x8.extend_low_i8x16_s(raw);
    const high = i16x8.extend_high_i8x16_s(raw);
    const offset = <usize>i << 1;
    a0 = i32x4.add(a0, i32x4.add(i32x4.dot_i16x8_s(low, v128.load(q0 + offset)), i32x4.dot_i16x8_s(high, v128.load(q0 + offset, 16))));
    a1 = i32x4.add(a1, i32x4.add(i32x4.dot_i16x8_s(low, v128.load(q1 + offset)), i32x4.dot_i16x8_s(high, v128.load(q1 + offset, 16))));
    a2 = i32x4.add(a2, i32x4.add(i32x4.dot_i16x8_s(low, v128.load(q2 + offset)), i32x4.dot_i16x8_s(high, v128.load(q2 + offset, 16))));
    a3 = i32x4.add(a3, i32x4.add(i32x4.dot_i16x8_s(low, v128.load(q3 + offset)), i32x4.dot_i16x8_s(high, v128.load(q3 + offset, 16))));
  }
  let s0 = i32x4.extract_lane(a0, 0) + i32x4.extract_lane(a0, 1) + i32x4.extract_lane(a0, 2) + i32x4.extract_lane(a0, 3);
  let s1 = i32x4.extract_lane(a1, 0) + i32x4.extract_lane(a1, 1) + i32x4.extract_lane(a1, 2) + i32x4.extract_lane(a1, 3);
  let s2 = i32x4.extract_lane(a2, 0) + i32x4.extract_lane(a2, 1) + i32x4.extract_lane(a2, 2) + i32x4.extract_lane(a2, 3);
  let s3 = i32x4.extract_lane(a3, 0) + i32x4.extract_lane(a3, 1) + i32x4.extract_lane(a3, 2) + i32x4.extract_lane(a3, 3);
  for (; i < dim; i++) {
    const x = <i32>load<i8>(b + <usize>i);
    const offset = <usize>i << 1;
    s0 += x * <i32>load<i16>(q0 + offset);
    s1 += x * <i32>load<i16>(q1 + offset);
    s2 += x * <i32>load<i16>(q2 + offset);
    s3 += x * <i32>load<i16>(q3 + offset);
  }
  d0 = <f32>s0;
  d1 = <f32>s1;
  d2 = <f32>s2;
  d3 = <f32>s3;
}

/** 1 / ‖v‖ for a row of f32, or 0 for the zero vector (so its cosine distance is 1). */
function inverseNorm(v: usize, dim: i32): f32 {
  let s: f32 = 0;
  for (let i = 0; i < dim; i++) {
    const x = load<f32>(v + (<usize>i << 2));
    s += x * x;
  }
  return s > 0 ? 1 / Mathf.sqrt(s) : 0;
}

// @ts-ignore: decorator
@inline
function cosineDistance(dot: f32, inverseQuery: f32, inverseRow: f32): f32 {
  // A zero vector has inverse norm 0, so the cosine is 0 and the distance 1.
  return 1 - dot * inverseQuery * inverseRow;
}

/**
 * Exact top-k search. `element` 0 = f32 (metric 0/1/2), 1 = int8 inner
 * product with per-row scales at `baseScales` and per-query scales at
 * `queryScales` (f32); `widened` is nq × dim i16 scratch for int8 queries.
 */
export function vectorSearch(
  element: i32,
  metric: i32,
  base: usize,
  dim: i32,
  queries: usize,
  queryCount: i32,
  ids: usize,
  rowCount: i32,
  k: i32,
  baseScales: usize,
  queryScales: usize,
  widened: usize,
  heaps: usize,
  outIds: usize,
  outDist: usize,
): void {
  const elementBytes: usize = element == 0 ? 4 : 1;
  const rowBytes = <usize>dim * elementBytes;
  if (element == 1) {
    for (let j = 0; j < queryCount * dim; j++) store<i16>(widened + (<usize>j << 1), <i16>load<i8>(queries + <usize>j));
  }
  const queryBase = element == 0 ? queries : widened;
  const queryBytes = element == 0 ? rowBytes : <usize>dim << 1;
  const heapBytes = <usize>k << 3;

  for (let block = 0; block < queryCount; block += BLOCK) {
    const active = min(BLOCK, queryCount - block);
    // Missing queries of the last block repeat the first one; their results are dropped.
    const q0 = queryBase + <usize>block * queryBytes;
    const q1 = active > 1 ? q0 + queryBytes : q0;
    const q2 = active > 2 ? q0 + 2 * queryBytes : q0;
    const q3 = active > 3 ? q0 + 3 * queryBytes : q0;
    let size0 = 0;
    let size1 = 0;
    let size2 = 0;
    let size3 = 0;
    let inverse0: f32 = 0;
    let inverse1: f32 = 0;
    let inverse2: f32 = 0;
    let inverse3: f32 = 0;
    let scale0: f32 = 0;
    let scale1: f32 = 0;
    let scale2: f32 = 0;
    let scale3: f32 = 0;
    if (element == 0 && metric == COS) {
      inverse0 = inverseNorm(q0, dim);
      inverse1 = inverseNorm(q1, dim);
      inverse2 = inverseNorm(q2, dim);
      inverse3 = inverseNorm(q3, dim);
    }
    if (element == 1) {
      scale0 = -load<f32>(queryScales + (<usize>block << 2));
      scale1 = active > 1 ? -load<f32>(queryScales + (<usize>(block + 1) << 2)) : 0;
      scale2 = active > 2 ? -load<f32>(queryScales + (<usize>(block + 2) << 2)) : 0;
      scale3 = active > 3 ? -load<f32>(queryScales + (<usize>(block + 3) << 2)) : 0;
    }
    const heap0 = heaps;
    const heap1 = heaps + heapBytes;
    const heap2 = heaps + 2 * heapBytes;
    const heap3 = heaps + 3 * heapBytes;
    let limit0: f32 = Infinity;
    let limit1: f32 = Infinity;
    let limit2: f32 = Infinity;
    let limit3: f32 = Infinity;

    for (let r = 0; r < rowCount; r++) {
      const row = ids != 0 ? load<i32>(ids + (<usize>r << 2)) : r;
      const b = base + <usize>row * rowBytes;
      if (element == 1) {
        dotBlockI8(b, q0, q1, q2, q3, dim);
        const rowScale = load<f32>(baseScales + (<usize>row << 2));
        d0 *= scale0 * rowScale;
        d1 *= scale1 * rowScale;
        d2 *= scale2 * rowScale;
        d3 *= scale3 * rowScale;
      } else if (active == 1) {
        if (metric == L2SQ) {
          l2One(b, q0, dim);
        } else {
          dotOne(b, q0, dim, metric == COS);
          d0 = metric == IP ? -d0 : cosineDistance(d0, inverse0, rowSquares > 0 ? 1 / Mathf.sqrt(rowSquares) : 0);
        }
      } else if (metric == L2SQ) {
        l2Block(b, q0, q1, q2, q3, dim);
      } else if (metric == IP) {
        dotBlock(b, q0, q1, q2, q3, dim, false);
        d0 = -d0;
        d1 = -d1;
        d2 = -d2;
        d3 = -d3;
      } else {
        dotBlock(b, q0, q1, q2, q3, dim, true);
        const inverseRow: f32 = rowSquares > 0 ? 1 / Mathf.sqrt(rowSquares) : 0;
        d0 = cosineDistance(d0, inverse0, inverseRow);
        d1 = cosineDistance(d1, inverse1, inverseRow);
        d2 = cosineDistance(d2, inverse2, inverseRow);
        d3 = cosineDistance(d3, inverse3, inverseRow);
      }
      // `<=` lets an equal distance through so heapOffer can break the tie by row id.
      if (d0 <= limit0) {
        size0 = heapOffer(heap0, size0, k, d0, row);
        limit0 = heapThreshold(heap0, size0, k);
      }
      if (active > 1 && d1 <= limit1) {
        size1 = heapOffer(heap1, size1, k, d1, row);
        limit1 = heapThreshold(heap1, size1, k);
      }
      if (active > 2 && d2 <= limit2) {
        size2 = heapOffer(heap2, size2, k, d2, row);
        limit2 = heapThreshold(heap2, size2, k);
      }
      if (active > 3 && d3 <= limit3) {
        size3 = heapOffer(heap3, size3, k, d3, row);
        limit3 = heapThreshold(heap3, size3, k);
      }
    }

    const outStride = <usize>k << 2;
    const out = <usize>block * outStride;
    heapDrain(heap0, size0, outIds + out, outDist + out);
    if (active > 1) heapDrain(heap1, size1, outIds + out + outStride, outDist + out + outStride);
    if (active > 2) heapDrain(heap2, size2, outIds + out + 2 * outStride, outDist + out + 2 * outStride);
    if (active > 3) heapDrain(heap3, size3, outIds + out + 3 * outStride, outDist + out + 3 * outStride);
  }
}
