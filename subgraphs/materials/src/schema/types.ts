import { ConnectionType, DateTimeScalar } from '@scifed/schema';
import { Directive, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';

import { PROTOTYPES, type Prototype } from '../crystal/prototypes.js';
import { EXPORT_FORMATS, STRUCTURE_FORMATS, type ExportFormat, type StructureFormat } from '../io/index.js';

export const PrototypeEnum = Object.fromEntries(PROTOTYPES.map((p) => [p, p])) as { [K in Prototype]: K };
registerEnumType(PrototypeEnum, {
  name: 'Prototype',
  description: 'Crystal prototype in its conventional cell: FCC (4 atoms), BCC (2), HCP (2, hexagonal), DIAMOND (8), SC (1).',
});

export const StructureFormatEnum = Object.fromEntries(STRUCTURE_FORMATS.map((f) => [f, f])) as { [K in StructureFormat]: K };
registerEnumType(StructureFormatEnum, {
  name: 'StructureFormat',
  description: 'Structure file formats read by importStructures.',
  valuesConfig: {
    EXTXYZ: { description: 'Extended XYZ (ASE, QUIP): Lattice, Properties and pbc on the comment line; several frames allowed.' },
    POSCAR: { description: 'VASP POSCAR or CONTCAR, VASP 4 or 5, Direct or Cartesian, with optional selective dynamics.' },
    CIF: { description: 'Crystallographic Information File; sites are expanded by the listed symmetry operations.' },
    LAMMPS_DATA: { description: 'LAMMPS data file in atom style atomic, orthogonal or triclinic box.' },
  },
});

export const ExportFormatEnum = Object.fromEntries(EXPORT_FORMATS.map((f) => [f, f])) as { [K in ExportFormat]: K };
registerEnumType(ExportFormatEnum, { name: 'ExportFormat', description: 'Structure file formats written by Structure.export.' });

@ObjectType({ description: 'An atomic structure: a periodic crystal or a molecule. Lengths in Å.' })
@Directive('@key(fields: "id")')
export class Structure {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true, description: 'Name given at creation or import.' })
  name!: string | null;

  @Field(() => String, { description: 'Reduced formula: elements in alphabetical order with counts, count 1 omitted (e.g. "AlNi3").' })
  formula!: string;

  @Field(() => [String], { description: 'Distinct element symbols, alphabetical.' })
  elements!: string[];

  @Field(() => Int, { description: 'Number of atoms.' })
  natoms!: number;

  @Field(() => [[Float]], { description: 'Cell vectors a, b, c as rows of a 3×3 matrix, Å.' })
  cell!: number[][];

  @Field(() => [Boolean], { description: 'Periodicity along a, b and c.' })
  pbc!: boolean[];

  @Field(() => [[Float]], { description: 'Cartesian positions, N×3, Å.' })
  positions!: number[][];

  @Field(() => [String], { description: 'Element symbol of each atom, length N.' })
  species!: string[];

  @Field(() => String, { nullable: true, description: 'Where the structure came from: BUILD, a file format, RELAX or MD.' })
  sourceFormat!: string | null;

  @Field(() => ID, { nullable: true, description: 'Structure this one was derived from (relaxation or MD).' })
  parentId!: string | null;

  @Field(() => DateTimeScalar, { description: 'When the structure was stored.' })
  createdAt!: Date;

  @Field(() => String, { nullable: true, description: 'File name given to importStructures, if any.' })
  fileName?: string | null;
}

export const StructureConnection = ConnectionType('Structure', Structure);

@ObjectType({ description: 'A chemical system, identified across subgraphs by its reduced formula.' })
@Directive('@key(fields: "formula")')
export class Material {
  @Field(() => String, { description: 'Reduced formula: elements in alphabetical order with counts, count 1 omitted (e.g. "Cu", "AlNi3").' })
  formula!: string;
}

@InputType({ description: 'A crystal built from a prototype.' })
export class BuildCrystalInput {
  @Field(() => String, { description: 'Element symbol, e.g. "Cu".' })
  element!: string;

  @Field(() => PrototypeEnum)
  prototype!: Prototype;

  @Field(() => Float, { description: 'Lattice constant a, Å.' })
  a!: number;

  @Field(() => Float, { nullable: true, description: 'Lattice constant c, Å (HCP only; default a·sqrt(8/3)).' })
  c?: number | null;

  @Field(() => [Int], { nullable: true, description: 'Repetitions along a, b and c; default [1, 1, 1].' })
  repeat?: number[] | null;

  @Field(() => String, { nullable: true, description: 'Optional name for the structure.' })
  name?: string | null;
}
