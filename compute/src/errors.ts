/**
 * Raised before any kernel runs when an input is malformed. `argument` names
 * the offending argument; `expected` and `found` describe the mismatch, so a
 * caller can turn the error into a user-facing message without parsing it.
 */
export class KernelInputError extends Error {
  readonly argument: string;
  readonly expected: string;
  readonly found: string;

  constructor(argument: string, expected: string, found: string, hint?: string) {
    super(`Invalid ${argument}: expected ${expected}, found ${found}.${hint ? ` ${hint}` : ''}`);
    this.name = 'KernelInputError';
    this.argument = argument;
    this.expected = expected;
    this.found = found;
  }
}

/** Raised when a requested backend cannot run here (no adapter, no wasm build). */
export class BackendUnavailableError extends Error {
  readonly backend: string;

  constructor(backend: string, reason: string) {
    super(`Backend ${backend} is unavailable: ${reason}`);
    this.name = 'BackendUnavailableError';
    this.backend = backend;
  }
}
