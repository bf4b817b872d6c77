import { graphql } from '../api.js';
import { LineChart } from '../charts.js';
import { field, formatNumber, h, replace, runAction, StatusLine } from '../dom.js';
import { selectionPickers, type ExplorerState, type StructureSummary } from '../state.js';

/** 1 eV/Å³ in GPa (CODATA 2018 elementary charge × 1e21). */
const EV_PER_A3_IN_GPA = 160.21766208;
/** Frames fetched per request (the API pages at most 100); a poll reads pages until none is left. */
const FRAME_PAGE = 100;
const POLL_INTERVAL_MS = 300;
const FINAL_STATUSES = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

export interface SimulationViewActions {
  openStructure(id: string): void;
}

/** Relaxation, molecular dynamics and the equation of state of the selected structure. */
export function simulationView(state: ExplorerState, actions: SimulationViewActions): HTMLElement {
  const pickers = selectionPickers(state, 'simulation');
  return h(
    'section',
    { class: 'view', id: 'view-simulation' },
    h('h2', {}, 'Simulation'),
    h('div', { class: 'inline-form' }, field('Structure', pickers.structure), field('Potential', pickers.potential)),
    h('div', { class: 'grid-2' }, molecularDynamicsPanel(state, actions), relaxationPanel(state, actions), equationOfStatePanel(state)),
  );
}

function requireSelection(state: ExplorerState): { structureId: string; potentialId: string } {
  if (!state.structureId || !state.potentialId) throw new Error('Pick a structure and a potential first.');
  return { structureId: state.structureId, potentialId: state.potentialId };
}

function numberInput(id: string, value: number, step = 'any'): HTMLInputElement {
  return h('input', { id, type: 'number', step, value });
}

interface Frame {
  step: number;
  timeFs: number;
  potentialEnergy: number;
  kineticEnergy: number;
  totalEnergy: number;
  temperature: number;
  pressureGPa: number;
}

interface JobPoll {
  id: string;
  status: string;
  error: string | null;
  backend: string | null;
  progress: { step: number; total: number; fraction: number };
  frames: { edges: { node: Frame }[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } };
  finalStructure: StructureSummary | null;
}

const JOB_QUERY = `query ExplorerJob($id: ID!, $after: String, $first: Int!) {
  job(id: $id) {
    id status error backend
    progress { step total fraction }
    frames(after: $after, first: $first) {
      edges { node { step timeFs potentialEnergy kineticEnergy totalEnergy temperature pressureGPa } }
      pageInfo { endCursor hasNextPage }
    }
    finalStructure { id name formula natoms sourceFormat }
  }
}`;

/**
 * Starts a job, then polls job(id) for new frames (by cursor) until the job is
 * final, appending them to the energy and temperature charts as they come.
 */
