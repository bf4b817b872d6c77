import { KernelInputError } from './errors.js';

// Shared input checks for every kernel entry point. Each throws
// KernelInputError naming the argument, the expected and the found value.

export function checkLength(argument: string, array: ArrayLike<number>, expected: number, shape: string): void {
  if (array.length !== expected) {
    throw new KernelInputError(argument, `length ${expected} (${shape})`, `length ${array.length}`);
  }
}

export function checkFinite(argument: string, array: ArrayLike<number>, stride = 1): void {
  for (let i = 0; i < array.length; i++) {
    if (!Number.isFinite(array[i])) {
      const where = stride > 1 ? `row ${Math.floor(i / stride)}, component ${i % stride}` : `index ${i}`;
      throw new KernelInputError(argument, 'finite numbers', `${array[i]} at ${where}`);
    }
  }
}

export function checkPositive(argument: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new KernelInputError(argument, 'a finite number > 0', String(value));
  }
}

export function checkInteger(argument: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new KernelInputError(argument, `an integer in [${min}, ${max}]`, String(value));
  }
}
