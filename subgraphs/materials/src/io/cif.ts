import { isElementSymbol } from '@scifed/schema';

import {
  cartesianToFractional,
  cellFromParameters,
  cellParameters,
  formatReal,
  fractionalToCartesian,
  lineError,
  type ParsedFrame,
} from './common.js';

/**
 * Crystallographic Information File (CIF 1.1 syntax), the subset that
 * describes an ordered crystal:
 *
 * - cell: _cell_length_a/b/c (Å), _cell_angle_alpha/beta/gamma (degrees),
 *   placed in the standard orientation (a along x, b in the xy plane);
 * - sites: _atom_site_fract_x/y/z with _atom_site_type_symbol, or the
 *   element read from _atom_site_label ("Cu1" → Cu) when there is no symbol;
 * - symmetry: _space_group_symop_operation_xyz (CIF 2 / mmCIF style),
 *   _symmetry_equiv_pos_as_xyz (the CIF 1.1 core name) or the variant
 *   spelling _symmetry_equivalent_pos_as_xyz, looped or as a single item. Every site
 *   is mapped through every operation, wrapped into [0, 1), and an image
 *   within 1e-3 (fractional, per axis) of a site already placed is dropped,
 *   as ASE's crystal() does, so atoms on special positions appear once;
 * - _atom_site_occupancy other than 1 is rejected: a structure here holds one
 *   species per site.
 *
 * Every data block with atom sites becomes one structure, named after the block.
 */

const FORMAT = 'CIF';

/** Fractional tolerance for treating two symmetry images as one site (ASE's default symprec). */
const SITE_TOLERANCE = 1e-3;

interface Token {
  text: string;
  line: number;
  /** Quoted or text-field values are never keywords. */
  quoted: boolean;
}

interface Item {
  value: Token;
}

interface Loop {
  tags: string[];
  line: number;
  rows: Token[][];
}

interface Block {
  name: string;
  line: number;
  items: Map<string, Item>;
  loops: Loop[];
}

function tokenize(content: string): Token[] {
  const lines = content.split(/\r?\n/);
  const tokens: Token[] = [];
  for (let index = 0; index < lines.length; index++) {
    const text = lines[index];
    const lineNumber = index + 1;
    if (text.startsWith(';')) {
      // A text field runs to the next line that starts with ';'.
      const parts = [text.slice(1)];
      let end = index + 1;
      while (end < lines.length && !lines[end].startsWith(';')) parts.push(lines[end++]);
      if (end >= lines.length) throw lineError(FORMAT, lineNumber, 'text field opened with ";" is never closed; end it with a line starting with ";".');
      tokens.push({ text: parts.join('\n').trim(), line: lineNumber, quoted: true });
      index = end;
      continue;
    }
    let i = 0;
    while (i < text.length) {
      const ch = text[i];
      if (/\s/.test(ch)) {
        i++;
        continue;
      }
      if (ch === '#') break;
      if (ch === "'" || ch === '"') {
        // A quote closes only when followed by white space or the end of the line.
        let end = i + 1;
        while (end < text.length && !(text[end] === ch && (end + 1 === text.length || /\s/.test(text[end + 1])))) end++;
        if (end >= text.length) throw lineError(FORMAT, lineNumber, `unterminated ${ch}-quoted value starting at column ${i + 1}.`);
        tokens.push({ text: text.slice(i + 1, end), line: lineNumber, quoted: true });
        i = end + 1;
        continue;
      }
      let end = i;
      while (end < text.length && !/\s/.test(text[end])) end++;
      tokens.push({ text: text.slice(i, end), line: lineNumber, quoted: false });
      i = end;
    }
  }
  return tokens;
}

function isTag(token: Token): boolean {
  return !token.quoted && token.text.startsWith('_');
}

function isKeyword(token: Token): boolean {
  return !token.quoted && (/^loop_$/i.test(token.text) || /^data_/i.test(token.text) || /^(global_|save_|stop_)/i.test(token.text));
}

