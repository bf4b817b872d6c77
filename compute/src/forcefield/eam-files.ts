import { KernelInputError } from '../errors.js';
import { interpolateSpline, SPLINE_COEFFICIENTS, type EamPotential } from './potentials.js';

/**
 * Parsers for the DYNAMO tabulated EAM formats that LAMMPS reads, producing
 * the spline form of LAMMPS pair_eam (29 Sep 2021 and later) so results
 * agree to rounding:
 *
 * - funcfl (`pair_style eam`): one element per file; F(ρ), Z(r), f(r).
 *   LAMMPS regrids every file onto a common grid with one point fewer than
 *   the file (4-point Lagrange interpolation) and builds
 *   r·φ(r) = 27.2 · 0.529 · Z_a(r) · Z_b(r) (Hartree in eV × Bohr in Å).
 * - setfl (`eam/alloy`): all elements on one grid; F, f per element, r·φ per pair.
 * - Finnis–Sinclair (`eam/fs`): as setfl, but each element block holds one
 *   density function per element.
 *
 * Numbers may span lines; a table ends at its last value and the rest of
 * that line is ignored, as LAMMPS's reader does. Errors name the line.
 */

/** Hartree·Bohr in eV·Å, the constant LAMMPS uses for funcfl effective charges. */
const ZCHARGE_TO_EV_ANGSTROM = 27.2 * 0.529;

class TableReader {
  private readonly lines: string[];
  private next = 0;

  constructor(text: string, private readonly source: string) {
    this.lines = text.split(/\r?\n/);
  }

  error(line: number, expected: string, found: string): KernelInputError {
    return new KernelInputError(`${this.source} line ${line}`, expected, found);
  }

  /** Skips a raw line (file comments), failing at end of file. */
  skipLine(what: string): void {
    if (this.next >= this.lines.length) throw this.error(this.next + 1, what, 'end of file');
    this.next++;
  }

  /** Tokens of the next non-blank line, '#' comments removed. */
  words(what: string, minimum: number): { words: string[]; line: number } {
    while (this.next < this.lines.length) {
      const line = ++this.next;
      const words = this.lines[line - 1].replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
      if (words.length === 0) continue;
      if (words.length < minimum) throw this.error(line, `${minimum} fields (${what})`, `${words.length}: "${this.lines[line - 1].trim()}"`);
      return { words, line };
    }
    throw this.error(this.next + 1, what, 'end of file');
  }

  number(word: string, line: number, what: string, integer = false): number {
    const value = Number(word.replace(/[dD]/, 'e'));
    if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) {
      throw this.error(line, `${integer ? 'an integer' : 'a number'} (${what})`, JSON.stringify(word));
    }
    return value;
  }

  /** Reads `count` numbers spanning lines; the remainder of the last line is dropped. */
  vector(count: number, what: string): Float64Array {
    const out = new Float64Array(count);
    let filled = 0;
    while (filled < count) {
      const { words, line } = this.words(`${count} values of ${what}`, 1);
      for (let w = 0; w < words.length && filled < count; w++) out[filled++] = this.number(words[w], line, what);
    }
    return out;
  }
}

interface GridHeader {
  nrho: number;
  drho: number;
  nr: number;
  dr: number;
  cut: number;
}

function readGrid(reader: TableReader): GridHeader {
  const { words, line } = reader.words('nrho drho nr dr cutoff', 5);
  const header = {
    nrho: reader.number(words[0], line, 'nrho', true),
    drho: reader.number(words[1], line, 'drho'),
    nr: reader.number(words[2], line, 'nr', true),
    dr: reader.number(words[3], line, 'dr'),
    cut: reader.number(words[4], line, 'cutoff'),
  };
  if (header.nrho < 5 || header.nr < 5 || !(header.drho > 0) || !(header.dr > 0) || !(header.cut > 0)) {
    throw reader.error(line, 'nrho, nr >= 5 and positive drho, dr, cutoff', words.slice(0, 5).join(' '));
  }
  return header;
}

function splines(tables: Float64Array[], delta: number): Float64Array {
  const n = tables[0]?.length ?? 0;
  const out = new Float64Array(tables.length * n * SPLINE_COEFFICIENTS);
  tables.forEach((table, t) => interpolateSpline(table, delta, out, t * n * SPLINE_COEFFICIENTS));
  return out;
}

/** Index of the pair (a, b) in the lower-triangle order of the z2r tables. */
function triangleIndex(a: number, b: number): number {
  const hi = Math.max(a, b), lo = Math.min(a, b);
  return (hi * (hi + 1)) / 2 + lo;
}

