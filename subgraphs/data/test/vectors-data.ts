import type { Harness } from './helpers.js';

/**
 * Seeded clustered vectors like real embeddings: `clusters` random unit
 * centres, each row a centre plus Gaussian noise of standard deviation
 * `spread`, with a categorical `bucket` (0..999, uniform) for filters of
 * known selectivity: bucket < 100 passes 10 %, < 10 passes 1 %, < 1 passes 0.1 %.
 */
export function clusteredRows(n: number, dim: number, seed = 7, clusters = 16, spread = 0.15) {
  let state = seed >>> 0;
  const uniform = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());

  const centres = Array.from({ length: clusters }, () => {
    const c = Array.from({ length: dim }, gaussian);
    const norm = Math.hypot(...c);
    return c.map((x) => x / norm);
  });
  const rows = Array.from({ length: n }, (_, i) => {
    const centre = centres[Math.floor(uniform() * clusters)];
    return { id: i, bucket: Math.floor(uniform() * 1000), v: centre.map((x) => Math.fround(x + spread * gaussian())) };
  });
  const query = () => {
    const centre = centres[Math.floor(uniform() * clusters)];
    return centre.map((x) => x + spread * gaussian());
  };
  return { rows, query };
}

/** Creates table `points` (id, bucket, v FLOAT[dim]) holding `rows`. */
export async function createPoints(h: Harness, rows: { id: number; bucket: number; v: number[] }[], dim: number): Promise<void> {
  await h.subgraph.tables.createTable({
    name: 'points',
    primaryKey: 'id',
    columns: [
      { name: 'id', type: 'INTEGER' },
      { name: 'bucket', type: 'INTEGER' },
      { name: 'v', type: 'VECTOR', dimension: dim },
    ],
  });
  await h.subgraph.tables.insertRows('points', rows);
}
