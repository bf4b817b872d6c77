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

/** Checks that `array` holds `rows` rows of `width` values (row-major). */
export function checkMatrix(argument: string, array: ArrayLike<number>, rows: number, width: number, shape: string): void {
  if (array.length !== rows * width) {
    throw new KernelInputError(argument, `length ${rows * width} (${shape} = ${rows} × ${width})`, `length ${array.length}`);
  }
}

/**
 * Checks that `ids` are distinct integers in [0, count). Duplicates are
 * rejected because they would return the same row twice in one top-k list.
 */
export function checkRowIds(argument: string, ids: ArrayLike<number>, count: number): void {
  const seen = new Uint8Array(count);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!Number.isInteger(id) || id < 0 || id >= count) {
      throw new KernelInputError(argument, `row ids in [0, ${count})`, `${id} at index ${i}`);
    }
    if (seen[id]) throw new KernelInputError(argument, 'distinct row ids', `${id} repeated at index ${i}`);
    seen[id] = 1;
  }
}

/** Checks IEEE half-precision bit patterns for infinities and NaNs (exponent bits all ones). */
export function checkFiniteHalf(argument: string, bits: Uint16Array, stride = 1): void {
  for (let i = 0; i < bits.length; i++) {
    if ((bits[i] & 0x7c00) === 0x7c00) {
      const where = stride > 1 ? `row ${Math.floor(i / stride)}, component ${i % stride}` : `index ${i}`;
      throw new KernelInputError(argument, 'finite half-precision values', `bits 0x${bits[i].toString(16)} at ${where}`);
    }
  }
}