function parseBlocks(content: string): Block[] {
  const tokens = tokenize(content);
  const blocks: Block[] = [];
  let block: Block | undefined;
  let i = 0;
  const current = (token: Token) => {
    if (!block) throw lineError(FORMAT, token.line, `${JSON.stringify(token.text)} appears before any data_ block; start the file with data_<name>.`);
    return block;
  };

  while (i < tokens.length) {
    const token = tokens[i];
    if (!token.quoted && /^data_/i.test(token.text)) {
      block = { name: token.text.slice(5), line: token.line, items: new Map(), loops: [] };
      blocks.push(block);
      i++;
    } else if (!token.quoted && /^loop_$/i.test(token.text)) {
      const target = current(token);
      const loop: Loop = { tags: [], line: token.line, rows: [] };
      i++;
      while (i < tokens.length && isTag(tokens[i])) loop.tags.push(tokens[i++].text.toLowerCase());
      if (loop.tags.length === 0) throw lineError(FORMAT, token.line, 'loop_ has no tags after it.');
      const values: Token[] = [];
      while (i < tokens.length && !isTag(tokens[i]) && !isKeyword(tokens[i])) values.push(tokens[i++]);
      if (values.length % loop.tags.length !== 0) {
        const last = values[values.length - 1] ?? token;
        throw lineError(FORMAT, last.line, `loop_ of ${loop.tags.length} tags (${loop.tags[0]}, ...) contains ${values.length} values, not a multiple of ${loop.tags.length}.`);
      }
      for (let k = 0; k < values.length; k += loop.tags.length) loop.rows.push(values.slice(k, k + loop.tags.length));
      target.loops.push(loop);
    } else if (isTag(token)) {
      const target = current(token);
      const value = tokens[i + 1];
      if (!value || isTag(value) || isKeyword(value)) throw lineError(FORMAT, token.line, `tag ${token.text} has no value.`);
      target.items.set(token.text.toLowerCase(), { value });
      i += 2;
    } else {
      throw lineError(FORMAT, token.line, `unexpected value ${JSON.stringify(token.text)} outside a loop_ and without a tag.`);
    }
  }
  return blocks;
}

/** Values of a tag with their lines, whether it is a single item or a loop column. */
function column(block: Block, tag: string): Token[] | undefined {
  const item = block.items.get(tag);
  if (item) return [item.value];
  for (const loop of block.loops) {
    const k = loop.tags.indexOf(tag);
    if (k >= 0) return loop.rows.map((row) => row[k]);
  }
  return undefined;
}

function isMissing(token: Token): boolean {
  return !token.quoted && (token.text === '.' || token.text === '?');
}

/** A CIF number, with its standard uncertainty "(2)" dropped. */
function numberOf(token: Token, what: string): number {
  const value = Number(token.text.replace(/\(\d+\)$/, ''));
  if (isMissing(token) || token.text === '' || !Number.isFinite(value)) {
    throw lineError(FORMAT, token.line, `expected a number for ${what}, found ${JSON.stringify(token.text)}.`);
  }
  return value;
}

function requiredNumber(block: Block, tag: string): number {
  const values = column(block, tag);
  if (!values) throw lineError(FORMAT, block.line, `data_${block.name} has no ${tag}; a crystal needs all three cell lengths and angles.`);
  return numberOf(values[0], tag);
}

/** A symmetry operation in fractional coordinates: s' = rotation · s + translation. */
interface SymmetryOperation {
  rotation: number[];
  translation: number[];
}

/** Parses "x, y+1/2, -z"-style operations; terms are ±x, ±y, ±z, numbers and fractions. */
function parseOperation(token: Token): SymmetryOperation {
  const parts = token.text.replace(/\s+/g, '').toLowerCase().split(',');
  if (parts.length !== 3) throw lineError(FORMAT, token.line, `symmetry operation ${JSON.stringify(token.text)} needs three comma-separated parts such as "x, y+1/2, -z".`);
  const rotation = new Array<number>(9).fill(0);
  const translation = [0, 0, 0];
  parts.forEach((part, row) => {
    const terms = part.match(/[+-]?[^+-]+/g);
    if (!terms) throw lineError(FORMAT, token.line, `symmetry operation ${JSON.stringify(token.text)} has an empty part.`);
    for (const term of terms) {
      const match = /^([+-]?)(\d*\.?\d*(?:\/\d+)?)\*?([xyz]?)$/.exec(term);
      if (!match || (match[2] === '' && match[3] === '')) {
        throw lineError(FORMAT, token.line, `cannot read term ${JSON.stringify(term)} of symmetry operation ${JSON.stringify(token.text)}.`);
      }
      const sign = match[1] === '-' ? -1 : 1;
      let factor = 1;
      if (match[2] !== '') {
        const [numerator, denominator] = match[2].split('/');
        factor = Number(numerator) / (denominator === undefined ? 1 : Number(denominator));
        if (!Number.isFinite(factor)) throw lineError(FORMAT, token.line, `cannot read term ${JSON.stringify(term)} of symmetry operation ${JSON.stringify(token.text)}.`);
      }
      if (match[3]) rotation[row * 3 + 'xyz'.indexOf(match[3])] += sign * factor;
      else translation[row] += sign * factor;
    }
  });
  return { rotation, translation };
}

