import { graphql } from '../api.js';
import { field, formatCell, h, replace, StatusLine, table } from '../dom.js';
import type { ExplorerState, StructureSummary } from '../state.js';

declare const __MATERIAL_FIELD_OWNERS__: Record<string, string>;

/** Subgraph that resolves each Material field, read from the supergraph at build time. */
const OWNERS: Record<string, string> = __MATERIAL_FIELD_OWNERS__;

const PAGE = 20;

interface Connection<T> {
  totalCount: number;
  edges: { node: T }[];
}

interface MaterialResult {
  formula: string;
  structures: Connection<StructureSummary & { createdAt: string }>;
  papers: Connection<{ id: string; title: string; authors: string[]; year: number | null; venue: string | null }>;
  rows: Connection<{ table: string; column: string; key: string; row: Record<string, unknown> }>;
  memories: Connection<{ id: string; text: string; tags: string[]; source: string | null; bank: { name: string } }>;
}

/** The one federated query of this view: each field below Material comes from another subgraph. */
const MATERIAL_QUERY = `query ExplorerMaterial($formula: String!, $first: Int!) {
  material(formula: $formula) {
    formula
    structures(first: $first) { totalCount edges { node { id name formula natoms sourceFormat createdAt } } }
    papers(first: $first) { totalCount edges { node { id title authors year venue } } }
    rows(first: $first) { totalCount edges { node { table column key row } } }
    memories(first: $first) { totalCount edges { node { id text tags source bank { name } } } }
  }
}`;

export interface MaterialViewActions {
  openStructure(id: string): void;
  openPaper(id: string): void;
}

/** Formula box and the four sections of one `material(formula)` query. */
export function materialView(state: ExplorerState, actions: MaterialViewActions): HTMLElement {
  const formula = h('input', { id: 'material-formula', value: 'Cu', placeholder: 'Cu, NiAl, Ni3Al…', autocomplete: 'off' });
  const button = h('button', { id: 'material-lookup', type: 'submit' }, 'Look up');
  const status = new StatusLine('material-status');
  const results = h('div', { id: 'material-results', class: 'sections' });

  const lookup = async () => {
    button.disabled = true;
    status.busy(`Asking the gateway about ${formula.value}…`);
    try {
      const data = await graphql<{ material: MaterialResult }>(MATERIAL_QUERY, { formula: formula.value.trim(), first: PAGE });
      renderMaterial(results, data.material, state, actions);
      status.ok(`${data.material.formula}: one query, answered by ${new Set(Object.values(OWNERS)).size} subgraphs through the gateway.`);
    } catch (error) {
      replace(results);
      status.error(error);
    } finally {
      button.disabled = false;
    }
  };
  const form = h(
    'form',
    { class: 'inline-form', onsubmit: (event: Event) => (event.preventDefault(), void lookup()) },
    field('Formula', formula, 'any written form; it is reduced (Ni3Al → AlNi3)'),
    button,
  );

  return h('section', { class: 'view', id: 'view-material' }, h('h2', {}, 'Material'), form, status.element, results);
}

function renderMaterial(container: HTMLElement, material: MaterialResult, state: ExplorerState, actions: MaterialViewActions): void {
  const structures = material.structures.edges.map((edge) => edge.node);
  const structureRows = structures.map((structure) => [
    h('button', { class: 'link', onclick: () => (state.addStructures([structure]), actions.openStructure(structure.id)) }, structure.name ?? structure.id),
    structure.formula,
    structure.natoms,
    structure.sourceFormat ?? '',
    new Date(structure.createdAt).toLocaleString(),
  ]);
  const paperRows = material.papers.edges.map(({ node }) => [
    h('button', { class: 'link', onclick: () => actions.openPaper(node.id) }, node.title),
    node.authors.join(', '),
    node.year ?? '',
    node.venue ?? '',
  ]);
  const rowColumns = [...new Set(material.rows.edges.flatMap(({ node }) => Object.keys(node.row)))];
  const linkedRows = material.rows.edges.map(({ node }) => [node.table, node.key, ...rowColumns.map((column) => formatCell(node.row[column]))]);
  const memoryRows = material.memories.edges.map(({ node }) => [node.text, node.tags.join(', '), node.source ?? '', node.bank.name]);

  replace(
    container,
    h('p', { class: 'formula-title' }, 'Reduced formula ', h('strong', { id: 'material-reduced' }, material.formula)),
    section('structures', 'Structures', material.structures.totalCount, table(['name', 'formula', 'atoms', 'source', 'stored'], structureRows)),
    section('papers', 'Papers', material.papers.totalCount, table(['title', 'authors', 'year', 'venue'], paperRows)),
    section('rows', 'Linked table rows', material.rows.totalCount, table(['table', 'key', ...rowColumns], linkedRows)),
    section('memories', 'Memories', material.memories.totalCount, table(['text', 'tags', 'source', 'bank'], memoryRows)),
  );
}

function section(fieldName: keyof typeof OWNERS & string, title: string, total: number, content: HTMLElement): HTMLElement {
  const owner = OWNERS[fieldName] ?? 'unknown';
  const shown = content.querySelectorAll('tbody tr').length;
  return h(
    'article',
    { class: 'card', id: `material-${fieldName}`, 'data-subgraph': owner, 'data-count': total },
    h('header', {}, h('h3', {}, title, h('span', { class: 'count' }, shown < total ? `${shown} of ${total}` : String(total))), h('span', { class: `badge subgraph-${owner}` }, `served by the ${owner} subgraph`)),
    total ? content : h('p', { class: 'empty' }, `The ${owner} subgraph has nothing for this formula.`),
  );
}
