import {
  KernelInputError,
  lennardJones,
  morse,
  parseEamFs,
  parseFuncfl,
  parseSetfl,
  type Potential,
} from '@scifed/compute';
import { InputError, isElementSymbol } from '@scifed/schema';

import type { MaterialsLimits } from '../context.js';
import type { MaterialsStore, PotentialRecord } from '../store.js';
import { ZHOU2004_CITATION, ZHOU2004_ELEMENTS, zhou2004Setfl } from './zhou2004.js';

/**
 * Potentials: parametric pair potentials (LAMMPS lj/cut and morse), EAM
 * files in LAMMPS formats, and the built-in Zhou 2004 EAM library. A stored
 * potential keeps its file text or parameters; the kernel-layer form is
 * rebuilt from it on first use and cached per process.
 */

export const PAIR_KINDS = ['LJ', 'MORSE'] as const;
export type PairKind = (typeof PAIR_KINDS)[number];
export const EAM_FORMATS = ['EAM_FUNCFL', 'EAM_SETFL', 'EAM_FS'] as const;
export type EamFormat = (typeof EAM_FORMATS)[number];

/** LAMMPS pair_style of each kind, for users checking against LAMMPS. */
export const LAMMPS_STYLES: Record<string, string> = {
  LJ: 'lj/cut',
  MORSE: 'morse',
  EAM_FUNCFL: 'eam',
  EAM_SETFL: 'eam/alloy',
  EAM_FS: 'eam/fs',
};

export interface PairInput {
  elements: string[];
  /** LJ well depth ε, eV. */
  epsilon?: number | null;
  /** LJ zero crossing σ, Å. */
  sigma?: number | null;
  /** Morse well depth D0, eV. */
  d0?: number | null;
  /** Morse width α, 1/Å. */
  alpha?: number | null;
  /** Morse equilibrium distance r0, Å. */
  r0?: number | null;
  /** Å */
  cutoff: number;
}

export interface PairPotentialInput {
  name: string;
  kind: PairKind;
  /** Subtract E(rc) inside the cutoff (LAMMPS pair_modify shift yes). */
  shift?: boolean | null;
  pairs: PairInput[];
}

interface StoredPairParameters {
  kind: PairKind;
  shift: boolean;
  elements: string[];
  /** S × S matrices by parameter name. */
  matrices: Record<string, number[][]>;
}

const PAIR_FIELDS: Record<PairKind, string[]> = { LJ: ['epsilon', 'sigma'], MORSE: ['d0', 'alpha', 'r0'] };

function checkName(name: string): void {
  if (name.trim() === '') throw new InputError('name is empty; give the potential a name such as "Cu Mishin 2001".');
}

/** Rewrites a kernel-layer input error as a user input error. */
function asInputError(error: unknown): never {
  if (error instanceof KernelInputError) throw new InputError(error.message);
  throw error;
}

/**
 * Builds per-pair matrices from the pair list. LJ cross pairs left out mix
 * geometrically (ε = √(εaεb), σ = √(σaσb), rc = √(rca·rcb)), the LAMMPS
 * default `pair_modify mix geometric`; Morse needs every pair, as in LAMMPS.
 */