function symmetryOperations(block: Block): SymmetryOperation[] {
  const tokens =
    column(block, '_space_group_symop_operation_xyz') ??
    column(block, '_symmetry_equiv_pos_as_xyz') ??
    column(block, '_symmetry_equivalent_pos_as_xyz');
  if (tokens) return tokens.map(parseOperation);
  const groupName =
    column(block, '_symmetry_space_group_name_h-m')?.[0] ?? column(block, '_space_group_name_h-m_alt')?.[0];
  if (groupName && !isMissing(groupName) && groupName.text.replace(/\s+/g, '').toUpperCase() !== 'P1') {
    throw lineError(
      FORMAT,
      groupName.line,
      `space group ${JSON.stringify(groupName.text)} is given without its symmetry operations; add a _space_group_symop_operation_xyz loop (or list all atoms in P 1).`,
    );
  }
  return [{ rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], translation: [0, 0, 0] }];
}

/** Element of a site: the type symbol ("Fe3+" → Fe) or the label ("O12" → O). */
function siteElement(symbol: Token | undefined, label: Token | undefined): string {
  const source = symbol && !isMissing(symbol) ? symbol : label;
  if (!source) throw lineError(FORMAT, 1, 'the atom_site loop has neither _atom_site_type_symbol nor _atom_site_label.');
  const letters = /^([A-Za-z])([a-z]?)/.exec(source.text);
  if (letters) {
    const two = letters[1].toUpperCase() + letters[2];
    if (letters[2] && isElementSymbol(two)) return two;
    const one = letters[1].toUpperCase();
    if (isElementSymbol(one)) return one;
  }
  throw lineError(FORMAT, source.line, `cannot read an element symbol from ${JSON.stringify(source.text)}; give _atom_site_type_symbol such as "Cu".`);
}

function wrap(value: number): number {
  const wrapped = value - Math.floor(value);
  return wrapped >= 1 ? 0 : wrapped;
}

