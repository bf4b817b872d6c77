import { checkElement, formatReal, lineError, parseCount, parseReal, splitLines, wordsOf, type ParsedFrame } from './common.js';

/**
 * Extended XYZ, as ASE and QUIP write it. Each frame is an atom count line,
 * a comment line of key=value pairs, and one line per atom:
 *
 *   2
 *   Lattice="4 0 0 0 4 0 0 0 4" Properties=species:S:1:pos:R:3:forces:R:3 pbc="T T T" energy=-7.1
 *   Cu 0 0 0 0.1 0 0
 *   Cu 2 2 0 -0.1 0 0
 *
 * - Lattice: the 9 components of a, b, c (rows), Å. Without it the frame is
 *   a molecule: zero cell, no periodicity.
 * - Properties: name:type:width triples (types S string, R real, I integer,
 *   L logical). Missing means species:S:1:pos:R:3. Atoms are named by
 *   `species`, or by atomic number `Z` when there is no species column.
 * - pbc: three logicals in any spelling (T/F, True/False, 1/0), quoted or
 *   not; one value applies to all axes. Default: T T T with a Lattice.
 * - Other keys are kept in `info`; other columns in `arrays`.
 */

const FORMAT = 'extended XYZ';

interface Column {
  name: string;
  type: 'S' | 'R' | 'I' | 'L';
  width: number;
}

