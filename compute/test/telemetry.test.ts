import { describe, expect, test } from 'vitest';

import { onKernelRun, searchVectors, sparseAttention, type KernelRun } from '../src/index.js';

describe('kernel telemetry', () => {
  test('each kernel call reports its backend and time', async () => {
    const runs: KernelRun[] = [];
    const unsubscribe = onKernelRun((run) => runs.push(run));
    const base = Float32Array.from({ length: 8 * 4 }, (_, i) => Math.sin(i));
    await searchVectors({ base, dim: 4, queries: base.subarray(0, 4), k: 2, metric: 'l2sq', backend: 'wasm' });
    const keys = Float32Array.from({ length: 6 * 2 * 4 }, (_, i) => Math.cos(i));
    await sparseAttention({ queries: keys.subarray(0, 8), keys, values: keys, tokens: 6, heads: 2, dim: 4, topK: 3, backend: 'reference' });
    unsubscribe();
    await searchVectors({ base, dim: 4, queries: base.subarray(0, 4), k: 2, metric: 'l2sq', backend: 'wasm' });

    expect(runs.map((run) => [run.kernel, run.backend])).toEqual([
      ['searchVectors', 'wasm'],
      ['sparseAttention', 'reference'],
    ]);
    for (const run of runs) expect(run.seconds).toBeGreaterThan(0);
  });
});
