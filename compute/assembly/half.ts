// IEEE 754 binary16 to f32, exactly (inputs are finite; the host rejects
// infinities and NaNs). Shifting the 15 non-sign bits left by 13 lines the
// half's exponent and mantissa up with an f32's; the f32 then has exponent
// bias 127 where the half had 15, so multiplying by 2^(127−15) = 2^112
// restores the value, and the same product renormalizes half subnormals.

const REBIAS: f32 = 5.192296858534828e33; // 2^112

export function halfToFloat(bits: u32): f32 {
  const magnitude = (bits & 0x7fff) << 13;
  const sign = (bits & 0x8000) << 16;
  return reinterpret<f32>(sign | magnitude) * REBIAS;
}

/** Decodes four halves held in the low 16 bits of each i32 lane. */
// @ts-ignore: decorator
@inline
export function halvesToFloats(lanes: v128): v128 {
  const magnitude = i32x4.shl(v128.and(lanes, i32x4.splat(0x7fff)), 13);
  const sign = i32x4.shl(v128.and(lanes, i32x4.splat(0x8000)), 16);
  return f32x4.mul(v128.or(sign, magnitude), f32x4.splat(REBIAS));
}