/** Splits the comment line into key=value pairs; values may be quoted with "", '' or {}. */
function parseKeyValues(text: string, line: number): Map<string, string> {
  const pairs = new Map<string, string>();
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const readBare = (stops: RegExp) => {
    const start = i;
    while (i < text.length && !stops.test(text[i])) i++;
    return text.slice(start, i);
  };
  const readQuoted = () => {
    const open = text[i];
    const close = open === '{' ? '}' : open === '[' ? ']' : open;
    const end = text.indexOf(close, i + 1);
    if (end < 0) throw lineError(FORMAT, line, `unterminated ${open}...${close} value starting at column ${i + 1}.`);
    const value = text.slice(i + 1, end);
    i = end + 1;
    return value;
  };

  skipSpace();
  while (i < text.length) {
    const key = /["']/.test(text[i]) ? readQuoted() : readBare(/[\s=]/);
    skipSpace();
    let value = 'T';
    if (text[i] === '=') {
      i++;
      skipSpace();
      value = /["'{[]/.test(text[i] ?? '') ? readQuoted() : readBare(/\s/);
    }
    pairs.set(key, value);
    skipSpace();
  }
  return pairs;
}

function findKey(pairs: Map<string, string>, name: string): string | undefined {
  for (const [key, value] of pairs) if (key.toLowerCase() === name) return value;
  return undefined;
}

const TRUE_WORDS = new Set(['t', 'true', '1']);
const FALSE_WORDS = new Set(['f', 'false', '0']);

function parseLogical(word: string, line: number, what: string): boolean {
  const lower = word.toLowerCase();
  if (TRUE_WORDS.has(lower)) return true;
  if (FALSE_WORDS.has(lower)) return false;
  throw lineError(FORMAT, line, `expected a logical (T, F, True, False, 1 or 0) for ${what}, found ${JSON.stringify(word)}.`);
}

function parsePbc(value: string, line: number): [boolean, boolean, boolean] {
  const words = value.split(/[\s,]+/).filter(Boolean);
  if (words.length === 1) {
    const all = parseLogical(words[0], line, 'pbc');
    return [all, all, all];
  }
  if (words.length !== 3) throw lineError(FORMAT, line, `pbc needs 1 or 3 logicals such as "T T F", found ${JSON.stringify(value)}.`);
  return [parseLogical(words[0], line, 'pbc'), parseLogical(words[1], line, 'pbc'), parseLogical(words[2], line, 'pbc')];
}

function parseProperties(value: string | undefined, line: number): Column[] {
  if (value === undefined) {
    return [
      { name: 'species', type: 'S', width: 1 },
      { name: 'pos', type: 'R', width: 3 },
    ];
  }
  const parts = value.split(':');
  if (parts.length % 3 !== 0) {
    throw lineError(FORMAT, line, `Properties must be name:type:width triples such as species:S:1:pos:R:3, found ${JSON.stringify(value)}.`);
  }
  const columns: Column[] = [];
  for (let k = 0; k < parts.length; k += 3) {
    const [name, type, widthText] = parts.slice(k, k + 3);
    if (!['S', 'R', 'I', 'L'].includes(type)) {
      throw lineError(FORMAT, line, `Properties column ${JSON.stringify(name)} has type ${JSON.stringify(type)}; use S, R, I or L.`);
    }
    const width = parseCount(widthText, FORMAT, line, `the width of Properties column ${JSON.stringify(name)}`);
    columns.push({ name, type: type as Column['type'], width });
  }
  if (!columns.some((c) => c.name === 'pos' && c.type === 'R' && c.width === 3)) {
    throw lineError(FORMAT, line, `Properties has no pos:R:3 column, found ${JSON.stringify(value)}.`);
  }
  if (!columns.some((c) => (c.name === 'species' && c.type === 'S') || (c.name === 'Z' && c.type === 'I'))) {
    throw lineError(FORMAT, line, `Properties has neither species:S:1 nor Z:I:1, found ${JSON.stringify(value)}.`);
  }
  return columns;
}

function parseInfoValue(value: string): string | number | boolean {
  if (/^[TF]$/.test(value) || /^(true|false)$/i.test(value)) return /^(T|true)$/i.test(value);
  const number = Number(value);
  return value.trim() !== '' && Number.isFinite(number) ? number : value;
}

const ELEMENT_BY_NUMBER = [
  '', 'H', 'He', 'Li', 'Be', 'B', 'C', 'N', 'O', 'F', 'Ne', 'Na', 'Mg', 'Al', 'Si', 'P', 'S', 'Cl', 'Ar', 'K', 'Ca', 'Sc', 'Ti',
  'V', 'Cr', 'Mn', 'Fe', 'Co', 'Ni', 'Cu', 'Zn', 'Ga', 'Ge', 'As', 'Se', 'Br', 'Kr', 'Rb', 'Sr', 'Y', 'Zr', 'Nb', 'Mo', 'Tc', 'Ru',
  'Rh', 'Pd', 'Ag', 'Cd', 'In', 'Sn', 'Sb', 'Te', 'I', 'Xe', 'Cs', 'Ba', 'La', 'Ce', 'Pr', 'Nd', 'Pm', 'Sm', 'Eu', 'Gd', 'Tb', 'Dy',
  'Ho', 'Er', 'Tm', 'Yb', 'Lu', 'Hf', 'Ta', 'W', 'Re', 'Os', 'Ir', 'Pt', 'Au', 'Hg', 'Tl', 'Pb', 'Bi', 'Po', 'At', 'Rn', 'Fr', 'Ra',
  'Ac', 'Th', 'Pa', 'U', 'Np', 'Pu',
];

/** Reads every frame of an extended XYZ file; throws errors that name the line. */
export function parseExtxyz(content: string): ParsedFrame[] {
  const lines = splitLines(content);
  const frames: ParsedFrame[] = [];
  let next = 0;

  while (next < lines.length) {
    if (lines[next].trim() === '') {
      next++;
      continue;
    }
    const countLine = next + 1;
    const countWords = wordsOf(lines[next]);
    const natoms = parseCount(countWords[0], FORMAT, countLine, 'the atom count of a frame');
    if (next + 1 >= lines.length) throw lineError(FORMAT, countLine + 1, 'missing the comment line after the atom count.');
    const commentLine = countLine + 1;
    const pairs = parseKeyValues(lines[next + 1], commentLine);
    next += 2;

    const frame = readFrame(lines, next, natoms, pairs, commentLine);
    frames.push(frame);
    next += natoms;
  }
  if (frames.length === 0) throw lineError(FORMAT, 1, 'the file holds no frames; it must start with an atom count line.');
  return frames;
}

function readFrame(lines: string[], first: number, natoms: number, pairs: Map<string, string>, commentLine: number): ParsedFrame {
  const latticeText = findKey(pairs, 'lattice');
  const cell = new Float64Array(9);
  if (latticeText !== undefined) {
    const words = wordsOf(latticeText.replace(/[[\],]/g, ' '));
    if (words.length !== 9) throw lineError(FORMAT, commentLine, `Lattice needs 9 numbers (a, b, c as rows), found ${words.length}.`);
    words.forEach((word, k) => (cell[k] = parseReal(word, FORMAT, commentLine, `Lattice component ${k + 1}`)));
  }
  const pbcText = findKey(pairs, 'pbc');
  const pbc = pbcText !== undefined ? parsePbc(pbcText, commentLine) : latticeText !== undefined ? ([true, true, true] as [boolean, boolean, boolean]) : ([false, false, false] as [boolean, boolean, boolean]);
  const columns = parseProperties(findKey(pairs, 'properties'), commentLine);
  const width = columns.reduce((sum, c) => sum + c.width, 0);

  const positions = new Float64Array(natoms * 3);
  const species: string[] = new Array(natoms);
  const arrays: NonNullable<ParsedFrame['arrays']> = {};
  for (const column of columns) {
    if (column.name !== 'pos' && column.name !== 'species') arrays[column.name] = { width: column.width, values: [] };
  }

  for (let atom = 0; atom < natoms; atom++) {
    const lineNumber = first + atom + 1;
    if (first + atom >= lines.length || lines[first + atom].trim() === '') {
      throw lineError(FORMAT, lineNumber, `expected atom ${atom + 1} of ${natoms}, found ${first + atom >= lines.length ? 'end of file' : 'a blank line'}.`);
    }
    const words = wordsOf(lines[first + atom]);
    if (words.length < width) throw lineError(FORMAT, lineNumber, `expected ${width} columns (Properties), found ${words.length}.`);
    let at = 0;
    for (const column of columns) {
      const cells = words.slice(at, at + column.width);
      at += column.width;
      const what = `column ${column.name}`;
      if (column.name === 'pos') {
        cells.forEach((word, k) => (positions[atom * 3 + k] = parseReal(word, FORMAT, lineNumber, `${what} (position)`)));
        continue;
      }
      if (column.name === 'species') {
        species[atom] = checkElement(cells[0], FORMAT, lineNumber, 'species');
        continue;
      }
      const values = cells.map((word) => {
        if (column.type === 'R') return parseReal(word, FORMAT, lineNumber, what);
        if (column.type === 'I') {
          if (!/^[+-]?\d+$/.test(word)) throw lineError(FORMAT, lineNumber, `expected an integer for ${what}, found ${JSON.stringify(word)}.`);
          return Number(word);
        }
        if (column.type === 'L') return parseLogical(word, lineNumber, what);
        return word;
      });
      arrays[column.name].values.push(...values);
      if (column.name === 'Z' && species[atom] === undefined && !columns.some((c) => c.name === 'species')) {
        const symbol = ELEMENT_BY_NUMBER[Number(values[0])];
        if (!symbol) throw lineError(FORMAT, lineNumber, `Z=${values[0]} is not an atomic number from 1 to ${ELEMENT_BY_NUMBER.length - 1}.`);
        species[atom] = symbol;
      }
    }
  }

  const info: Record<string, string | number | boolean> = {};
  for (const [key, value] of pairs) {
    if (!['lattice', 'properties', 'pbc'].includes(key.toLowerCase())) info[key] = parseInfoValue(value);
  }
  return { cell, pbc, positions, species, info, arrays };
}

/** One frame to write: atoms plus optional info pairs and extra real columns. */
export interface ExtxyzFrame {
  cell: ArrayLike<number>;
  pbc: readonly boolean[];
  positions: ArrayLike<number>;
  species: readonly string[];
  info?: Record<string, string | number | boolean>;
  /** Extra real per-atom columns, name → 3N or N values (`width` each). */
  arrays?: Record<string, { width: number; values: ArrayLike<number> }>;
}

function quoteInfo(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? 'T' : 'F';
  if (typeof value === 'number') return formatReal(value);
  return /[\s"=]/.test(value) || value === '' ? `"${value.replace(/"/g, "'")}"` : value;
}

/**
 * Writes frames as extended XYZ. Numbers use their shortest round-trip form,
 * so reading the text back gives the same doubles.
 */
export function writeExtxyz(frames: readonly ExtxyzFrame[]): string {
  const out: string[] = [];
  for (const frame of frames) {
    const natoms = frame.species.length;
    const extra = Object.entries(frame.arrays ?? {});
    const properties = ['species:S:1:pos:R:3', ...extra.map(([name, { width }]) => `${name}:R:${width}`)].join(':');
    const header: string[] = [];
    const periodicOrCell = frame.pbc.some(Boolean) || Array.from(frame.cell).some((v) => v !== 0);
    if (periodicOrCell) header.push(`Lattice="${Array.from(frame.cell, formatReal).join(' ')}"`);
    header.push(`Properties=${properties}`);
    for (const [key, value] of Object.entries(frame.info ?? {})) header.push(`${key}=${quoteInfo(value)}`);
    header.push(`pbc="${frame.pbc.map((p) => (p ? 'T' : 'F')).join(' ')}"`);
    out.push(String(natoms), header.join(' '));
    for (let i = 0; i < natoms; i++) {
      const row = [frame.species[i], formatReal(frame.positions[i * 3]), formatReal(frame.positions[i * 3 + 1]), formatReal(frame.positions[i * 3 + 2])];
      for (const [, { width, values }] of extra) for (let k = 0; k < width; k++) row.push(formatReal(values[i * width + k]));
      out.push(row.join(' '));
    }
  }
  return `${out.join('\n')}\n`;
}
