// Memory-bandwidth probe for benchmarks: streams `bytes` bytes (a multiple
// of 64) from `source` with 128-bit loads and four independent
// accumulators, the access pattern of the search and attention kernels.
export function streamSum(source: usize, bytes: usize): f32 {
  let a = f32x4.splat(0);
  let b = f32x4.splat(0);
  let c = f32x4.splat(0);
  let d = f32x4.splat(0);
  const end = source + bytes;
  for (let p = source; p < end; p += 64) {
    a = f32x4.add(a, v128.load(p));
    b = f32x4.add(b, v128.load(p, 16));
    c = f32x4.add(c, v128.load(p, 32));
    d = f32x4.add(d, v128.load(p, 48));
  }
  const sum = f32x4.add(f32x4.add(a, b), f32x4.add(c, d));
  return f32x4.extract_lane(sum, 0) + f32x4.extract_lane(sum, 1) + f32x4.extract_lane(sum, 2) + f32x4.extract_lane(sum, 3);
}
