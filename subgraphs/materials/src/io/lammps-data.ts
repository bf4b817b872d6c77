import { elementOfMass } from '../elements/masses.js';
import { checkElement, lineError, parseCount, parseReal, splitLines, wordsOf, type ParsedFrame } from './common.js';

/**
 * LAMMPS data files (read_data) in atom style `atomic`, metal units:
 *
 *   line 1              comment
 *   header              "N atoms", "T atom types", "xlo xhi", "ylo yhi",
 *                       "zlo zhi", optional "xy xz yz" (triclinic tilts)
 *   Masses              "type mass" per type, amu
 *   Atoms [# atomic]    "id type x y z [ix iy iz]", Å
 *   Velocities          read and ignored
 *
 * The cell is a = (xhi−xlo, 0, 0), b = (xy, yhi−ylo, 0), c = (xz, yz, zhi−zlo),
 * with periodic boundaries on every axis (a data file does not record the
 * `boundary` command). Positions are shifted by −(xlo, ylo, zlo) so the cell
 * starts at the origin, and atoms are ordered by id. Image flags are read
 * and dropped: positions stay as written, inside or outside the box.
 *
 * Types map to elements through `elements` (element of type 1, 2, ...) when
 * given, else through an element symbol in a comment after the mass
 * ("1 63.546 # Cu"), else through the standard atomic weight nearest the
 * mass (within 0.05 amu).
 */

const FORMAT = 'LAMMPS data';

export interface LammpsDataOptions {
  /** Element of each atom type, type 1 first. */
  elements?: readonly string[] | null;
}

const SECTIONS = new Set([
  'Atoms', 'Velocities', 'Masses', 'Ellipsoids', 'Lines', 'Triangles', 'Bodies', 'Bonds', 'Angles', 'Dihedrals', 'Impropers',
  'Pair Coeffs', 'PairIJ Coeffs', 'Bond Coeffs', 'Angle Coeffs', 'Dihedral Coeffs', 'Improper Coeffs',
]);

