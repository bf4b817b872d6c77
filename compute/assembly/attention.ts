// Sparse attention over a memory of M tokens (see compute/src/attention).
//
// Layout (byte offsets into the arena):
//   queries     heads × dim         f32
//   keys        tokens × heads × dim  f32, f16 bits or i8 (element 0, 1, 2)
//   keyScales   tokens × heads      f32, int8 keys only
//   widened     heads × dim         i16 scratch: int8 path queries, quantized
//   queryScales heads               f32 scratch: int8 path query scales
//   heaps       heads × topK × 8    bytes of scratch (see topk.ts)
//   sizes       heads               i32 scratch
//   outIds      heads × topK        i32, best first
//   outKeys     heads × topK        f32, −score, ascending
//   outCounts   heads               i32, keys selected per head
//
// score(h, j) = q_h · k_{j,h} / √dim. For int8 keys the query is quantized to
// int16 with scale max|q_h| / 32767, so i32x4.dot_i16x8_s multiplies eight
// pairs at once; the quantization changes a score by at most
// scale_q / 2 · scale_k · Σ|k8| / √dim.
import { halfToFloat, halvesToFloats } from './half';
import { heapDrain, heapOffer, heapThreshold } from './topk';

const F32 = 0;
const F16 = 1;

// @ts-ignore: decorator
@inline
function lanes(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

function dotF32(q: usize, k: usize, dim: i32): f32 {
  let a = f32x4.splat(0);
  let b = f32x4.splat(0);
  let i = 0;
  for (; i + 8 <= dim; i += 8) {
    const offset = <usize>i << 2;
    a = f32x4.add(a, f32x4.mul(v128.load(q + offset), v128.load(k + offset)));
    b = f32x4.add(b, f32x4.mul(v128.load(q + offset, 16), v128.load(k + offset, 16)));
  }
  let sum = lanes(f32x4.add(a, b));
  for (; i < dim; i++) sum += load<f32>(q + (<usize>i << 2)) * load<f32>(k + (<usize>i << 2));
  return sum;
}

function dotF16(q: usize, k: usize, dim: i32): f32 {
  let a = f32x4.splat(0);
  let b = f32x4.splat(0);
  let i = 0;
  for (; i + 8 <= dim; i += 8) {
    const raw = v128.load(k + (<usize>i << 1));
    const low = halvesToFloats(i32x4.extend_low_i16x8_u(raw));
    const high = halvesToFloats(i32x4.extend_high_i16x8_u(raw));
    const offset = <usize>i << 2;
    a = f32x4.add(a, f32x4.mul(v128.load(q + offset), low));
    b = f32x4.add(b, f32x4.mul(v128.load(q + offset, 16), high));
  }
  let sum = lanes(f32x4.add(a, b));
  for (; i < dim; i++) sum += load<f32>(q + (<usize>i << 2)) * halfToFloat(<u32>load<u16>(k + (<usize>i << 1)));
  return sum;
}

function dotI8(q16: usize, k: usize, dim: i32): i32 {
  let a = i32x4.splat(0);
  let i = 0;
  for (; i + 16 <= dim; i += 16) {
    const raw = v128.load(k + <usize>i);
    const offset = <usize>i << 1;
    a = i32x4.add(a, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(raw), v128.load(q16 + offset)));
    a = i32x4.add(a, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(raw), v128.load(q16 + offset, 16)));
  }
  let sum = i32x4.extract_lane(a, 0) + i32x4.extract_lane(a, 1) + i32x4.extract_lane(a, 2) + i32x4.extract_lane(a, 3);
  for (; i < dim; i++) sum += <i32>load<i8>(k + <usize>i) * <i32>load<i16>(q16 + (<usize>i << 1));
  return sum;
}

function quantizeQueries(queries: usize, heads: i32, dim: i32, widened: usize, queryScales: usize): void {
  for (let h = 0; h < heads; h++) {
    const q = queries + (<usize>(h * dim) << 2);
    let max: f32 = 0;
    for (let i = 0; i < dim; i++) max = Mathf.max(max, Mathf.abs(load<f32>(q + (<usize>i << 2))));
    const scale: f32 = max / 32767;
    store<f32>(queryScales + (<usize>h << 2), scale);
    for (let i = 0; i < dim; i++) {
      const level = scale > 0 ? nearest<f32>(load<f32>(q + (<usize>i << 2)) / scale) : 0;
      store<i16>(widened + (<usize>(h * dim + i) << 1), <i16>level);
    }
  }
}

