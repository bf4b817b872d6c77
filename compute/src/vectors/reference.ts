import type { SearchProblem } from './types.js';

// Reference search: every distance in float64, a full sort per query, ties
// broken by row id. Written for clarity; the other backends are tested
// against it.

/** Distance between query row `q` and base row `row` under the problem's metric, in float64. */
export function referenceDistance(problem: SearchProblem, q: number, row: number): number {
  const { dim, base, queries } = problem;
  let dot = 0;
  let qq = 0;
  let bb = 0;
  let l2 = 0;
  for (let i = 0; i < dim; i++) {
    const a = queries[q * dim + i];
    const b = base[row * dim + i];
    dot += a * b;
    qq += a * a;
    bb += b * b;
    l2 += (a - b) * (a - b);
  }
  if (problem.element === 'i8') return -(problem.queryScales![q] * problem.baseScales![row] * dot);
  if (problem.metric === 'l2sq') return l2;
  if (problem.metric === 'ip') return -dot;
  if (qq === 0 || bb === 0) return 1;
  return 1 - dot / Math.sqrt(qq * bb);
}

export function searchReference(problem: SearchProblem): { indices: Int32Array; distances: Float32Array } {
  const { queryCount, k } = problem;
  const rows = problem.ids ? Array.from(problem.ids) : Array.from({ length: problem.n }, (_, i) => i);
  const indices = new Int32Array(queryCount * k);
  const distances = new Float32Array(queryCount * k);

  for (let q = 0; q < queryCount; q++) {
    const scored = rows.map((row) => ({ row, distance: Math.fround(referenceDistance(problem, q, row)) }));
    scored.sort((a, b) => a.distance - b.distance || a.row - b.row);
    for (let j = 0; j < k; j++) {
      indices[q * k + j] = scored[j].row;
      distances[q * k + j] = scored[j].distance;
    }
  }
  return { indices, distances };
}
