import { graphql } from '../api.js';
import { field, formatNumber, h, replace, runAction, splitList, StatusLine, table } from '../dom.js';
import { fetchGeometry, selectionPickers, type ExplorerState, type StructureSummary } from '../state.js';
import { StructureViewer } from '../viewer.js';

/** Larger structures are listed but not drawn: their positions alone are megabytes of JSON. */
const MAX_DRAWN_ATOMS = 50_000;
const LARGEST_FORCES_LISTED = 10;

const FORMATS = ['EXTXYZ', 'POSCAR', 'CIF', 'LAMMPS_DATA'] as const;
const FORMAT_BY_EXTENSION: Record<string, (typeof FORMATS)[number]> = {
  xyz: 'EXTXYZ', extxyz: 'EXTXYZ', vasp: 'POSCAR', poscar: 'POSCAR', contcar: 'POSCAR', cif: 'CIF', data: 'LAMMPS_DATA', lmp: 'LAMMPS_DATA',
};

interface Evaluation {
  energy: number;
  energyPerAtom: number;
  forces: number[][];
  stress: number[];
  stressGPa: number[];
  maxForce: number;
  backend: string;
  milliseconds: number;
}

const VOIGT = ['xx', 'yy', 'zz', 'yz', 'xz', 'xy'];

/** Structure picker, import and build forms, the 3D view and evaluation. */
export function structureView(state: ExplorerState): HTMLElement {
  const viewer = new StructureViewer('structure-viewer');
  const pickers = selectionPickers(state, 'structure');
  const viewStatus = new StatusLine('structure-status');
  const evaluation = h('div', { id: 'evaluation' });
  let shownId: string | null = null;
  // Species of the drawn structure, to name the atoms in the force table.
  let shownSpecies: string[] | null = null;

  const showSelected = async () => {
    const summary = state.structure;
    if (!summary || summary.id === shownId) return;
    replace(evaluation);
    shownId = summary.id;
    shownSpecies = null;
    if (summary.natoms > MAX_DRAWN_ATOMS) {
      viewStatus.ok(`${summary.natoms} atoms: too many to draw here (the view stops at ${MAX_DRAWN_ATOMS}); evaluation still works.`);
      return;
    }
    try {
      viewStatus.busy('Loading positions…');
      const geometry = await fetchGeometry(summary.id);
      if (shownId !== summary.id) return;
      viewer.show(geometry);
      shownSpecies = geometry.species;
      const periodic = geometry.pbc.map((flag, axis) => (flag ? 'abc'[axis] : '')).join('') || 'none';
      viewStatus.ok(`${geometry.name ?? geometry.formula}: ${geometry.natoms} atoms, periodic along ${periodic}.`);
    } catch (error) {
      viewStatus.error(error);
    }
  };
  state.addEventListener('structure', () => void showSelected());
  state.addEventListener('catalog', () => void showSelected());

  const evaluateButton = h('button', { id: 'evaluate', type: 'button' }, 'Evaluate');
  const evaluateStatus = new StatusLine('evaluate-status');
  evaluateButton.addEventListener('click', () =>
    runAction(evaluateButton, evaluateStatus, 'Evaluating…', async () => {
      if (!state.structureId || !state.potentialId) throw new Error('Pick a structure and a potential first.');
      const data = await graphql<{ evaluate: Evaluation }>(
        `query ExplorerEvaluate($structureId: ID!, $potentialId: ID!) {
          evaluate(structureId: $structureId, potentialId: $potentialId) { energy energyPerAtom forces stress stressGPa maxForce backend milliseconds }
        }`,
        { structureId: state.structureId, potentialId: state.potentialId },
      );
      const arrows = viewer.setForces(data.evaluate.forces);
      renderEvaluation(evaluation, data.evaluate, shownSpecies, arrows);
      return `Evaluated on ${data.evaluate.backend} in ${formatNumber(data.evaluate.milliseconds, 3)} ms.`;
    }),
  );

  return h(
    'section',
    { class: 'view', id: 'view-structure' },
    h('h2', {}, 'Structure'),
    h(
      'div',
      { class: 'columns' },
      h(
        'div',
        { class: 'column-main' },
        field('Structure', pickers.structure),
        viewer.element,
        viewStatus.element,
        h('div', { class: 'inline-form' }, field('Potential', pickers.potential), evaluateButton),
        evaluateStatus.element,
        evaluation,
      ),
      h('div', { class: 'column-side' }, importForm(state), buildForm(state)),
    ),
  );
}

