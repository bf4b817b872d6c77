import { connectionFrom, notFound, pageRequest } from '@scifed/schema';
import type { BackendChoice } from '@scifed/compute';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';

import type { MaterialsContext, MaterialsLimits } from '../context.js';
import { createPairPotential, importPotential, LAMMPS_STYLES, type EamFormat } from '../potentials/service.js';
import { BackendEnum, EamFormatEnum, Evaluation, PairPotentialInput, Potential, PotentialConnection, type BackendName } from '../schema/simulation.js';
import { evaluate } from '../simulation/evaluate.js';
import type { PotentialRecord, StructureRecord } from '../store.js';

type Context = MaterialsContext & { limits: MaterialsLimits };

/** Loads a structure and a potential by id, or raises NOT_FOUND naming the id. */
export async function loadPair(ctx: Context, structureId: string, potentialId: string): Promise<{ structure: StructureRecord; potential: PotentialRecord }> {
  const [structure, potential] = await Promise.all([ctx.structureById.load(structureId), ctx.store.potentialById(potentialId)]);
  if (!structure) throw notFound('Structure', structureId, 'List stored structures with the structures query.');
  if (!potential) throw notFound('Potential', potentialId, 'List potentials with the potentials query.');
  return { structure, potential };
}

export function backendChoice(name: BackendName | null | undefined): BackendChoice {
  return (name ?? 'AUTO').toLowerCase() as BackendChoice;
}

@Resolver(() => Potential)
export class PotentialResolver {
  @Query(() => PotentialConnection, { description: 'Stored potentials, built-in library first.' })
  async potentials(
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('element', () => String, { nullable: true, description: 'Only potentials that cover this element.' }) element?: string,
  ) {
    const page = pageRequest(first, after);
    const { records, total } = await ctx.store.listPotentials(page, element);
    return connectionFrom(records, page, total);
  }

  @Query(() => Potential, { nullable: true, description: 'One potential by id; null when none has that id.' })
  potential(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<PotentialRecord | null> {
    return ctx.store.potentialById(id);
  }

  @Mutation(() => Potential, { description: 'Stores a Lennard-Jones or Morse pair potential.' })
  createPairPotential(@Arg('input', () => PairPotentialInput) input: PairPotentialInput, @Ctx() ctx: Context): Promise<PotentialRecord> {
    return createPairPotential(ctx.store, input);
  }

  @Mutation(() => Potential, { description: 'Stores an EAM potential file in a LAMMPS format. Parse errors name the line.' })
  importPotential(
    @Arg('format', () => EamFormatEnum) format: EamFormat,
    @Arg('content', () => String, { description: 'The file text.' }) content: string,
    @Arg('name', () => String, { description: 'Unique name.' }) name: string,
    @Ctx() ctx: Context,
    @Arg('elements', () => [String], { nullable: true, description: 'Element of a funcfl file (which records only Z); ignored checks for setfl/fs.' })
    elements?: string[] | null,
  ): Promise<PotentialRecord> {
    return importPotential(ctx.store, ctx.limits, { format, content, name, elements });
  }

  @FieldResolver(() => String)
  lammpsStyle(@Root() potential: PotentialRecord): string {
    return LAMMPS_STYLES[potential.kind];
  }
}

@Resolver(() => Evaluation)
export class EvaluationResolver {
  @Query(() => Evaluation, { description: 'Energy, forces and stress of a stored structure under a stored potential.' })
  async evaluate(
    @Arg('structureId', () => ID) structureId: string,
    @Arg('potentialId', () => ID) potentialId: string,
    @Ctx() ctx: Context,
    @Arg('backend', () => BackendEnum, { defaultValue: 'AUTO' }) backend: BackendName,
  ) {
    const { structure, potential } = await loadPair(ctx, structureId, potentialId);
    return evaluate(structure, potential, backendChoice(backend));
  }
}