function readBlock(block: Block): ParsedFrame | undefined {
  const fx = column(block, '_atom_site_fract_x');
  if (!fx) {
    if (column(block, '_atom_site_cartn_x')) {
      throw lineError(FORMAT, block.line, `data_${block.name} gives Cartesian sites only; give _atom_site_fract_x/y/z.`);
    }
    return undefined;
  }
  const fy = column(block, '_atom_site_fract_y');
  const fz = column(block, '_atom_site_fract_z');
  if (!fy || !fz) throw lineError(FORMAT, fx[0].line, 'the atom_site loop has _atom_site_fract_x but not _atom_site_fract_y and _atom_site_fract_z.');

  const cell = cellFromParameters(
    requiredNumber(block, '_cell_length_a'),
    requiredNumber(block, '_cell_length_b'),
    requiredNumber(block, '_cell_length_c'),
    requiredNumber(block, '_cell_angle_alpha'),
    requiredNumber(block, '_cell_angle_beta'),
    requiredNumber(block, '_cell_angle_gamma'),
  );
  const operations = symmetryOperations(block);
  const symbols = column(block, '_atom_site_type_symbol');
  const labels = column(block, '_atom_site_label');
  const occupancies = column(block, '_atom_site_occupancy');

  const sites: number[][] = [];
  const siteOf: number[] = [];
  const species: string[] = [];
  for (let k = 0; k < fx.length; k++) {
    const label = labels?.[k]?.text ?? `site ${k + 1}`;
    const occupancy = occupancies?.[k];
    if (occupancy && !isMissing(occupancy)) {
      const value = numberOf(occupancy, `the occupancy of ${label}`);
      if (Math.abs(value - 1) > 1e-3) {
        throw lineError(FORMAT, occupancy.line, `site ${label} has occupancy ${value}; partially occupied (disordered) sites are not supported. Build an ordered supercell and import that.`);
      }
    }
    const element = siteElement(symbols?.[k], labels?.[k]);
    const position = [numberOf(fx[k], `_atom_site_fract_x of ${label}`), numberOf(fy[k], `_atom_site_fract_y of ${label}`), numberOf(fz[k], `_atom_site_fract_z of ${label}`)];

    for (const { rotation, translation } of operations) {
      const image = [0, 1, 2].map((r) =>
        wrap(rotation[r * 3] * position[0] + rotation[r * 3 + 1] * position[1] + rotation[r * 3 + 2] * position[2] + translation[r]),
      );
      const duplicate = sites.findIndex((site) =>
        site.every((value, axis) => {
          const d = Math.abs(value - image[axis]);
          return d < SITE_TOLERANCE || Math.abs(d - 1) < SITE_TOLERANCE;
        }),
      );
      if (duplicate < 0) {
        sites.push(image);
        siteOf.push(k);
        species.push(element);
      } else if (siteOf[duplicate] !== k) {
        const other = labels?.[siteOf[duplicate]]?.text ?? `site ${siteOf[duplicate] + 1}`;
        throw lineError(FORMAT, fx[k].line, `site ${label} falls on site ${other} under the symmetry operations; two species on one site (disorder) are not supported.`);
      }
    }
  }
  const positions = fractionalToCartesian(sites.flat(), cell);
  return { title: block.name, cell, pbc: [true, true, true], positions, species };
}

/** Reads every data block with atom sites; throws errors that name the line. */
export function parseCif(content: string): ParsedFrame[] {
  const blocks = parseBlocks(content);
  if (blocks.length === 0) throw lineError(FORMAT, 1, 'no data_ block found; a CIF starts with data_<name>.');
  const frames = blocks.map(readBlock).filter((frame): frame is ParsedFrame => frame !== undefined);
  if (frames.length === 0) throw lineError(FORMAT, blocks[0].line, 'no data block has _atom_site_fract_x/y/z sites.');
  return frames;
}

function cifName(name: string): string {
  return name.replace(/\s+/g, '_') || 'structure';
}

/**
 * Writes one structure as a CIF in space group P 1 with fractional sites.
 * The cell is stored as lengths and angles, so a cell that is not in the
 * standard orientation (a along x, b in the xy plane) reads back rotated.
 */
export function writeCif(atoms: { cell: ArrayLike<number>; positions: ArrayLike<number>; species: readonly string[] }, name = 'structure'): string {
  const [a, b, c, alpha, beta, gamma] = cellParameters(atoms.cell);
  const fractional = cartesianToFractional(atoms.positions, atoms.cell);
  const out = [
    `data_${cifName(name)}`,
    `_cell_length_a ${formatReal(a)}`,
    `_cell_length_b ${formatReal(b)}`,
    `_cell_length_c ${formatReal(c)}`,
    `_cell_angle_alpha ${formatReal(alpha)}`,
    `_cell_angle_beta ${formatReal(beta)}`,
    `_cell_angle_gamma ${formatReal(gamma)}`,
    "_symmetry_space_group_name_H-M 'P 1'",
    '_symmetry_Int_Tables_number 1',
    '',
    'loop_',
    '_symmetry_equiv_pos_as_xyz',
    "'x, y, z'",
    '',
    'loop_',
    '_atom_site_label',
    '_atom_site_type_symbol',
    '_atom_site_fract_x',
    '_atom_site_fract_y',
    '_atom_site_fract_z',
    '_atom_site_occupancy',
  ];
  const counters = new Map<string, number>();
  atoms.species.forEach((symbol, i) => {
    const n = (counters.get(symbol) ?? 0) + 1;
    counters.set(symbol, n);
    const f = [0, 1, 2].map((k) => formatReal(fractional[i * 3 + k]));
    out.push(`${symbol}${n} ${symbol} ${f.join(' ')} 1`);
  });
  return `${out.join('\n')}\n`;
}
