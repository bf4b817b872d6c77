import { isElementSymbol } from '@scifed/schema';

import {
  checkElement,
  determinant,
  formatReal,
  fractionalToCartesian,
  lineError,
  parseCount,
  parseReal,
  splitLines,
  wordsOf,
  type ParsedFrame,
} from './common.js';

/**
 * VASP POSCAR and CONTCAR, as VASP reads them:
 *
 *   line 1   comment (VASP 4: also the place to name the species)
 *   line 2   scale: s > 0 multiplies the lattice and Cartesian positions;
 *            s < 0 is the target cell volume |s| in Å³; three numbers scale
 *            each Cartesian axis
 *   3-5      lattice vectors a, b, c (rows), Å before scaling
 *   6        species symbols (VASP 5 only), then the atom counts per species
 *   [S...]   optional "Selective dynamics" (first letter S or s)
 *   mode     first letter C/c/K/k: Cartesian, anything else: Direct (fractional)
 *   N lines  coordinates, then T/F flags with selective dynamics; CONTCAR's
 *            velocity block after a blank line is ignored
 *
 * VASP 4 files have no species line: the species come from `elements` when
 * given, else from the first line when it lists one symbol per count.
 */

const FORMAT = 'POSCAR';

export interface PoscarOptions {
  /** Species in file order, for VASP 4 files (overrides the first line). */
  elements?: readonly string[] | null;
}

/** Reads a POSCAR/CONTCAR; throws errors that name the line. */
export function parsePoscar(content: string, options: PoscarOptions = {}): ParsedFrame {
  const lines = splitLines(content);
  const need = (index: number, what: string) => {
    if (index >= lines.length) throw lineError(FORMAT, index + 1, `unexpected end of file; expected ${what}.`);
    return wordsOf(lines[index]);
  };

  const title = lines[0]?.trim() ?? '';
  const scaleWords = need(1, 'the scale factor');
  if (scaleWords.length !== 1 && scaleWords.length < 3) {
    throw lineError(FORMAT, 2, `expected one scale factor or three per-axis factors, found ${scaleWords.length} numbers.`);
  }
  const scales = scaleWords.slice(0, scaleWords.length === 1 ? 1 : 3).map((w) => parseReal(w, FORMAT, 2, 'the scale factor'));

  const lattice = new Float64Array(9);
  for (let row = 0; row < 3; row++) {
    const words = need(2 + row, `lattice vector ${'abc'[row]}`);
    for (let k = 0; k < 3; k++) lattice[row * 3 + k] = parseReal(words[k], FORMAT, 3 + row, `lattice vector ${'abc'[row]}`);
  }

  let index = 5;
  let words = need(index, 'the species or atom counts line');
  let symbols: string[] | undefined;
  if (!/^[+-]?\d/.test(words[0])) {
    // VASP 5: symbols, possibly written "Cu_pv" or "Fe/abc" after POTCAR names.
    symbols = words.map((word) => checkElement(word.split(/[_/]/)[0], FORMAT, index + 1, 'species'));
    index++;
    words = need(index, 'the atom counts line');
  }
  const counts: number[] = [];
  for (const word of words) {
    if (!/^\d+$/.test(word)) break;
    counts.push(parseCount(word, FORMAT, index + 1, 'an atom count'));
  }
  if (counts.length === 0) throw lineError(FORMAT, index + 1, `expected atom counts per species, found ${JSON.stringify(lines[index].trim())}.`);
  const countsLine = index + 1;
  symbols = resolveSymbols(symbols, counts, title, options.elements, countsLine);
  index++;

  let selective = false;
  let modeWords = need(index, 'the coordinate mode (Direct or Cartesian)');
  if (/^[sS]/.test(modeWords[0] ?? '')) {
    selective = true;
    index++;
    modeWords = need(index, 'the coordinate mode (Direct or Cartesian)');
  }
  const cartesian = /^[cCkK]/.test(modeWords[0] ?? '');
  index++;

  // Scale: a negative factor sets the volume; the lattice scales by (|s|/V)^(1/3).
  const rawVolume = Math.abs(determinant(lattice));
  let axisScale: number[];
  if (scales.length === 1) {
    if (scales[0] === 0) throw lineError(FORMAT, 2, 'the scale factor is 0; use a positive factor or a negative target volume in Å³.');
    const factor = scales[0] < 0 ? Math.cbrt(-scales[0] / rawVolume) : scales[0];
    axisScale = [factor, factor, factor];
  } else {
    if (scales.some((s) => !(s > 0))) throw lineError(FORMAT, 2, `per-axis scale factors must be positive, found ${scales.join(' ')}.`);
    axisScale = scales;
  }
  const cell = lattice.map((v, k) => v * axisScale[k % 3]);

  const natoms = counts.reduce((a, b) => a + b, 0);
  const coordinates = new Float64Array(natoms * 3);
  const flags: boolean[] = [];
  for (let atom = 0; atom < natoms; atom++) {
    const lineNumber = index + atom + 1;
    if (index + atom >= lines.length || lines[index + atom].trim() === '') {
      throw lineError(FORMAT, lineNumber, `expected coordinates of atom ${atom + 1} of ${natoms} (counts on line ${countsLine}), found ${index + atom >= lines.length ? 'end of file' : 'a blank line'}.`);
    }
    const row = wordsOf(lines[index + atom]);
    for (let k = 0; k < 3; k++) coordinates[atom * 3 + k] = parseReal(row[k], FORMAT, lineNumber, `coordinate ${'xyz'[k]} of atom ${atom + 1}`);
    if (selective) {
      for (let k = 3; k < 6; k++) {
        const flag = row[k];
        if (flag !== 'T' && flag !== 'F') {
          throw lineError(FORMAT, lineNumber, `selective dynamics needs T or F after the coordinates, found ${flag === undefined ? 'end of line' : JSON.stringify(flag)}.`);
        }
        flags.push(flag === 'T');
      }
    }
  }

  const positions = cartesian ? coordinates.map((v, k) => v * axisScale[k % 3]) : fractionalToCartesian(coordinates, cell);
  const species: string[] = [];
  counts.forEach((count, k) => {
    for (let i = 0; i < count; i++) species.push(symbols![k]);
  });

  const frame: ParsedFrame = { title, cell, pbc: [true, true, true], positions, species };
  if (selective) frame.arrays = { selectiveDynamics: { width: 3, values: flags } };
  return frame;
}