/** Selects, per head, the topK keys with the highest score ≥ minScore. */
export function attentionSelect(
  element: i32,
  queries: usize,
  heads: i32,
  dim: i32,
  keys: usize,
  keyScales: usize,
  tokens: i32,
  topK: i32,
  minScore: f32,
  widened: usize,
  queryScales: usize,
  heaps: usize,
  sizes: usize,
  outIds: usize,
  outKeys: usize,
  outCounts: usize,
): void {
  const inverseSqrtDim: f32 = 1 / Mathf.sqrt(<f32>dim);
  const elementBytes = bytesPerElement(element);
  const rowBytes = <usize>dim * elementBytes;
  const heapBytes = <usize>topK << 3;
  if (element != F32 && element != F16) quantizeQueries(queries, heads, dim, widened, queryScales);
  for (let h = 0; h < heads; h++) store<i32>(sizes + (<usize>h << 2), 0);

  for (let j = 0; j < tokens; j++) {
    for (let h = 0; h < heads; h++) {
      const slot = <usize>j * <usize>heads + <usize>h;
      const k = keys + slot * rowBytes;
      let score: f32;
      if (element == F32) {
        score = dotF32(queries + (<usize>(h * dim) << 2), k, dim) * inverseSqrtDim;
      } else if (element == F16) {
        score = dotF16(queries + (<usize>(h * dim) << 2), k, dim) * inverseSqrtDim;
      } else {
        const scale = load<f32>(queryScales + (<usize>h << 2)) * load<f32>(keyScales + (slot << 2));
        score = <f32>dotI8(widened + (<usize>(h * dim) << 1), k, dim) * scale * inverseSqrtDim;
      }
      if (score < minScore) continue;

      // Heaps keep the smallest keys, so a higher score is a smaller −score.
      const heap = heaps + <usize>h * heapBytes;
      const size = load<i32>(sizes + (<usize>h << 2));
      if (-score <= heapThreshold(heap, size, topK)) {
        store<i32>(sizes + (<usize>h << 2), heapOffer(heap, size, topK, -score, j));
      }
    }
  }

  for (let h = 0; h < heads; h++) {
    const size = load<i32>(sizes + (<usize>h << 2));
    const out = <usize>(h * topK) << 2;
    heapDrain(heaps + <usize>h * heapBytes, size, outIds + out, outKeys + out);
    store<i32>(outCounts + (<usize>h << 2), size);
  }
}

/**
 * Softmax over each head's selected scores and the weighted sum of their
 * values. `gathered` holds heads × topK × dim value elements of the selected
 * tokens (in selection order, gathered by the host), `gatheredScales`
 * heads × topK scales for int8 values. A head with no selection gets zero
 * weights and a zero readout.
 */
export function attentionReadout(
  element: i32,
  heads: i32,
  dim: i32,
  topK: i32,
  counts: usize,
  keysIn: usize,
  gathered: usize,
  gatheredScales: usize,
  outWeights: usize,
  readout: usize,
): void {
  const elementBytes = bytesPerElement(element);
  for (let h = 0; h < heads; h++) {
    const count = load<i32>(counts + (<usize>h << 2));
    const base = h * topK;
    const out = readout + (<usize>(h * dim) << 2);
    for (let i = 0; i < dim; i++) store<f32>(out + (<usize>i << 2), 0);
    for (let s = 0; s < topK; s++) store<f32>(outWeights + (<usize>(base + s) << 2), 0);
    if (count == 0) continue;

    // Numerically stable softmax: subtract the best score (the first, as keys are −score ascending).
    const best = -load<f32>(keysIn + (<usize>base << 2));
    let total: f32 = 0;
    for (let s = 0; s < count; s++) {
      const weight = Mathf.exp(-load<f32>(keysIn + (<usize>(base + s) << 2)) - best);
      store<f32>(outWeights + (<usize>(base + s) << 2), weight);
      total += weight;
    }
    for (let s = 0; s < count; s++) {
      const at = outWeights + (<usize>(base + s) << 2);
      const weight = load<f32>(at) / total;
      store<f32>(at, weight);
      const v = gathered + <usize>(base + s) * <usize>dim * elementBytes;
      const factor = element == F32 || element == F16 ? weight : weight * load<f32>(gatheredScales + (<usize>(base + s) << 2));
      for (let i = 0; i < dim; i++) {
        let value: f32;
        if (element == F32) value = load<f32>(v + (<usize>i << 2));
        else if (element == F16) value = halfToFloat(<u32>load<u16>(v + (<usize>i << 1)));
        else value = <f32>load<i8>(v + <usize>i);
        const o = out + (<usize>i << 2);
        store<f32>(o, load<f32>(o) + factor * value);
      }
    }
  }
}

/** Bytes of one stored element: 4 for f32, 2 for f16 bits, 1 for int8. */
function bytesPerElement(element: i32): usize {
  if (element == F32) return 4;
  if (element == F16) return 2;
  return 1;
}
