import { connectionFrom, InputError, isElementSymbol, normalizeFormula, pageRequest } from '@scifed/schema';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';

import type { MaterialsContext, MaterialsLimits } from '../context.js';
import { checkStructure } from '../crystal/checks.js';
import { buildCrystal } from '../crystal/prototypes.js';
import { BuildCrystalInput, Material, Structure, StructureConnection } from '../schema/types.js';
import type { StructureFilter, StructureRecord } from '../store.js';

type Context = MaterialsContext & { limits: MaterialsLimits };

function rows3(flat: Float64Array): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < flat.length; i += 3) out.push([flat[i], flat[i + 1], flat[i + 2]]);
  return out;
}

/** Validates a formula argument and returns its reduced form. */
export function reduceFormulaArgument(formula: string): string {
  const reduced = normalizeFormula(formula);
  if (!reduced) {
    throw new InputError(`formula ${JSON.stringify(formula)} is not a chemical formula; write element symbols with counts, e.g. "Cu" or "Ni3Al".`);
  }
  return reduced;
}

/** Validates the element and atom-count filters of the structures query. */
function checkStructureFilter(filter: StructureFilter): StructureFilter {
  for (const element of filter.elements ?? []) {
    if (!isElementSymbol(element)) throw new InputError(`elements contains ${JSON.stringify(element)}, which is not an element symbol; use symbols such as "Cu".`);
  }
  for (const [name, value] of [['minAtoms', filter.minAtoms], ['maxAtoms', filter.maxAtoms]] as const) {
    if (value != null && value < 0) throw new InputError(`${name} must be 0 or more, got ${value}.`);
  }
  return filter;
}

@Resolver(() => Structure)
export class StructureResolver {
  @Query(() => Structure, { nullable: true, description: 'One structure by id; null when no structure has that id.' })
  structure(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<StructureRecord | null> {
    return ctx.structureById.load(id);
  }

  @Query(() => StructureConnection, { description: 'Stored structures, oldest first.' })
  async structures(
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('formula', () => String, { nullable: true, description: 'Only structures of this formula (any written form; it is reduced first).' })
    formula?: string,
    @Arg('elements', () => [String], { nullable: true, description: 'Only structures that contain every one of these elements.' })
    elements?: string[] | null,
    @Arg('minAtoms', () => Int, { nullable: true, description: 'Only structures with at least this many atoms.' })
    minAtoms?: number | null,
    @Arg('maxAtoms', () => Int, { nullable: true, description: 'Only structures with at most this many atoms.' })
    maxAtoms?: number | null,
  ) {
    const page = pageRequest(first, after);
    const reduced = formula ? reduceFormulaArgument(formula) : null;
    const filter = checkStructureFilter({ formula: reduced, elements, minAtoms, maxAtoms });
    const { records, total } = await ctx.store.listStructures(page, filter);
    return connectionFrom(records, page, total);
  }

  @Mutation(() => Structure, { description: 'Builds a crystal from a prototype and stores it.' })
  buildCrystal(@Arg('input', () => BuildCrystalInput) input: BuildCrystalInput, @Ctx() ctx: Context): Promise<StructureRecord> {
    const atoms = buildCrystal(input, ctx.limits.maxAtoms);
    checkStructure(atoms, ctx.limits, `the ${input.prototype} crystal with a = ${input.a} Å`);
    return ctx.store.insertStructure(atoms, { name: input.name, sourceFormat: 'BUILD' });
  }

  @FieldResolver()
  cell(@Root() structure: StructureRecord): number[][] {
    return rows3(structure.cell);
  }

  @FieldResolver()
  positions(@Root() structure: StructureRecord): number[][] {
    return rows3(structure.positions);
  }

  @FieldResolver(() => Material, { description: 'The chemical system of this structure.' })
  material(@Root() structure: StructureRecord): Material {
    return { formula: structure.formula };
  }
}
