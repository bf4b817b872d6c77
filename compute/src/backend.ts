import { KernelInputError } from './errors.js';

/** A backend that actually computes; every kernel result names one. */
export type Backend = 'reference' | 'wasm' | 'webgpu';

/** What a caller may request: a concrete backend, or `auto`. */
export type BackendChoice = Backend | 'auto';

const CHOICES: readonly BackendChoice[] = ['auto', 'reference', 'wasm', 'webgpu'];

/**
 * Parses a backend name (case-insensitive) from an option or from
 * SCIFED_BACKEND. An unset or empty value means `auto`.
 */
export function parseBackendChoice(value: string | undefined, argument = 'backend'): BackendChoice {
  if (value === undefined || value === '') return 'auto';
  const lower = value.toLowerCase() as BackendChoice;
  if (!CHOICES.includes(lower)) {
    throw new KernelInputError(argument, `one of ${CHOICES.join(', ')}`, JSON.stringify(value));
  }
  return lower;
}

/** The process-wide default from SCIFED_BACKEND (read on every call, so tests can change it). */
export function defaultBackendChoice(): BackendChoice {
  return parseBackendChoice(process.env.SCIFED_BACKEND, 'SCIFED_BACKEND');
}
