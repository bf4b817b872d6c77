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
