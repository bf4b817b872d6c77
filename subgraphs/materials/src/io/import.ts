import { InputError } from '@scifed/schema';

import type { MaterialsLimits } from '../context.js';
import { checkStructure } from '../crystal/checks.js';
import type { MaterialsStore, StructureRecord } from '../store.js';
import { readStructures, type StructureFormat } from './index.js';

/**
 * Parses a structure file, checks every frame against the limits and stores
 * all frames in one transaction, so a file with one bad frame stores nothing.
 * Frames are named `name` (or the file's own title), with " #k" (1-based)
 * appended when the file holds several.
 */
export async function importStructures(
  store: MaterialsStore,
  limits: MaterialsLimits,
  request: { format: StructureFormat; content: string; name?: string | null; elements?: readonly string[] | null },
): Promise<StructureRecord[]> {
  const bytes = Buffer.byteLength(request.content, 'utf8');
  if (bytes > limits.maxImportBytes) {
    throw new InputError(`content is ${bytes} bytes, above the limit of ${limits.maxImportBytes} (SCIFED_MAX_IMPORT_BYTES); split the file.`, 'PAYLOAD_TOO_LARGE');
  }
  const frames = readStructures(request.format, request.content, { elements: request.elements });
  if (frames.length > limits.maxFrames) {
    throw new InputError(`the file holds ${frames.length} structures, above the limit of ${limits.maxFrames} (SCIFED_MAX_FRAMES); split the file.`, 'LIMIT_EXCEEDED');
  }

  const several = frames.length > 1;
  const items = frames.map((frame, k) => {
    const label = several ? `frame ${k + 1}` : 'the structure';
    checkStructure(frame, limits, label);
    const base = request.name ?? (frame.title || null);
    // NOTE: extended XYZ info keys, extra columns and POSCAR selective-dynamics flags are parsed but not stored.
    const { cell, pbc, positions, species } = frame;
    return {
      atoms: { cell, pbc, positions, species },
      meta: { name: base && several ? `${base} #${k + 1}` : base, sourceFormat: request.format, fileName: request.name ?? null },
    };
  });
  return store.insertStructures(items);
}
