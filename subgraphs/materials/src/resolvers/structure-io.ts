import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';

import type { MaterialsContext, MaterialsLimits } from '../context.js';
import { writeStructure, type ExportFormat, type StructureFormat } from '../io/index.js';
import { importStructures } from '../io/import.js';
import { ExportFormatEnum, Structure, StructureFormatEnum } from '../schema/types.js';
import type { StructureRecord } from '../store.js';

type Context = MaterialsContext & { limits: MaterialsLimits };

@Resolver(() => Structure)
export class StructureIoResolver {
  @Mutation(() => [Structure], {
    description: 'Reads a structure file and stores every structure in it (all or none). Errors name the line.',
  })
  importStructures(
    @Arg('format', () => StructureFormatEnum) format: StructureFormat,
    @Arg('content', () => String, { description: 'The file text.' }) content: string,
    @Ctx() ctx: Context,
    @Arg('name', () => String, { nullable: true, description: 'File name, kept as provenance and used as the structure name.' })
    name?: string | null,
    @Arg('elements', () => [String], {
      nullable: true,
      description: 'Elements the file does not name: VASP 4 species in count order, or the element of each LAMMPS atom type (type 1 first).',
    })
    elements?: string[] | null,
  ): Promise<StructureRecord[]> {
    return importStructures(ctx.store, ctx.limits, { format, content, name, elements });
  }

  @FieldResolver(() => String, { description: 'The structure as a file; positions keep every digit of the stored doubles.' })
  export(@Root() structure: StructureRecord, @Arg('format', () => ExportFormatEnum) format: ExportFormat): string {
    return writeStructure(format, structure, structure.name);
  }
}