interface FuncflFile extends GridHeader {
  element: string;
  mass: number;
  frho: Float64Array;
  zr: Float64Array;
  rhor: Float64Array;
}

function readFuncfl(text: string, source: string): FuncflFile {
  const reader = new TableReader(text, source);
  reader.skipLine('a comment line');
  const { words, line } = reader.words('atomic number and mass', 2);
  const atomicNumber = reader.number(words[0], line, 'atomic number', true);
  const mass = reader.number(words[1], line, 'mass');
  const grid = readGrid(reader);
  return {
    ...grid,
    element: ELEMENT_SYMBOLS[atomicNumber] ?? `Z${atomicNumber}`,
    mass,
    frho: reader.vector(grid.nrho, 'F(rho)'),
    zr: reader.vector(grid.nr, 'Z(r)'),
    rhor: reader.vector(grid.nr, 'rho(r)'),
  };
}

/**
 * 4-point Lagrange interpolation of a 0-indexed file table at position r,
 * as LAMMPS PairEAM::file2array does (knot clamped to [2, n − 2] in its
 * 1-indexed terms, fraction clamped to at most 2).
 */
function regrid(table: Float64Array, delta: number, r: number): number {
  const n = table.length;
  let p = r / delta + 1.0;
  let k = Math.trunc(p);
  k = Math.max(Math.min(k, n - 2), 2);
  p -= k;
  p = Math.min(p, 2.0);
  const sixth = 1.0 / 6.0;
  const cof1 = -sixth * p * (p - 1.0) * (p - 2.0);
  const cof2 = 0.5 * (p * p - 1.0) * (p - 2.0);
  const cof3 = -0.5 * p * (p + 1.0) * (p - 2.0);
  const cof4 = sixth * p * (p * p - 1.0);
  // 1-indexed k − 1 .. k + 2 are 0-indexed k − 2 .. k + 1.
  return cof1 * table[k - 2] + cof2 * table[k - 1] + cof3 * table[k] + cof4 * table[k + 1];
}

/**
 * Parses one or more funcfl files (`pair_style eam`), species in the order
 * given. `names` labels the sources in error messages.
 */
export function parseFuncfl(texts: string | string[], names?: string[]): EamPotential {
  const list = typeof texts === 'string' ? [texts] : texts;
  if (list.length === 0) throw new KernelInputError('funcfl files', 'at least one file', 'none');
  const files = list.map((text, i) => readFuncfl(text, names?.[i] ?? `funcfl file ${i + 1}`));

  // Common grid: the largest spacings and ranges; 0.5 rounds the division.
  let dr = 0, drho = 0, rmax = 0, rhomax = 0, cutoff = 0;
  for (const file of files) {
    dr = Math.max(dr, file.dr);
    drho = Math.max(drho, file.drho);
    rmax = Math.max(rmax, (file.nr - 1) * file.dr);
    rhomax = Math.max(rhomax, (file.nrho - 1) * file.drho);
    cutoff = Math.max(cutoff, file.cut);
  }
  const nr = Math.trunc(rmax / dr + 0.5);
  const nrho = Math.trunc(rhomax / drho + 0.5);

  const frho = files.map((file) => Float64Array.from({ length: nrho }, (_, m) => regrid(file.frho, file.drho, m * drho)));
  const rhor = files.map((file) => Float64Array.from({ length: nr }, (_, m) => regrid(file.rhor, file.dr, m * dr)));
  const z2r: Float64Array[] = [];
  for (let a = 0; a < files.length; a++) {
    for (let b = 0; b <= a; b++) {
      z2r.push(Float64Array.from({ length: nr }, (_, m) => {
        const r = m * dr;
        return ZCHARGE_TO_EV_ANGSTROM * regrid(files[a].zr, files[a].dr, r) * regrid(files[b].zr, files[b].dr, r);
      }));
    }
  }

  const s = files.length;
  const densityIndex = new Int32Array(s * s);
  const pairIndex = new Int32Array(s * s);
  for (let a = 0; a < s; a++) {
    for (let b = 0; b < s; b++) {
      densityIndex[a * s + b] = b;
      pairIndex[a * s + b] = triangleIndex(a, b);
    }
  }
  return {
    kind: 'eam',
    elements: files.map((f) => f.element),
    masses: files.map((f) => f.mass),
    nrho, drho, nr, dr, cutoff,
    // LAMMPS keeps the file's (nrho − 1)·drho here, one spacing past the
    // regridded table's last knot, so F holds its last-knot value over that step.
    rhomax,
    frho: splines(frho, drho),
    rhor: splines(rhor, dr),
    z2r: splines(z2r, dr),
    densityIndex,
    pairIndex,
  };
}

