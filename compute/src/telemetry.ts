import type { Backend } from './backend.js';

/** One completed kernel call, for metrics. */
export interface KernelRun {
  kernel: string;
  backend: Backend;
  seconds: number;
}

type Listener = (run: KernelRun) => void;
const listeners = new Set<Listener>();

/** Subscribes to kernel runs (the subgraph servers feed their Prometheus histograms from this). */
export function onKernelRun(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Called by each public kernel entry point after it finishes. */
export function reportKernelRun(run: KernelRun): void {
  for (const listener of listeners) listener(run);
}

/** Runs a kernel call and reports its wall time with the backend that ran it. */
export async function timeKernel<T extends { backend: Backend }>(kernel: string, call: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await call();
  reportKernelRun({ kernel, backend: result.backend, seconds: (performance.now() - started) / 1000 });
  return result;
}
