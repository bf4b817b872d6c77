/**
 * Seeded random numbers for molecular dynamics: xoshiro128** (Blackman and
 * Vigna, 2018) for uniform 32-bit integers, seeded through splitmix32, and
 * the Box–Muller transform for standard normal deviates. The same seed gives
 * the same sequence on every platform, because only 32-bit integer
 * arithmetic (Math.imul, shifts) and IEEE doubles are involved.
 */
export class SeededRandom {
  private readonly state = new Uint32Array(4);
  private spare: number | undefined;

  /** `seed` is an integer from 0 to 2³² − 1. */
  constructor(seed: number) {
    let s = seed >>> 0;
    for (let k = 0; k < 4; k++) {
      // splitmix32 step: spreads one 32-bit seed over the 128-bit state.
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.state[k] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.state;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** A uniform double in (0, 1), never exactly 0, so its logarithm is finite. */
  nextUniform(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }

  /** A standard normal deviate (mean 0, variance 1), Box–Muller in pairs. */
  nextNormal(): number {
    if (this.spare !== undefined) {
      const value = this.spare;
      this.spare = undefined;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(this.nextUniform()));
    const angle = 2 * Math.PI * this.nextUniform();
    this.spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