/** Reads an atomic-style LAMMPS data file; throws errors that name the line. */
export function parseLammpsData(content: string, options: LammpsDataOptions = {}): ParsedFrame {
  const lines = splitLines(content);
  const header = { atoms: -1, types: -1, lo: [0, 0, 0], hi: [-1, -1, -1], tilt: [0, 0, 0], boxLine: [0, 0, 0] };

  // Header: every non-blank line after the comment until the first section keyword.
  let index = 1;
  for (; index < lines.length; index++) {
    const text = lines[index].replace(/#.*/, '').trim();
    if (text === '') continue;
    if (SECTIONS.has(text)) break;
    const words = wordsOf(text);
    const lineNumber = index + 1;
    const keyword = words.slice(1).join(' ');
    if (keyword === 'atoms') header.atoms = parseCount(words[0], FORMAT, lineNumber, 'the atom count');
    else if (keyword === 'atom types') header.types = parseCount(words[0], FORMAT, lineNumber, 'the atom type count');
    else if (/^[xyz]lo [xyz]hi$/.test(words.slice(2).join(' '))) {
      const axis = 'xyz'.indexOf(words[2][0]);
      header.lo[axis] = parseReal(words[0], FORMAT, lineNumber, `${words[2]}`);
      header.hi[axis] = parseReal(words[1], FORMAT, lineNumber, `${words[3]}`);
      header.boxLine[axis] = lineNumber;
    } else if (words.slice(3).join(' ') === 'xy xz yz') {
      header.tilt = [0, 1, 2].map((k) => parseReal(words[k], FORMAT, lineNumber, ['xy', 'xz', 'yz'][k]));
    } else if (/^(bonds|angles|dihedrals|impropers)$/.test(keyword) && Number(words[0]) > 0) {
      throw lineError(FORMAT, lineNumber, `the file declares ${words[0]} ${keyword}; only atom style atomic (no topology) is supported.`);
    } else if (!/^(bond|angle|dihedral|improper) types$|^(bonds|angles|dihedrals|impropers|extra .*|ellipsoids|lines|triangles|bodies)$/.test(keyword)) {
      throw lineError(FORMAT, lineNumber, `unknown header line ${JSON.stringify(text)}; expected "N atoms", "N atom types", "lo hi xlo xhi" or "xy xz yz" lines.`);
    }
  }
  if (header.atoms < 0) throw lineError(FORMAT, index + 1, 'the header has no "N atoms" line.');
  if (header.types < 1) throw lineError(FORMAT, index + 1, 'the header has no "N atom types" line (at least 1).');
  for (let axis = 0; axis < 3; axis++) {
    if (!(header.hi[axis] > header.lo[axis])) {
      const name = 'xyz'[axis];
      throw lineError(FORMAT, header.boxLine[axis] || index + 1, `the box needs "${name}lo ${name}hi" with ${name}hi > ${name}lo.`);
    }
  }

  const masses = new Map<number, { mass: number; comment: string; line: number }>();
  const atoms: { id: number; type: number; x: number[]; line: number }[] = [];
  let sawAtoms = false;

  while (index < lines.length) {
    const title = lines[index].replace(/#.*/, '').trim();
    const styleHint = /#\s*(\S+)/.exec(lines[index])?.[1];
    const titleLine = index + 1;
    index++;
    if (title === '') continue;
    if (!SECTIONS.has(title)) throw lineError(FORMAT, titleLine, `expected a section keyword such as Atoms or Masses, found ${JSON.stringify(title)}.`);

    // A section is one blank line, then its rows up to the next blank line.
    while (index < lines.length && lines[index].trim() === '') index++;
    const rows: { words: string[]; comment: string; line: number }[] = [];
    while (index < lines.length && lines[index].trim() !== '') {
      const [body, ...comment] = lines[index].split('#');
      rows.push({ words: wordsOf(body), comment: comment.join('#').trim(), line: index + 1 });
      index++;
    }

    if (title === 'Masses') {
      for (const row of rows) {
        const type = parseCount(row.words[0], FORMAT, row.line, 'the atom type');
        if (type < 1 || type > header.types) throw lineError(FORMAT, row.line, `atom type ${type} is outside 1..${header.types} (the "atom types" header).`);
        masses.set(type, { mass: parseReal(row.words[1], FORMAT, row.line, `the mass of type ${type}`), comment: row.comment, line: row.line });
      }
    } else if (title === 'Atoms') {
      if (styleHint && styleHint !== 'atomic') {
        throw lineError(FORMAT, titleLine, `atom style ${JSON.stringify(styleHint)} is not supported; write the file with atom_style atomic.`);
      }
      sawAtoms = true;
      for (const row of rows) {
        if (row.words.length !== 5 && row.words.length !== 8) {
          throw lineError(FORMAT, row.line, `an atomic-style row is "id type x y z" with optional image flags ix iy iz, found ${row.words.length} columns.`);
        }
        const id = parseCount(row.words[0], FORMAT, row.line, 'the atom id');
        const type = parseCount(row.words[1], FORMAT, row.line, 'the atom type');
        if (type < 1 || type > header.types) throw lineError(FORMAT, row.line, `atom type ${type} is outside 1..${header.types} (the "atom types" header).`);
        const x = [2, 3, 4].map((k) => parseReal(row.words[k], FORMAT, row.line, `coordinate ${'xyz'[k - 2]}`));
        atoms.push({ id, type, x, line: row.line });
      }
    } else if (title !== 'Velocities') {
      throw lineError(FORMAT, titleLine, `section ${title} is not supported; an atomic-style file has Masses, Atoms and Velocities.`);
    }
  }

  if (!sawAtoms) throw lineError(FORMAT, lines.length, 'the file has no Atoms section.');
  if (atoms.length !== header.atoms) {
    throw lineError(FORMAT, atoms[atoms.length - 1]?.line ?? lines.length, `the header declares ${header.atoms} atoms, but the Atoms section has ${atoms.length}.`);
  }
  atoms.sort((p, q) => p.id - q.id);
  for (let k = 1; k < atoms.length; k++) {
    if (atoms[k].id === atoms[k - 1].id) throw lineError(FORMAT, atoms[k].line, `atom id ${atoms[k].id} appears twice (also on line ${atoms[k - 1].line}).`);
  }

  const elementOfType = typeElements(header.types, masses, options.elements, index);
  const [xy, xz, yz] = header.tilt;
  const cell = Float64Array.from([header.hi[0] - header.lo[0], 0, 0, xy, header.hi[1] - header.lo[1], 0, xz, yz, header.hi[2] - header.lo[2]]);
  const positions = new Float64Array(atoms.length * 3);
  atoms.forEach((atom, i) => {
    for (let k = 0; k < 3; k++) positions[i * 3 + k] = atom.x[k] - header.lo[k];
  });
  const species = atoms.map((atom) => elementOfType[atom.type - 1]);
  return { cell, pbc: [true, true, true], positions, species };
}

function typeElements(
  types: number,
  masses: Map<number, { mass: number; comment: string; line: number }>,
  given: readonly string[] | null | undefined,
  lastLine: number,
): string[] {
  if (given && given.length > 0) {
    if (given.length !== types) {
      throw lineError(FORMAT, 1, `the file has ${types} atom types, but ${given.length} elements were given (${given.join(' ')}); give one element per type.`);
    }
    return given.map((symbol) => checkElement(symbol, FORMAT, 1, 'given element'));
  }
  const out: string[] = [];
  for (let type = 1; type <= types; type++) {
    const entry = masses.get(type);
    if (!entry) {
      throw lineError(FORMAT, lastLine, `atom type ${type} has no mass in a Masses section, so its element is unknown; pass elements (one per type).`);
    }
    const fromComment = wordsOf(entry.comment)[0];
    if (fromComment && /^[A-Z][a-z]?$/.test(fromComment)) {
      out.push(checkElement(fromComment, FORMAT, entry.line, 'element in the comment'));
      continue;
    }
    const element = elementOfMass(entry.mass);
    if (!element) {
      throw lineError(FORMAT, entry.line, `mass ${entry.mass} of type ${type} matches no element's standard atomic weight within 0.05 amu; pass elements (one per type).`);
    }
    out.push(element);
  }
  return out;
}
