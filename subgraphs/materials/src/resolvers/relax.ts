import { InputError } from '@scifed/schema';
import { Arg, Ctx, Field, Float, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';

import type { MaterialsContext, MaterialsLimits } from '../context.js';
import { checkStructure } from '../crystal/checks.js';
import { EquationOfStateInput, EquationOfStateType, RelaxInput, RelaxStepType } from '../schema/simulation.js';
import { Structure } from '../schema/types.js';
import { DEFAULT_STRAINS, equationOfState } from '../simulation/eos.js';
import { relax } from '../simulation/relax.js';
import type { StructureRecord } from '../store.js';
import { backendChoice, loadPair } from './potential.js';

type Context = MaterialsContext & { limits: MaterialsLimits };

@ObjectType({ description: 'Result of a relaxation; the relaxed structure is stored with the input as its parent.' })
export class Relaxation {
  @Field(() => Structure, { description: 'The relaxed structure (sourceFormat RELAX).' })
  structure!: StructureRecord;

  @Field(() => Boolean, { description: 'Whether every force fell below fmax within maxSteps.' })
  converged!: boolean;

  @Field(() => Float, { description: 'Final energy, eV (enthalpy with relaxCell).' })
  energy!: number;

  @Field(() => Float, { description: 'Final largest force, eV/Å.' })
  fmax!: number;

  @Field(() => Int, { description: 'Optimizer steps taken.' })
  nsteps!: number;

  @Field(() => [RelaxStepType])
  steps!: RelaxStepType[];
}

@Resolver()
export class RelaxResolver {
  @Mutation(() => Relaxation, { description: 'Relaxes positions (and optionally the cell) and stores the result as a new structure.' })
  async relax(@Arg('input', () => RelaxInput) input: RelaxInput, @Ctx() ctx: Context): Promise<Relaxation> {
    if (!Number.isInteger(input.maxSteps) || input.maxSteps < 0 || input.maxSteps > ctx.limits.relaxMaxSteps) {
      throw new InputError(`maxSteps must be an integer from 0 to ${ctx.limits.relaxMaxSteps} (SCIFED_RELAX_MAX_STEPS), got ${input.maxSteps}.`);
    }
    const { structure, potential } = await loadPair(ctx, input.structureId, input.potentialId);
    const outcome = await relax(structure, potential, { ...input, backend: backendChoice(input.backend) });
    checkStructure(outcome.atoms, ctx.limits, 'the relaxed structure');
    const { cell, pbc, positions, species } = outcome.atoms;
    const [stored] = await ctx.store.insertStructures([
      { atoms: { cell, pbc, positions, species }, meta: { name: structure.name ? `${structure.name} (relaxed)` : null, sourceFormat: 'RELAX', parentId: structure.id } },
    ]);
    return { structure: stored, converged: outcome.converged, energy: outcome.energy, fmax: outcome.fmax, nsteps: outcome.steps.length - 1, steps: outcome.steps };
  }

  @Query(() => EquationOfStateType, { description: 'Energy–volume curve under homogeneous strain, fitted by Birch–Murnaghan.' })
  async equationOfState(@Arg('input', () => EquationOfStateInput) input: EquationOfStateInput, @Ctx() ctx: Context) {
    const { structure, potential } = await loadPair(ctx, input.structureId, input.potentialId);
    return equationOfState(structure, potential, input.strains ?? DEFAULT_STRAINS, backendChoice(input.backend));
  }
}
