import type { Connection } from '@scifed/schema';
import DataLoader from 'dataloader';

import type { MdJobs } from './simulation/jobs.js';
import type { MaterialsStore, StructureRecord } from './store.js';

export interface PageKey {
  formula: string;
  offset: number;
  limit: number;
}

/** Per-request state: the store and DataLoaders that batch entity lookups. */
export interface MaterialsContext {
  store: MaterialsStore;
  /** Molecular-dynamics jobs of this process, shared by every request. */
  jobs: MdJobs;
  structureById: DataLoader<string, StructureRecord | null>;
  structuresByFormula: DataLoader<PageKey, { records: StructureRecord[]; total: number }, string>;
}

/** Builds a fresh context; one per request, so loaders never cache across requests. */
export function createContext(store: MaterialsStore, limits: MaterialsLimits, jobs: MdJobs): MaterialsContext & { limits: MaterialsLimits } {
  return {
    store,
    jobs,
    limits,
    structureById: new DataLoader((ids) => store.structuresByIds(ids)),
    // Keys that share a page window are served by one query.
    structuresByFormula: new DataLoader(
      async (keys) => {
        const groups = new Map<string, PageKey[]>();
        for (const key of keys) {
          const window = `${key.offset}:${key.limit}`;
          groups.set(window, [...(groups.get(window) ?? []), key]);
        }
        const results = new Map<string, { records: StructureRecord[]; total: number }>();
        for (const group of groups.values()) {
          const pages = await store.structuresByFormulas(group.map((k) => k.formula), group[0]);
          group.forEach((key, i) => results.set(pageKeyId(key), pages[i]));
        }
        return keys.map((key) => results.get(pageKeyId(key))!);
      },
      { cacheKeyFn: pageKeyId },
    ),
  };
}

function pageKeyId(key: PageKey): string {
  return `${key.formula}|${key.offset}|${key.limit}`;
}

/** Configurable limits of the materials subgraph (documented in the README). */
export interface MaterialsLimits {
  /** SCIFED_MAX_ATOMS: atoms per structure. */
  maxAtoms: number;
  /** SCIFED_MIN_DISTANCE: smallest allowed distance between two atoms, Å. */
  minDistance: number;
  /** SCIFED_MAX_IMPORT_BYTES: size of one importStructures or importPotential content string, bytes (UTF-8). */
  maxImportBytes: number;
  /** SCIFED_MAX_FRAMES: structures one importStructures call may create. */
  maxFrames: number;
  /** SCIFED_MD_MAX_STEPS: steps of one molecular-dynamics job. */
  mdMaxSteps: number;
  /** SCIFED_MD_MAX_JOBS: molecular-dynamics jobs running at once. */
  mdMaxJobs: number;
  /** SCIFED_RELAX_MAX_STEPS: optimizer steps of one relax call. */
  relaxMaxSteps: number;
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, integer = true): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!(value > 0) || (integer && !Number.isSafeInteger(value))) {
    throw new Error(`${name}=${JSON.stringify(text)} is invalid; set it to a positive ${integer ? 'integer' : 'number'} or unset it for the default ${fallback}.`);
  }
  return value;
}

export function limitsFromEnv(env = process.env): MaterialsLimits {
  return {
    maxAtoms: positiveNumber(env, 'SCIFED_MAX_ATOMS', 500_000),
    minDistance: positiveNumber(env, 'SCIFED_MIN_DISTANCE', 0.1, false),
    maxImportBytes: positiveNumber(env, 'SCIFED_MAX_IMPORT_BYTES', 64 * 1024 * 1024),
    maxFrames: positiveNumber(env, 'SCIFED_MAX_FRAMES', 10_000),
    mdMaxSteps: positiveNumber(env, 'SCIFED_MD_MAX_STEPS', 1_000_000),
    mdMaxJobs: positiveNumber(env, 'SCIFED_MD_MAX_JOBS', 2),
    relaxMaxSteps: positiveNumber(env, 'SCIFED_RELAX_MAX_STEPS', 10_000),
  };
}

export type StructurePage = Connection<StructureRecord>;