function renderEvaluation(container: HTMLElement, result: Evaluation, species: string[] | null, arrows: number): void {
  const ranked = result.forces
    .map((force, atom) => ({ atom, force, magnitude: Math.hypot(force[0], force[1], force[2]) }))
    .sort((a, b) => b.magnitude - a.magnitude)
    .slice(0, LARGEST_FORCES_LISTED);

  replace(
    container,
    h(
      'dl',
      { class: 'summary' },
      h('dt', {}, 'Energy'), h('dd', { id: 'evaluation-energy' }, `${formatNumber(result.energy, 9)} eV`),
      h('dt', {}, 'Per atom'), h('dd', {}, `${formatNumber(result.energyPerAtom, 9)} eV`),
      h('dt', {}, 'Largest force'), h('dd', { id: 'evaluation-fmax' }, `${formatNumber(result.maxForce, 6)} eV/Å`),
      h('dt', {}, 'Arrows drawn'), h('dd', {}, arrows ? `${arrows} (largest forces, red)` : 'none: every force is below 1e-4 eV/Å'),
    ),
    table(['', ...VOIGT], [
      ['stress, GPa', ...result.stressGPa.map((value) => formatNumber(value, 5))],
      ['stress, eV/Å³', ...result.stress.map((value) => formatNumber(value, 5))],
    ], { class: 'stress' }),
    h('h4', {}, `Largest forces, eV/Å`),
    table(['atom', 'element', 'Fx', 'Fy', 'Fz', '|F|'], ranked.map(({ atom, force, magnitude }) => [atom, species?.[atom] ?? '', ...force.map((value) => formatNumber(value, 5)), formatNumber(magnitude, 5)]), { id: 'largest-forces' }),
  );
}

function importForm(state: ExplorerState): HTMLElement {
  const format = h('select', { id: 'import-format' }, ...FORMATS.map((name) => h('option', { value: name }, name)));
  const name = h('input', { id: 'import-name', placeholder: 'file name (optional)' });
  const elements = h('input', { id: 'import-elements', placeholder: 'e.g. Ni, Al' });
  const content = h('textarea', { id: 'import-content', rows: 10, spellcheck: 'false', placeholder: 'Paste a structure file or choose one below.' });
  const file = h('input', { id: 'import-file', type: 'file' });
  const button = h('button', { id: 'import-submit', type: 'submit' }, 'Import');
  const status = new StatusLine('import-status');

  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    content.value = await chosen.text();
    name.value = chosen.name;
    const extension = chosen.name.split('.').pop()?.toLowerCase() ?? '';
    const guessed = FORMAT_BY_EXTENSION[extension] ?? (/^(POSCAR|CONTCAR)/i.test(chosen.name) ? 'POSCAR' : undefined);
    if (guessed) format.value = guessed;
  });

  const submit = () =>
    runAction(button, status, 'Importing…', async () => {
      const data = await graphql<{ importStructures: StructureSummary[] }>(
        `mutation ExplorerImport($format: StructureFormat!, $content: String!, $name: String, $elements: [String!]) {
          importStructures(format: $format, content: $content, name: $name, elements: $elements) { id name formula natoms sourceFormat }
        }`,
        {
          format: format.value,
          content: content.value,
          name: name.value.trim() || null,
          elements: splitList(elements.value).length ? splitList(elements.value) : null,
        },
      );
      state.addStructures(data.importStructures);
      const first = data.importStructures[0];
      return `Imported ${data.importStructures.length} structure(s); showing ${first.name ?? first.formula} (${first.natoms} atoms).`;
    });

  return h(
    'form',
    { class: 'card', id: 'import-form', onsubmit: (event: Event) => (event.preventDefault(), void submit()) },
    h('h3', {}, 'Import a structure file'),
    field('Format', format),
    field('Name', name),
    field('Elements', elements, 'VASP 4 species or LAMMPS atom types, in order'),
    field('Content', content),
    field('File', file),
    button,
    status.element,
  );
}

function buildForm(state: ExplorerState): HTMLElement {
  const element = h('input', { id: 'build-element', value: 'Cu', size: 4 });
  const prototype = h('select', { id: 'build-prototype' }, ...['FCC', 'BCC', 'HCP', 'DIAMOND', 'SC'].map((name) => h('option', { value: name }, name)));
  const a = h('input', { id: 'build-a', type: 'number', step: 'any', value: 3.615 });
  const repeat = h('input', { id: 'build-repeat', value: '2, 2, 2' });
  const button = h('button', { id: 'build-submit', type: 'submit' }, 'Build');
  const status = new StatusLine('build-status');

  const submit = () =>
    runAction(button, status, 'Building…', async () => {
      const data = await graphql<{ buildCrystal: StructureSummary }>(
        `mutation ExplorerBuild($input: BuildCrystalInput!) { buildCrystal(input: $input) { id name formula natoms sourceFormat } }`,
        { input: { element: element.value.trim(), prototype: prototype.value, a: Number(a.value), repeat: splitList(repeat.value).map(Number) } },
      );
      state.addStructures([data.buildCrystal]);
      return `Built ${data.buildCrystal.natoms} atoms.`;
    });

  return h(
    'form',
    { class: 'card', id: 'build-form', onsubmit: (event: Event) => (event.preventDefault(), void submit()) },
    h('h3', {}, 'Build a crystal'),
    h('div', { class: 'inline-form' }, field('Element', element), field('Prototype', prototype), field('a, Å', a), field('Repeat', repeat)),
    button,
    status.element,
  );
}
