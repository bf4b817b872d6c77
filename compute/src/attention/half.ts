// IEEE 754 binary16 conversion for f16 key and value storage. A half has an
// 11-bit significand, so encoding a finite f32 inside the half range
// (|x| ≤ 65504) changes it by at most 2⁻¹¹ |x| (round to nearest even), or by
// 2⁻²⁵ absolute in the subnormal range below 2⁻¹⁴.

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** Decodes half-precision bits to a number, exactly. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Infinity;
  return sign * (1024 + fraction) * 2 ** (exponent - 25);
}

/** Encodes a number as half-precision bits, rounding to nearest even; overflow gives ±infinity. */
export function floatToHalf(value: number): number {
  scratch[0] = value;
  const bits = scratchBits[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);

  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    // Subnormal half: value / 2⁻²⁴, rounded; the implicit leading one joins the mantissa.
    if (halfExponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - halfExponent;
    return sign | roundShift(mantissa, shift);
  }
  // A carry out of the mantissa correctly bumps the exponent (up to infinity).
  return sign | ((halfExponent << 10) + roundShift(mantissa, 13));
}

function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rest > half || (rest === half && kept & 1) ? kept + 1 : kept;
}

/** Encodes f32 values as half-precision bits (one Uint16 per value). */
export function encodeHalf(values: Float32Array): Uint16Array {
  return Uint16Array.from(values, floatToHalf);
}

/** Decodes half-precision bits to f32 values. */
export function decodeHalf(bits: Uint16Array): Float32Array {
  return Float32Array.from(bits, halfToFloat);
}
