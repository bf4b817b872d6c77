import { InputError } from '@scifed/schema';

import type { AtomsData } from '../crystal/prototypes.js';
import { parseCif, writeCif } from './cif.js';
import type { ParsedFrame } from './common.js';
import { parseExtxyz, writeExtxyz } from './extxyz.js';
import { parseLammpsData } from './lammps-data.js';
import { parsePoscar, writePoscar } from './poscar.js';

export type { ParsedFrame } from './common.js';
export { writeExtxyz, type ExtxyzFrame } from './extxyz.js';

/** File formats read by importStructures. */
export const STRUCTURE_FORMATS = ['EXTXYZ', 'POSCAR', 'CIF', 'LAMMPS_DATA'] as const;
export type StructureFormat = (typeof STRUCTURE_FORMATS)[number];

/** File formats written by Structure.export. */
export const EXPORT_FORMATS = ['EXTXYZ', 'POSCAR', 'CIF'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ReadOptions {
  /**
   * Elements the file does not name: species of a VASP 4 POSCAR in count
   * order, or the element of each LAMMPS atom type, type 1 first.
   */
  elements?: readonly string[] | null;
}

/** Parses `content` in `format` into one or more structures; errors name the line. */
export function readStructures(format: StructureFormat, content: string, options: ReadOptions = {}): ParsedFrame[] {
  switch (format) {
    case 'EXTXYZ':
      return parseExtxyz(content);
    case 'POSCAR':
      return [parsePoscar(content, options)];
    case 'CIF':
      return parseCif(content);
    case 'LAMMPS_DATA':
      return [parseLammpsData(content, options)];
    default:
      throw new InputError(`format ${JSON.stringify(format)} is unknown; use one of ${STRUCTURE_FORMATS.join(', ')}.`);
  }
}

/** Writes one structure in `format`; positions keep every digit, so reading back gives the same doubles. */
export function writeStructure(format: ExportFormat, atoms: AtomsData, name?: string | null): string {
  switch (format) {
    case 'EXTXYZ':
      return writeExtxyz([atoms]);
    case 'POSCAR':
      if (!atoms.pbc.every(Boolean)) {
        throw new InputError('POSCAR describes periodic crystals only, and this structure is not periodic on every axis; export EXTXYZ instead.');
      }
      return writePoscar(atoms, name ?? '');
    case 'CIF':
      if (!atoms.pbc.every(Boolean)) {
        throw new InputError('CIF describes periodic crystals only, and this structure is not periodic on every axis; export EXTXYZ instead.');
      }
      return writeCif(atoms, name ?? 'structure');
    default:
      throw new InputError(`export format ${JSON.stringify(format)} is unknown; use one of ${EXPORT_FORMATS.join(', ')}.`);
  }
}
