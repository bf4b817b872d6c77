import type { Structure } from '../../src/index.js';

/** Deterministic uniform [0, 1) generator (mulberry32), so failures reproduce. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FccOptions {
  lattice: number;
  repeats: [number, number, number];
  /** Cell rows as multiples of the edge: off-diagonal tilts (xy, xz, yz). */
  tilt?: [number, number, number];
  jitter?: number;
  species?: number;
  pbc?: [boolean, boolean, boolean];
  seed?: number;
}

/** A jittered fcc supercell, optionally tilted, with random species. */
export function fcc(options: FccOptions): Structure {
  const rand = random(options.seed ?? 1);
  const [r0, r1, r2] = options.repeats;
  const [txy, txz, tyz] = options.tilt ?? [0, 0, 0];
  const a = options.lattice;
  const cell = Float64Array.from([r0 * a, 0, 0, txy * r1 * a, r1 * a, 0, txz * r2 * a, tyz * r2 * a, r2 * a]);
  const basis = [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]];
  const positions: number[] = [];
  const species: number[] = [];
  for (let i = 0; i < r0; i++) for (let j = 0; j < r1; j++) for (let k = 0; k < r2; k++) {
    for (const b of basis) {
      const s = [(i + b[0]) / r0, (j + b[1]) / r1, (k + b[2]) / r2];
      for (let d = 0; d < 3; d++) {
        positions.push(s[0] * cell[d] + s[1] * cell[3 + d] + s[2] * cell[6 + d] + (options.jitter ?? 0) * (2 * rand() - 1));
      }
      species.push(Math.floor(rand() * (options.species ?? 1)));
    }
  }
  return { positions: Float64Array.from(positions), cell, pbc: options.pbc ?? [true, true, true], species: Int32Array.from(species) };
}

export function withPositions(structure: Structure, positions: Float64Array): Structure {
  return { ...structure, positions };
}