function parseSetflLike(text: string, finnisSinclair: boolean, source: string): EamPotential {
  const reader = new TableReader(text, source);
  for (let k = 0; k < 3; k++) reader.skipLine('three comment lines');
  const head = reader.words('element count and names', 2);
  const s = reader.number(head.words[0], head.line, 'element count', true);
  if (s < 1 || head.words.length < s + 1) {
    throw reader.error(head.line, `an element count >= 1 followed by that many names`, head.words.join(' '));
  }
  const elements = head.words.slice(1, s + 1);
  const grid = readGrid(reader);

  const masses: number[] = [];
  const frho: Float64Array[] = [];
  const rhor: Float64Array[] = [];
  for (let a = 0; a < s; a++) {
    const { words, line } = reader.words(`atomic number and mass of ${elements[a]}`, 2);
    reader.number(words[0], line, 'atomic number', true);
    masses.push(reader.number(words[1], line, 'mass'));
    frho.push(reader.vector(grid.nrho, `F(rho) of ${elements[a]}`));
    const densities = finnisSinclair ? s : 1;
    for (let b = 0; b < densities; b++) rhor.push(reader.vector(grid.nr, `rho(r) of ${elements[a]}`));
  }
  const z2r: Float64Array[] = [];
  for (let a = 0; a < s; a++) {
    for (let b = 0; b <= a; b++) z2r.push(reader.vector(grid.nr, `r*phi(r) of ${elements[a]}-${elements[b]}`));
  }

  const densityIndex = new Int32Array(s * s);
  const pairIndex = new Int32Array(s * s);
  for (let a = 0; a < s; a++) {
    for (let b = 0; b < s; b++) {
      // Finnis–Sinclair: the density at a from b is block b, sub-function a.
      densityIndex[a * s + b] = finnisSinclair ? b * s + a : b;
      pairIndex[a * s + b] = triangleIndex(a, b);
    }
  }
  return {
    kind: finnisSinclair ? 'eam/fs' : 'eam/alloy',
    elements,
    masses,
    nrho: grid.nrho, drho: grid.drho, nr: grid.nr, dr: grid.dr, cutoff: grid.cut,
    rhomax: (grid.nrho - 1) * grid.drho,
    frho: splines(frho, grid.drho),
    rhor: splines(rhor, grid.dr),
    z2r: splines(z2r, grid.dr),
    densityIndex,
    pairIndex,
  };
}

/** Parses a setfl file (`pair_style eam/alloy`). */
export function parseSetfl(text: string, name = 'setfl file'): EamPotential {
  return parseSetflLike(text, false, name);
}

/** Parses a Finnis–Sinclair setfl file (`pair_style eam/fs`). */
export function parseEamFs(text: string, name = 'eam/fs file'): EamPotential {
  return parseSetflLike(text, true, name);
}

// Element symbols by atomic number, to name funcfl species (the file has only Z).
const ELEMENT_SYMBOLS = [
  '', 'H', 'He', 'Li', 'Be', 'B', 'C', 'N', 'O', 'F', 'Ne', 'Na', 'Mg', 'Al', 'Si', 'P', 'S', 'Cl', 'Ar', 'K', 'Ca',
  'Sc', 'Ti', 'V', 'Cr', 'Mn', 'Fe', 'Co', 'Ni', 'Cu', 'Zn', 'Ga', 'Ge', 'As', 'Se', 'Br', 'Kr', 'Rb', 'Sr', 'Y', 'Zr',
  'Nb', 'Mo', 'Tc', 'Ru', 'Rh', 'Pd', 'Ag', 'Cd', 'In', 'Sn', 'Sb', 'Te', 'I', 'Xe', 'Cs', 'Ba', 'La', 'Ce', 'Pr', 'Nd',
  'Pm', 'Sm', 'Eu', 'Gd', 'Tb', 'Dy', 'Ho', 'Er', 'Tm', 'Yb', 'Lu', 'Hf', 'Ta', 'W', 'Re', 'Os', 'Ir', 'Pt', 'Au', 'Hg',
  'Tl', 'Pb', 'Bi', 'Po', 'At', 'Rn', 'Fr', 'Ra', 'Ac', 'Th', 'Pa', 'U', 'Np', 'Pu',
];
