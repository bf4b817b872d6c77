import { connectionFrom, InputError, normalizeFormula, pageRequest } from '@scifed/schema';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';

import type { MaterialsContext, MaterialsLimits } from '../context.js';
import { buildCrystal } from '../crystal/prototypes.js';
import { BuildCrystalInput, Material, Structure, StructureConnection } from '../schema/types.js';
import type { StructureRecord } from '../store.js';

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
  ) {
    const page = pageRequest(first, after);
    const reduced = formula ? reduceFormulaArgument(formula) : null;
    const { records, total } = await ctx.store.listStructures(page, reduced);
    return connectionFrom(records, page, total);
  }

  @Mutation(() => Structure, { description: 'Builds a crystal from a prototype and stores it.' })
  buildCrystal(@Arg('input', () => BuildCrystalInput) input: BuildCrystalInput, @Ctx() ctx: Context): Promise<StructureRecord> {
    const atoms = buildCrystal(input, ctx.limits.maxAtoms);
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
