import { reserveArena, wasmKernels } from '../../../compute/src/wasm.js';
import { medianSeconds, type BenchSuite, type BenchTable } from '../report.js';

// Single-core read bandwidth of this machine as WebAssembly sees it: a SIMD
// sum over a buffer far larger than the last-level cache. The vector and
// attention suites quote their achieved bandwidth against this figure.

const cache = new Map<boolean, Promise<number>>();

async function probe(quick: boolean): Promise<number> {
  const bytes = (quick ? 128 : 512) * 2 ** 20;
  const kernels = wasmKernels();
  const [slot] = reserveArena(kernels, [bytes]);
  // Fill with 1.0, a normal float: a byte pattern such as 0x01010101 is subnormal, and subnormal adds are slow.
  new Float32Array(kernels.memory.buffer, slot.offset, bytes / 4).fill(1);
  const streamSum = kernels.streamSum as (source: number, bytes: number) => number;
  const seconds = await medianSeconds(() => streamSum(slot.offset, bytes), 1, 5);
  return bytes / seconds;
}

/** Measured read bandwidth in bytes per second, probed once per run. */
export function measuredBandwidth(quick: boolean): Promise<number> {
  let pending = cache.get(quick);
  if (!pending) cache.set(quick, (pending = probe(quick)));
  return pending;
}

export const bandwidthSuite: BenchSuite = {
  name: 'bandwidth',
  async run({ quick }): Promise<BenchTable[]> {
    const bandwidth = await measuredBandwidth(quick);
    return [
      {
        title: 'Memory bandwidth (WebAssembly, one core)',
        columns: ['probe', 'buffer MiB', 'GB/s'],
        rows: [['SIMD f32x4 streaming sum', quick ? 128 : 512, bandwidth / 1e9]],
        notes: ['Read bandwidth of one core through WebAssembly linear memory; the achieved-bandwidth ratios below divide by this figure.'],
      },
    ];
  },
};