function pairMatrices(input: PairPotentialInput): StoredPairParameters {
  const fields = [...PAIR_FIELDS[input.kind], 'cutoff'];
  const elements = [...new Set(input.pairs.flatMap((p) => p.elements))];
  if (input.pairs.length === 0) throw new InputError('pairs is empty; give at least one pair such as {elements: ["Ar", "Ar"], ...}.');
  for (const symbol of elements) {
    if (!isElementSymbol(symbol)) throw new InputError(`pairs names ${JSON.stringify(symbol)}, which is not an element symbol.`);
  }
  const s = elements.length;
  const matrices: Record<string, (number | undefined)[][]> = {};
  for (const field of fields) matrices[field] = Array.from({ length: s }, () => new Array<number | undefined>(s));

  input.pairs.forEach((pair, k) => {
    if (pair.elements.length !== 2) {
      throw new InputError(`pairs[${k}].elements must name two elements (the same twice for like pairs), got ${JSON.stringify(pair.elements)}.`);
    }
    const [a, b] = pair.elements.map((e) => elements.indexOf(e));
    for (const field of fields) {
      const value = (pair as unknown as Record<string, number | null | undefined>)[field];
      if (value == null || !Number.isFinite(value)) {
        throw new InputError(`pairs[${k}] (${pair.elements.join('-')}) needs ${field} for ${input.kind}; give ${fields.join(', ')}.`);
      }
      if (matrices[field][a][b] !== undefined) throw new InputError(`pairs[${k}] repeats the pair ${pair.elements.join('-')}.`);
      matrices[field][a][b] = value;
      matrices[field][b][a] = value;
    }
  });

  const missing: string[] = [];
  for (let a = 0; a < s; a++) {
    for (let b = a; b < s; b++) {
      if (matrices.cutoff[a][b] !== undefined) continue;
      const aa = matrices.cutoff[a][a] !== undefined;
      const bb = matrices.cutoff[b][b] !== undefined;
      if (input.kind === 'LJ' && aa && bb) {
        for (const field of fields) {
          const mixed = Math.sqrt(matrices[field][a][a]! * matrices[field][b][b]!);
          matrices[field][a][b] = mixed;
          matrices[field][b][a] = mixed;
        }
      } else {
        missing.push(`${elements[a]}-${elements[b]}`);
      }
    }
  }
  if (missing.length > 0) {
    throw new InputError(`pairs has no parameters for ${missing.join(', ')}; give every pair${input.kind === 'LJ' ? ' (or both like pairs, to mix)' : ''}.`);
  }
  return { kind: input.kind, shift: input.shift ?? false, elements, matrices: matrices as Record<string, number[][]> };
}

function buildPair(parameters: StoredPairParameters): Potential {
  const m = parameters.matrices;
  const common = { elements: parameters.elements, cutoff: m.cutoff, shift: parameters.shift };
  return parameters.kind === 'LJ'
    ? lennardJones({ ...common, epsilon: m.epsilon, sigma: m.sigma })
    : morse({ ...common, d0: m.d0, alpha: m.alpha, r0: m.r0 });
}

/** Validates, builds and stores a parametric pair potential. */
export async function createPairPotential(store: MaterialsStore, input: PairPotentialInput): Promise<PotentialRecord> {
  checkName(input.name);
  if (!PAIR_KINDS.includes(input.kind)) throw new InputError(`kind ${JSON.stringify(input.kind)} is unknown; use LJ or MORSE.`);
  const parameters = pairMatrices(input);
  let potential: Potential;
  try {
    potential = buildPair(parameters);
  } catch (error) {
    asInputError(error);
  }
  return store.insertPotential({
    name: input.name,
    kind: input.kind,
    elements: parameters.elements,
    cutoff: potential.cutoff,
    source: 'parameters',
    citation: null,
    content: JSON.stringify(parameters),
    builtin: false,
  });
}

function parseEam(format: EamFormat, content: string, name: string, elements?: readonly string[] | null): Potential {
  try {
    if (format === 'EAM_FUNCFL') {
      const potential = parseFuncfl(content, [name]);
      if (elements && elements.length > 0) {
        if (elements.length !== 1 || !isElementSymbol(elements[0])) {
          throw new InputError(`a funcfl file describes one element; give elements as one symbol such as ["Cu"], got ${JSON.stringify(elements)}.`);
        }
        potential.elements = [elements[0]];
      }
      return potential;
    }
    const potential = format === 'EAM_SETFL' ? parseSetfl(content, name) : parseEamFs(content, name);
    if (elements && elements.length > 0 && elements.join(' ') !== potential.elements.join(' ')) {
      throw new InputError(`elements ${JSON.stringify(elements)} differ from the file's ${JSON.stringify(potential.elements)}; omit elements for setfl and fs files.`);
    }
    return potential;
  } catch (error) {
    asInputError(error);
  }
}