function resolveSymbols(
  fromFile: string[] | undefined,
  counts: number[],
  title: string,
  given: readonly string[] | null | undefined,
  countsLine: number,
): string[] {
  if (given && given.length > 0) {
    if (given.length !== counts.length) {
      throw lineError(FORMAT, countsLine, `${counts.length} atom counts, but ${given.length} elements were given (${given.join(' ')}); give one element per count.`);
    }
    return given.map((symbol) => checkElement(symbol, FORMAT, countsLine, 'given element'));
  }
  if (fromFile) {
    if (fromFile.length !== counts.length) {
      throw lineError(FORMAT, countsLine, `${counts.length} atom counts for ${fromFile.length} species on the line above; give one count per species.`);
    }
    return fromFile;
  }
  const titleWords = wordsOf(title);
  if (titleWords.length === counts.length && titleWords.every(isElementSymbol)) return titleWords;
  throw lineError(
    FORMAT,
    countsLine,
    `this VASP 4 file has no species line, and line 1 does not list ${counts.length} element symbols; pass elements (one per count) or add a species line above the counts.`,
  );
}

/**
 * Writes a VASP 5 POSCAR with Cartesian coordinates and scale 1. Consecutive
 * atoms of one species form one group, so atom order is kept; a species that
 * appears in several runs is listed several times, which VASP accepts.
 */
export function writePoscar(atoms: { cell: ArrayLike<number>; positions: ArrayLike<number>; species: readonly string[] }, title = ''): string {
  const groups: { symbol: string; count: number }[] = [];
  for (const symbol of atoms.species) {
    const last = groups[groups.length - 1];
    if (last && last.symbol === symbol) last.count++;
    else groups.push({ symbol, count: 1 });
  }
  const out = [title.replace(/\r?\n/g, ' ') || groups.map((g) => g.symbol).join(' '), '1.0'];
  for (let row = 0; row < 3; row++) out.push(`  ${[0, 1, 2].map((k) => formatReal(atoms.cell[row * 3 + k])).join(' ')}`);
  out.push(`  ${groups.map((g) => g.symbol).join(' ')}`, `  ${groups.map((g) => g.count).join(' ')}`, 'Cartesian');
  for (let i = 0; i < atoms.species.length; i++) {
    out.push(`  ${formatReal(atoms.positions[i * 3])} ${formatReal(atoms.positions[i * 3 + 1])} ${formatReal(atoms.positions[i * 3 + 2])}`);
  }
  return `${out.join('\n')}\n`;
}