function molecularDynamicsPanel(state: ExplorerState, actions: SimulationViewActions): HTMLElement {
  const ensemble = h('select', { id: 'md-ensemble' }, h('option', { value: 'NVE' }, 'NVE (velocity Verlet)'), h('option', { value: 'NVT_LANGEVIN' }, 'NVT (Langevin)'));
  const temperature = numberInput('md-temperature', 300);
  const timestep = numberInput('md-timestep', 1);
  const steps = numberInput('md-steps', 5000, '1');
  const sampleEvery = numberInput('md-sample-every', 25, '1');
  const friction = numberInput('md-friction', 0.01);
  const start = h('button', { id: 'md-start', type: 'submit' }, 'Start');
  const cancel = h('button', { id: 'md-cancel', type: 'button', disabled: true }, 'Cancel');
  const progress = h('progress', { id: 'md-progress', max: 1, value: 0 });
  const status = new StatusLine('md-status');
  const result = h('div', { id: 'md-result' });

  const energies = new LineChart({
    id: 'md-energy-chart',
    title: 'Energy',
    xLabel: 'time, fs',
    axes: { energy: 'potential, total (eV)', kinetic: 'kinetic (eV)' },
    series: [
      { label: 'potential', colour: '#1f77b4' },
      { label: 'total', colour: '#2ca02c' },
      { label: 'kinetic', colour: '#ff7f0e', scale: 'kinetic' },
    ],
  });
  const temperatures = new LineChart({
    id: 'md-temperature-chart',
    title: 'Temperature',
    xLabel: 'time, fs',
    axes: { kelvin: 'temperature (K)' },
    series: [{ label: 'temperature', colour: '#d62728' }],
    height: 200,
  });
  const panel = h(
    'article',
    { class: 'card wide', id: 'md-panel', 'data-live-updates': 0 },
    h('h3', {}, 'Molecular dynamics'),
    h(
      'form',
      { class: 'inline-form', onsubmit: (event: Event) => (event.preventDefault(), void run()) },
      field('Ensemble', ensemble),
      field('T, K', temperature),
      field('Δt, fs', timestep),
      field('Steps', steps),
      field('Sample every', sampleEvery),
      field('Friction, 1/fs', friction, 'NVT only'),
      start,
      cancel,
    ),
    h('div', { class: 'progress-row' }, progress, status.element),
    energies.element,
    temperatures.element,
    result,
  );

  let jobId: string | null = null;
  cancel.addEventListener('click', () =>
    runAction(cancel, status, 'Cancelling…', async () => {
      if (!jobId) return;
      await graphql(`mutation ExplorerCancel($id: ID!) { cancelJob(id: $id) { id status } }`, { id: jobId });
      return 'Cancel requested.';
    }),
  );

  const run = async () => {
    start.disabled = true;
    energies.clear();
    temperatures.clear();
    replace(result);
    progress.value = 0;
    panel.dataset.liveUpdates = '0';
    delete panel.dataset.status;
    try {
      const input = {
        ...requireSelection(state),
        ensemble: ensemble.value,
        temperature: Number(temperature.value),
        timestepFs: Number(timestep.value),
        steps: Number(steps.value),
        sampleEvery: Number(sampleEvery.value),
        friction: Number(friction.value),
      };
      status.busy('Starting…');
      const started = await graphql<{ startMolecularDynamics: { id: string; status: string } }>(
        `mutation ExplorerStartMd($input: MolecularDynamicsInput!) { startMolecularDynamics(input: $input) { id status } }`,
        { input },
      );
      jobId = started.startMolecularDynamics.id;
      panel.dataset.jobId = jobId;
      cancel.disabled = false;
      const final = await followJob(jobId, (job, frames) => {
        if (frames.length) {
          energies.append(frames.map((frame) => frame.timeFs), [
            frames.map((frame) => frame.potentialEnergy),
            frames.map((frame) => frame.totalEnergy),
            frames.map((frame) => frame.kineticEnergy),
          ]);
          temperatures.append(frames.map((frame) => frame.timeFs), [frames.map((frame) => frame.temperature)]);
          if (!FINAL_STATUSES.has(job.status)) panel.dataset.liveUpdates = String(Number(panel.dataset.liveUpdates) + 1);
        }
        progress.value = job.progress.fraction;
        status.busy(`${job.status}: step ${job.progress.step} of ${job.progress.total}${job.backend ? ` on ${job.backend}` : ''}, ${energies.points} frames`);
      });
      panel.dataset.status = final.status;
      if (final.status === 'FAILED') throw new Error(`The job failed: ${final.error ?? 'no reason given'}`);
      status.ok(`${final.status} at step ${final.progress.step} of ${final.progress.total}; ${energies.points} frames.`);
      if (final.finalStructure) {
        const structure = final.finalStructure;
        replace(result, h('button', { class: 'link', onclick: () => (state.addStructures([structure]), actions.openStructure(structure.id)) }, `Show the final structure (${structure.name ?? structure.id})`));
      }
    } catch (error) {
      status.error(error);
    } finally {
      start.disabled = false;
      cancel.disabled = true;
    }
  };
  return panel;
}