/** Parses (to validate) and stores an EAM file in a LAMMPS format. */
export async function importPotential(
  store: MaterialsStore,
  limits: MaterialsLimits,
  input: { format: EamFormat; content: string; name: string; elements?: readonly string[] | null },
): Promise<PotentialRecord> {
  checkName(input.name);
  const bytes = Buffer.byteLength(input.content, 'utf8');
  if (bytes > limits.maxImportBytes) {
    throw new InputError(`content is ${bytes} bytes, above the limit of ${limits.maxImportBytes} (SCIFED_MAX_IMPORT_BYTES).`, 'PAYLOAD_TOO_LARGE');
  }
  if (!EAM_FORMATS.includes(input.format)) throw new InputError(`format ${JSON.stringify(input.format)} is unknown; use ${EAM_FORMATS.join(', ')}.`);
  const potential = parseEam(input.format, input.content, input.name, input.elements);
  const stored = input.format === 'EAM_FUNCFL' ? { funcfl: input.content, elements: potential.elements } : null;
  const record = await store.insertPotential({
    name: input.name,
    kind: input.format,
    elements: potential.elements,
    cutoff: potential.cutoff,
    source: `file (${LAMMPS_STYLES[input.format]})`,
    citation: firstLine(input.content),
    content: stored ? JSON.stringify(stored) : input.content,
    builtin: false,
  });
  cache.set(record.id, potential);
  return record;
}

function firstLine(content: string): string | null {
  const line = content.split(/\r?\n/, 1)[0]?.trim();
  return line ? line.slice(0, 500) : null;
}

/** Name of the built-in potential for one element, or for all of them. */
export function builtinName(elements: readonly string[]): string {
  return elements.length === ZHOU2004_ELEMENTS.length ? 'Zhou2004 all' : `Zhou2004 ${elements.join('')}`;
}

/** Stores the built-in Zhou 2004 potentials that are missing: one per element and one with all 16. */
export async function seedBuiltinPotentials(store: MaterialsStore): Promise<void> {
  const sets = [...ZHOU2004_ELEMENTS.map((e) => [e]), [...ZHOU2004_ELEMENTS]];
  for (const elements of sets) {
    const name = builtinName(elements);
    if (await store.potentialByName(name)) continue;
    const header = zhou2004Setfl(elements).split('\n', 5)[4].split(/\s+/);
    await store.insertPotential({
      name,
      kind: 'EAM_SETFL',
      elements,
      cutoff: Number(header[4]),
      source: 'built-in library: Zhou–Johnson–Wadley analytic EAM tabulated as setfl',
      citation: ZHOU2004_CITATION,
      content: JSON.stringify({ zhou2004: elements }),
      builtin: true,
    });
  }
}

/** The setfl text of a built-in potential, or the stored file text. */
export function potentialFileText(record: PotentialRecord): string {
  if (record.builtin) return zhou2004Setfl((JSON.parse(record.content) as { zhou2004: string[] }).zhou2004);
  if (record.kind === 'EAM_FUNCFL') return (JSON.parse(record.content) as { funcfl: string }).funcfl;
  return record.content;
}

// Kernel-layer potentials by record id; records never change once stored.
const cache = new Map<string, Potential>();

/** The kernel-layer potential of a stored record. */
export function kernelPotential(record: PotentialRecord): Potential {
  const cached = cache.get(record.id);
  if (cached) return cached;
  let potential: Potential;
  if (record.kind === 'LJ' || record.kind === 'MORSE') {
    potential = buildPair(JSON.parse(record.content) as StoredPairParameters);
  } else {
    potential = parseEam(record.kind as EamFormat, potentialFileText(record), record.name);
    potential.elements = record.elements;
  }
  cache.set(record.id, potential);
  return potential;
}

/** Kernel species indices of `species` under a potential; species it lacks raise InputError naming them. */
export function speciesIndices(species: readonly string[], record: PotentialRecord): Int32Array {
  const index = new Map(record.elements.map((e, i) => [e, i]));
  const missing = [...new Set(species.filter((s) => !index.has(s)))];
  if (missing.length > 0) {
    throw new InputError(
      `potential ${JSON.stringify(record.name)} has no parameters for ${missing.join(', ')}; it covers ${record.elements.join(', ')}. Choose a potential for every element of the structure.`,
    );
  }
  return Int32Array.from(species, (s) => index.get(s)!);
}
