import { InputError, isElementSymbol } from '@scifed/schema';

import type { AtomsData } from '../crystal/prototypes.js';

/**
 * Shared pieces of the structure readers and writers: the parsed-frame
 * shape, line-numbered errors, number parsing and cell geometry.
 *
 * Cells are row-major 3×3 with the lattice vectors a, b, c as rows (ASE and
 * LAMMPS convention), Å. Fractional coordinates s relate to Cartesian x by
 * x = s · cell.
 */

/** One structure read from a file, with what the format carried beyond atoms. */
export interface ParsedFrame extends AtomsData {
  /** Name from the file (a CIF data block, a POSCAR comment line), if any. */
  title?: string;
  /** Per-frame key=value pairs (extended XYZ comment line), as read. */
  info?: Record<string, string | number | boolean>;
  /** Extra per-atom columns, name → N × width values (row-major). */
  arrays?: Record<string, { width: number; values: (number | string | boolean)[] }>;
}

/** Raises a BAD_USER_INPUT error that names the format and the 1-based line. */
export function lineError(format: string, line: number, message: string): InputError {
  return new InputError(`${format} line ${line}: ${message}`);
}

/** Splits text into lines, accepting LF and CRLF. */
export function splitLines(content: string): string[] {
  return content.split(/\r?\n/);
}

/** Words of a line, split on white space. */
export function wordsOf(line: string): string[] {
  return line.trim().split(/\s+/).filter(Boolean);
}

/**
 * Parses a real number as Fortran and C write it ("1.5", "1.5e-3", "1.5D-3");
 * throws a line-numbered error naming `what` otherwise.
 */
export function parseReal(word: string | undefined, format: string, line: number, what: string): number {
  const value = word === undefined ? NaN : Number(word.replace(/[dD]([+-]?\d+)$/, 'e$1'));
  if (word === undefined || word.trim() === '' || !Number.isFinite(value)) {
    throw lineError(format, line, `expected a number for ${what}, found ${word === undefined ? 'end of line' : JSON.stringify(word)}.`);
  }
  return value;
}

/** Parses a non-negative integer; throws a line-numbered error naming `what` otherwise. */
export function parseCount(word: string | undefined, format: string, line: number, what: string): number {
  const value = Number(word);
  if (word === undefined || !/^\+?\d+$/.test(word) || !Number.isSafeInteger(value)) {
    throw lineError(format, line, `expected a non-negative integer for ${what}, found ${word === undefined ? 'end of line' : JSON.stringify(word)}.`);
  }
  return value;
}

/** Checks an element symbol (case-sensitive, "Cu" not "CU") and returns it. */
export function checkElement(symbol: string, format: string, line: number, what = 'element'): string {
  if (!isElementSymbol(symbol)) {
    throw lineError(format, line, `${what} ${JSON.stringify(symbol)} is not a chemical element symbol; write symbols such as "Cu" or "O".`);
  }
  return symbol;
}

/** det(cell), Å³; negative for a left-handed cell. */
export function determinant(cell: ArrayLike<number>): number {
  return (
    cell[0] * (cell[4] * cell[8] - cell[5] * cell[7]) -
    cell[1] * (cell[3] * cell[8] - cell[5] * cell[6]) +
    cell[2] * (cell[3] * cell[7] - cell[4] * cell[6])
  );
}

/** Inverse of a row-major 3×3 matrix; the caller guarantees det ≠ 0. */
export function inverse3(m: ArrayLike<number>): Float64Array {
  const det = determinant(m);
  const inv = new Float64Array(9);
  inv[0] = (m[4] * m[8] - m[5] * m[7]) / det;
  inv[1] = (m[2] * m[7] - m[1] * m[8]) / det;
  inv[2] = (m[1] * m[5] - m[2] * m[4]) / det;
  inv[3] = (m[5] * m[6] - m[3] * m[8]) / det;
  inv[4] = (m[0] * m[8] - m[2] * m[6]) / det;
  inv[5] = (m[2] * m[3] - m[0] * m[5]) / det;
  inv[6] = (m[3] * m[7] - m[4] * m[6]) / det;
  inv[7] = (m[1] * m[6] - m[0] * m[7]) / det;
  inv[8] = (m[0] * m[4] - m[1] * m[3]) / det;
  return inv;
}

/** Cartesian positions (3N, Å) from fractional ones: x = s · cell. */
export function fractionalToCartesian(fractional: ArrayLike<number>, cell: ArrayLike<number>): Float64Array {
  const out = new Float64Array(fractional.length);
  for (let i = 0; i < fractional.length; i += 3) {
    for (let k = 0; k < 3; k++) {
      out[i + k] = fractional[i] * cell[k] + fractional[i + 1] * cell[3 + k] + fractional[i + 2] * cell[6 + k];
    }
  }
  return out;
}

/** Fractional positions from Cartesian ones (3N, Å): s = x · cell⁻¹. */
export function cartesianToFractional(positions: ArrayLike<number>, cell: ArrayLike<number>): Float64Array {
  return fractionalToCartesian(positions, inverse3(cell));
}

/** cos of an angle in degrees, exactly 0 at ±90° so right-angled cells stay exactly orthogonal (as ASE does). */
function cosDegrees(angle: number): number {
  return Math.abs(Math.abs(angle) - 90) < 1e-10 ? 0 : Math.cos((angle * Math.PI) / 180);
}

/**
 * Cell from lengths (Å) and angles (degrees) in the standard orientation
 * that ASE's cellpar_to_cell and LAMMPS use: a along x, b in the xy plane,
 * c completing a right-handed set.
 */
export function cellFromParameters(a: number, b: number, c: number, alpha: number, beta: number, gamma: number): Float64Array {
  const cosAlpha = cosDegrees(alpha);
  const cosBeta = cosDegrees(beta);
  const cosGamma = cosDegrees(gamma);
  const sinGamma = Math.abs(Math.abs(gamma) - 90) < 1e-10 ? 1 : Math.sin((gamma * Math.PI) / 180);
  const cy = (cosAlpha - cosBeta * cosGamma) / sinGamma;
  const cz2 = 1 - cosBeta * cosBeta - cy * cy;
  if (!(cz2 > 0)) throw new InputError(`cell angles alpha=${alpha}, beta=${beta}, gamma=${gamma} do not form a cell with positive volume.`);
  return Float64Array.from([a, 0, 0, b * cosGamma, b * sinGamma, 0, c * cosBeta, c * cy, c * Math.sqrt(cz2)]);
}

/** Lengths (Å) and angles alpha, beta, gamma (degrees) of a cell. */
export function cellParameters(cell: ArrayLike<number>): [number, number, number, number, number, number] {
  const row = (r: number) => [cell[r * 3], cell[r * 3 + 1], cell[r * 3 + 2]];
  const [a, b, c] = [row(0), row(1), row(2)];
  const length = (v: number[]) => Math.hypot(v[0], v[1], v[2]);
  const angle = (u: number[], v: number[]) => {
    const cos = (u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) / (length(u) * length(v));
    return (Math.acos(Math.max(-1, Math.min(1, cos))) * 180) / Math.PI;
  };
  return [length(a), length(b), length(c), angle(b, c), angle(a, c), angle(a, b)];
}

/** Formats a float so that parsing it back gives the same double (shortest round-trip form). */
export function formatReal(value: number): string {
  return Object.is(value, -0) ? '0' : String(value);
}
