import { graphql } from './api.js';
import { h } from './dom.js';

/** A stored structure as the pickers list it. */
export interface StructureSummary {
  id: string;
  name: string | null;
  formula: string;
  natoms: number;
  sourceFormat: string | null;
}

export interface PotentialSummary {
  id: string;
  name: string;
  kind: string;
  elements: string[];
  builtin: boolean;
}

/** A structure with everything the 3D viewer draws. */
export interface StructureGeometry extends StructureSummary {
  elements: string[];
  cell: number[][];
  pbc: boolean[];
  positions: number[][];
  species: string[];
}

// The pickers list this many of each, the most one API page returns. The
// material view and imports add further structures when they are opened.
const LIST_SIZE = 100;

/**
 * The selection shared by the structure and simulation views: which
 * structure and potential are current, and the lists the pickers offer.
 */
export class ExplorerState extends EventTarget {
  structures: StructureSummary[] = [];
  potentials: PotentialSummary[] = [];
  structureId: string | null = null;
  potentialId: string | null = null;

  async refresh(): Promise<void> {
    const data = await graphql<{
      structures: { edges: { node: StructureSummary }[] };
      potentials: { edges: { node: PotentialSummary }[] };
    }>(
      `query ExplorerCatalog($first: Int!) {
        structures(first: $first) { edges { node { id name formula natoms sourceFormat } } }
        potentials(first: $first) { edges { node { id name kind elements builtin } } }
      }`,
      { first: LIST_SIZE },
    );
    this.structures = data.structures.edges.map((edge) => edge.node);
    this.potentials = data.potentials.edges.map((edge) => edge.node);
    if (!this.structureId && this.structures.length) this.structureId = this.structures[this.structures.length - 1].id;
    this.pickPotential();
    this.dispatchEvent(new Event('catalog'));
  }

  /** Adds structures (new imports, relaxed results) to the list and selects the first. */
  addStructures(structures: StructureSummary[]): void {
    for (const structure of structures) {
      if (!this.structures.some((known) => known.id === structure.id)) this.structures.push(structure);
    }
    this.dispatchEvent(new Event('catalog'));
    if (structures.length) this.selectStructure(structures[0].id);
  }

  selectStructure(id: string): void {
    this.structureId = id;
    this.pickPotential();
    this.dispatchEvent(new Event('structure'));
  }

  selectPotential(id: string): void {
    this.potentialId = id;
    this.dispatchEvent(new Event('potential'));
  }

  get structure(): StructureSummary | undefined {
    return this.structures.find((structure) => structure.id === this.structureId);
  }

  /**
   * Keeps the chosen potential when it covers the structure's elements, else
   * picks the first one that does (single-element potentials come first in
   * the built-in library, so Cu gets "Zhou2004 Cu").
   */
  private pickPotential(): void {
    const elements = this.structure ? elementsOf(this.structure.formula) : [];
    const covers = (potential: PotentialSummary) => elements.every((element) => potential.elements.includes(element));
    const current = this.potentials.find((potential) => potential.id === this.potentialId);
    if (current && covers(current)) return;
    const fitting = this.potentials.find(covers) ?? this.potentials[0];
    this.potentialId = fitting?.id ?? null;
  }
}

/** Element symbols of a formula such as "AlNi3". */
export function elementsOf(formula: string): string[] {
  return [...formula.matchAll(/[A-Z][a-z]?/g)].map((match) => match[0]);
}

export async function fetchGeometry(id: string): Promise<StructureGeometry> {
  const data = await graphql<{ structure: StructureGeometry | null }>(
    `query ExplorerGeometry($id: ID!) {
      structure(id: $id) { id name formula natoms sourceFormat elements cell pbc positions species }
    }`,
    { id },
  );
  if (!data.structure) throw new Error(`No structure has id ${id}; it may have been deleted. Pick another one.`);
  return data.structure;
}

function describeStructure(structure: StructureSummary): string {
  const label = structure.name ?? structure.formula;
  return `${label} · ${structure.formula} · ${structure.natoms} atoms${structure.sourceFormat ? ` · ${structure.sourceFormat}` : ''}`;
}

/** Structure and potential selects bound to the shared state; several views hold one pair each. */
export function selectionPickers(state: ExplorerState, idPrefix: string): { structure: HTMLSelectElement; potential: HTMLSelectElement } {
  const structure = h('select', { id: `${idPrefix}-structure`, onchange: () => state.selectStructure(structure.value) });
  const potential = h('select', { id: `${idPrefix}-potential`, onchange: () => state.selectPotential(potential.value) });

  const render = () => {
    structure.replaceChildren(
      ...(state.structures.length ? [] : [h('option', { value: '' }, 'no structures stored yet')]),
      ...state.structures.map((item) => h('option', { value: item.id, selected: item.id === state.structureId }, describeStructure(item))),
    );
    potential.replaceChildren(
      ...state.potentials.map((item) =>
        h('option', { value: item.id, selected: item.id === state.potentialId }, `${item.name} (${item.kind}, ${item.elements.join(' ')})`),
      ),
    );
  };
  for (const event of ['catalog', 'structure', 'potential']) state.addEventListener(event, render);
  render();
  return { structure, potential };
}