async function followJob(id: string, onUpdate: (job: JobPoll, frames: Frame[]) => void): Promise<JobPoll> {
  let after: string | null = null;
  for (;;) {
    const data: { job: JobPoll | null } = await graphql<{ job: JobPoll | null }>(JOB_QUERY, { id, after, first: FRAME_PAGE });
    if (!data.job) throw new Error(`Job ${id} is gone; the materials subgraph may have restarted.`);
    const job = data.job;
    const frames = job.frames.edges.map((edge) => edge.node);
    after = job.frames.pageInfo.endCursor ?? after;
    onUpdate(job, frames);

    if (job.frames.pageInfo.hasNextPage) continue;
    if (FINAL_STATUSES.has(job.status)) return job;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

interface Relaxation {
  converged: boolean;
  energy: number;
  fmax: number;
  nsteps: number;
  steps: { step: number; energy: number; fmax: number }[];
  structure: StructureSummary;
}

function relaxationPanel(state: ExplorerState, actions: SimulationViewActions): HTMLElement {
  const optimizer = h('select', { id: 'relax-optimizer' }, h('option', { value: 'FIRE' }, 'FIRE'), h('option', { value: 'LBFGS' }, 'L-BFGS'));
  const fmax = numberInput('relax-fmax', 0.01);
  const maxSteps = numberInput('relax-max-steps', 500, '1');
  const relaxCell = h('input', { id: 'relax-cell', type: 'checkbox' });
  const button = h('button', { id: 'relax-start', type: 'submit' }, 'Relax');
  const status = new StatusLine('relax-status');
  const result = h('div', { id: 'relax-result' });
  const chart = new LineChart({
    id: 'relax-chart',
    title: 'Relaxation',
    xLabel: 'step',
    axes: { energy: 'energy (eV)', fmax: 'fmax (eV/Å)' },
    series: [
      { label: 'energy', colour: '#1f77b4' },
      { label: 'fmax', colour: '#d62728', scale: 'fmax' },
    ],
    logScales: ['fmax'],
    height: 220,
  });

  const submit = () =>
    runAction(button, status, 'Relaxing…', async () => {
      const data = await graphql<{ relax: Relaxation }>(
        `mutation ExplorerRelax($input: RelaxInput!) {
          relax(input: $input) { converged energy fmax nsteps steps { step energy fmax } structure { id name formula natoms sourceFormat } }
        }`,
        { input: { ...requireSelection(state), optimizer: optimizer.value, fmax: Number(fmax.value), maxSteps: Number(maxSteps.value), relaxCell: relaxCell.checked } },
      );
      const relaxation = data.relax;
      // A log axis cannot show 0; a force of exactly zero is drawn at 1e-12 eV/Å.
      chart.setData(relaxation.steps.map((step) => step.step), [relaxation.steps.map((step) => step.energy), relaxation.steps.map((step) => Math.max(step.fmax, 1e-12))]);
      const structure = relaxation.structure;
      replace(result, h('button', { class: 'link', onclick: () => (state.addStructures([structure]), actions.openStructure(structure.id)) }, 'Show the relaxed structure'));
      return `${relaxation.converged ? 'Converged' : 'Not converged'} after ${relaxation.nsteps} steps: E = ${formatNumber(relaxation.energy, 9)} eV, fmax = ${formatNumber(relaxation.fmax, 3)} eV/Å.`;
    });

  return h(
    'article',
    { class: 'card', id: 'relax-panel' },
    h('h3', {}, 'Relaxation'),
    h(
      'form',
      { class: 'inline-form', onsubmit: (event: Event) => (event.preventDefault(), void submit()) },
      field('Optimizer', optimizer),
      field('fmax, eV/Å', fmax),
      field('Max steps', maxSteps),
      field('Relax cell', relaxCell),
      button,
    ),
    status.element,
    chart.element,
    result,
  );
}

interface EquationOfState {
  v0: number;
  e0: number;
  b0GPa: number;
  b0Prime: number;
  volumes: number[];
  energies: number[];
}

/**
 * Third-order Birch–Murnaghan energy, eV, at volume V (Å³), with η = (V0/V)^(2/3):
 * E = E0 + (9·V0·B0/16)·[(η − 1)³·B0' + (η − 1)²·(6 − 4η)], B0 in eV/Å³
 * (F. Birch, Phys. Rev. 71, 809 (1947); the form ASE's EquationOfState fits).
 */
export function birchMurnaghanEnergy(volume: number, fit: Pick<EquationOfState, 'v0' | 'e0' | 'b0GPa' | 'b0Prime'>): number {
  const b0 = fit.b0GPa / EV_PER_A3_IN_GPA;
  const eta = (fit.v0 / volume) ** (2 / 3);
  return fit.e0 + ((9 * fit.v0 * b0) / 16) * ((eta - 1) ** 3 * fit.b0Prime + (eta - 1) ** 2 * (6 - 4 * eta));
}

function equationOfStatePanel(state: ExplorerState): HTMLElement {
  const strains = h('input', { id: 'eos-strains', value: '-0.04, -0.03, -0.02, -0.01, 0, 0.01, 0.02, 0.03, 0.04' });
  const button = h('button', { id: 'eos-start', type: 'submit' }, 'Fit');
  const status = new StatusLine('eos-status');
  const chart = new LineChart({
    id: 'eos-chart',
    title: 'Equation of state',
    xLabel: 'volume, Å³',
    axes: { energy: 'energy (eV)' },
    series: [
      { label: 'evaluated', colour: '#1f77b4', pointsOnly: true },
      { label: 'Birch–Murnaghan fit', colour: '#ff7f0e' },
    ],
    height: 220,
  });

  const submit = () =>
    runAction(button, status, 'Evaluating strained cells…', async () => {
      const data = await graphql<{ equationOfState: EquationOfState }>(
        `query ExplorerEos($input: EquationOfStateInput!) { equationOfState(input: $input) { v0 e0 b0GPa b0Prime volumes energies } }`,
        { input: { ...requireSelection(state), strains: strains.value.split(',').map((item) => Number(item.trim())) } },
      );
      const fit = data.equationOfState;
      // The fit is drawn on 60 volumes across the evaluated range; the x axis
      // merges them with the evaluated volumes, and each series leaves gaps.
      const low = Math.min(...fit.volumes);
      const high = Math.max(...fit.volumes);
      const grid = Array.from({ length: 60 }, (_, index) => low + ((high - low) * index) / 59);
      const xs = [...new Set([...fit.volumes, ...grid])].sort((a, b) => a - b);
      const measured = new Map(fit.volumes.map((volume, index) => [volume, fit.energies[index]]));
      chart.setData(xs, [xs.map((volume) => measured.get(volume) ?? null), xs.map((volume) => birchMurnaghanEnergy(volume, fit))]);
      return `V0 = ${formatNumber(fit.v0, 6)} Å³, E0 = ${formatNumber(fit.e0, 8)} eV, B0 = ${formatNumber(fit.b0GPa, 4)} GPa, B0' = ${formatNumber(fit.b0Prime, 3)}.`;
    });

  return h(
    'article',
    { class: 'card', id: 'eos-panel' },
    h('h3', {}, 'Equation of state'),
    h('form', { class: 'inline-form', onsubmit: (event: Event) => (event.preventDefault(), void submit()) }, field('Linear strains', strains), button),
    status.element,
    chart.element,
  );
}
