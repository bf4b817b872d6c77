import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  buildNeighborListAsync, computeForces, gpuContext, gpuUnavailableReason, lennardJones, parseFuncfl,
  type Backend, type NeighborList, type Potential, type Structure,
} from '@scifed/compute';

import { medianSeconds, type BenchSuite, type BenchTable } from '../report.js';

// Force evaluation and neighbour-list build, atom-steps per second, on each
// backend and beside LAMMPS serial on the same structures.
//
// Set-ups mirror LAMMPS's bench/in.lj and in.eam in metal units:
// - LJ: argon-like ε = 0.0104 eV, σ = 3.4 Å, reduced density 0.8442
//   (fcc a = 5.71 Å), cutoff 2.5σ = 8.5 Å, skin 0.3σ = 1.02 Å.
// - EAM: Cu_u3.eam (funcfl), fcc a = 3.615 Å, cutoff 4.95 Å, skin 1.0 Å.
// Atoms are jittered by up to 0.1 Å so the cutoff test is not predictable.
// Each backend builds the list its force kernel reads (half for WebAssembly,
// as LAMMPS's newton-on pair styles; full for the reference and WebGPU),
// timed on its own, outside the timed force evaluation. LAMMPS runs `run N`
// with rebuilds forced every step and reports Pair and Neigh time from its
// timing breakdown.

const POTENTIALS = process.env.LAMMPS_POTENTIALS ?? '/usr/share/lammps/potentials';
const SIZES = [4_000, 32_000, 256_000];
/** Sizes above this skip the reference and WebGPU (on a CPU adapter) backends: one evaluation takes seconds. */
const SLOW_BACKEND_MAX_ATOMS = 32_000;

interface Setup {
  name: string;
  lattice: number;
  skin: number;
  potential: () => Potential | undefined;
  lammpsPair: string[];
  mass: number;
}

const SETUPS: Setup[] = [
  {
    name: 'LJ',
    lattice: 3.4 * Math.cbrt(4 / 0.8442),
    skin: 1.02,
    potential: () => lennardJones({ elements: ['Ar'], epsilon: 0.0104, sigma: 3.4, cutoff: 8.5 }),
    lammpsPair: ['pair_style lj/cut 8.5', 'pair_coeff 1 1 0.0104 3.4'],
    mass: 39.948,
  },
  {
    name: 'EAM Cu',
    lattice: 3.615,
    skin: 1.0,
    potential: () => (existsSync(`${POTENTIALS}/Cu_u3.eam`) ? parseFuncfl(readFileSync(`${POTENTIALS}/Cu_u3.eam`, 'utf8')) : undefined),
    lammpsPair: ['pair_style eam', `pair_coeff 1 1 ${POTENTIALS}/Cu_u3.eam`],
    mass: 63.55,
  },
];

/** A cubic fcc box of `atoms` atoms (4·k³), jittered by a fixed-seed generator. */
function fccBox(atoms: number, lattice: number): Structure {
  const k = Math.round(Math.cbrt(atoms / 4));
  const basis = [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]];
  const positions = new Float64Array(12 * k ** 3);
  let state = 12345;
  const jitter = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return 0.1 * (state / 2 ** 32 - 0.5) * 2;
  };
  let p = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) for (let l = 0; l < k; l++) {
    for (const b of basis) {
      positions[p++] = (i + b[0] + 0.25) * lattice + jitter();
      positions[p++] = (j + b[1] + 0.25) * lattice + jitter();
      positions[p++] = (l + b[2] + 0.25) * lattice + jitter();
    }
  }
  const edge = k * lattice;
  return { positions, cell: Float64Array.from([edge, 0, 0, 0, edge, 0, 0, 0, edge]), pbc: [true, true, true], species: new Int32Array(4 * k ** 3) };
}

interface LammpsTiming {
  pairPerStep: number;
  neighPerStep: number;
}

/** Runs LAMMPS serially on the structure and returns Pair and Neigh seconds per step, or undefined without `lmp`. */
function runLammps(setup: Setup, structure: Structure, steps: number): LammpsTiming | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'scifed-bench-lammps-'));
  try {
    const n = structure.species.length;
    const lines = ['bench structure', '', `${n} atoms`, '1 atom types', ''];
    lines.push(`0 ${structure.cell[0]} xlo xhi`, `0 ${structure.cell[4]} ylo yhi`, `0 ${structure.cell[8]} zlo zhi`, '', 'Masses', '', `1 ${setup.mass}`, '', 'Atoms # atomic', '');
    for (let i = 0; i < n; i++) lines.push(`${i + 1} 1 ${structure.positions[3 * i]} ${structure.positions[3 * i + 1]} ${structure.positions[3 * i + 2]}`);
    writeFileSync(join(dir, 'data.lmp'), `${lines.join('\n')}\n`);
    const input = [
      'units metal', 'atom_style atomic', 'atom_modify map array', 'boundary p p p', 'read_data data.lmp',
      ...setup.lammpsPair,
      `neighbor ${setup.skin} bin`, 'neigh_modify every 1 delay 0 check no',
      'thermo 1000000',
      `run ${steps}`,
    ];
    writeFileSync(join(dir, 'in.bench'), `${input.join('\n')}\n`);
    execFileSync('lmp', ['-in', 'in.bench', '-log', 'log.lammps', '-screen', 'none'], { cwd: dir, env: { ...process.env, OMP_NUM_THREADS: '1' } });
    const log = readFileSync(join(dir, 'log.lammps'), 'utf8');
    const average = (section: string) => {
      const match = new RegExp(`^${section}\\s*\\|\\s*([\\d.e+-]+)\\s*\\|\\s*([\\d.e+-]+)`, 'm').exec(log);
      if (!match) throw new Error(`LAMMPS log has no ${section} timing line`);
      return Number(match[2]) / steps;
    };
    return { pairPerStep: average('Pair'), neighPerStep: average('Neigh') };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchSetup(setup: Setup, sizes: number[], notes: string[]): Promise<(string | number)[][]> {
  const potential = setup.potential();
  if (!potential) {
    notes.push(`${setup.name}: skipped, ${POTENTIALS}/Cu_u3.eam is not installed.`);
    return [];
  }
  const gpu = await gpuContext();
  const cpuAdapter = gpu ? /llvmpipe|swiftshader|lavapipe/i.test(gpu.adapterName) : false;
  const rows: (string | number)[][] = [];

  for (const size of sizes) {
    const structure = fccBox(size, setup.lattice);
    const n = structure.species.length;
    const lammps = runLammps(setup, structure, Math.max(5, Math.round(2e6 / n)));
    if (lammps) {
      rows.push([setup.name, n, 'LAMMPS serial', n / lammps.pairPerStep, 1, lammps.neighPerStep * 1e3, 1]);
    }

    const backends: Backend[] = ['wasm', 'reference', 'webgpu'];
    for (const backend of backends) {
      if (backend === 'webgpu' && !gpu) {
        notes.push(`${setup.name} ${n}: webgpu skipped, ${gpuUnavailableReason()}.`);
        continue;
      }
      if (n > SLOW_BACKEND_MAX_ATOMS && (backend === 'reference' || (backend === 'webgpu' && cpuAdapter))) continue;
      const half = backend === 'wasm';
      const buildList = () => buildNeighborListAsync(structure.positions, structure.cell, structure.pbc, {
        cutoff: potential.cutoff, skin: setup.skin, half, full: !half, backend,
      });
      let list: NeighborList = await buildList();
      const buildSeconds = await medianSeconds(async () => { list = await buildList(); }, 1, 3);
      const seconds = await medianSeconds(() => computeForces(structure, potential, { backend, neighborList: list }), 1, 3);
      const rate = n / seconds;
      rows.push([
        setup.name, n, backend, rate, lammps ? rate * lammps.pairPerStep / n : '—',
        buildSeconds * 1e3, lammps ? lammps.neighPerStep / buildSeconds : '—',
      ]);
    }
  }
  return rows;
}

export const forcesSuite: BenchSuite = {
  name: 'forces',
  async run({ quick }): Promise<BenchTable[]> {
    const sizes = quick ? SIZES.slice(0, 1) : SIZES;
    const notes: string[] = [];
    const rows: (string | number)[][] = [];
    for (const setup of SETUPS) rows.push(...(await benchSetup(setup, sizes, notes)));
    const gpu = await gpuContext();
    notes.push(
      'Force evaluation: one computeForces call with a prebuilt neighbour list (validation, copy into WebAssembly memory or upload, kernel, copy out), median of repeated calls. atom-steps/s = atoms ÷ seconds per call.',
      '÷ LAMMPS pair: our atom-steps/s divided by LAMMPS\'s from its Pair time alone; LAMMPS rows show its own rate and neighbour-build time per step (Neigh ÷ steps, rebuilt every step).',
      'Neighbour build: buildNeighborListAsync on the row\'s backend, the list that backend\'s forces read (wasm: half list; reference and webgpu: full list, about twice the pairs), median of 3; ÷ LAMMPS neigh = LAMMPS time ÷ ours (above 1 is faster than LAMMPS, whose newton-on build makes a half list). The webgpu build bins in WebAssembly and searches on the device.',
      'The wasm force rows reuse a list that stays resident in WebAssembly memory, as an MD loop between rebuilds does; positions, species and tables are still copied in on every call.',
      `Reference and CPU-adapter WebGPU runs are skipped above ${SLOW_BACKEND_MAX_ATOMS} atoms (seconds per call).${gpu ? ` WebGPU adapter: ${gpu.adapterName}.` : ''}`,
    );
    return [{
      title: 'Force fields: LJ and EAM Cu, atom-steps per second',
      columns: ['potential', 'atoms', 'backend', 'force eval atom-steps/s', '÷ LAMMPS pair', 'neighbour build ms', '÷ LAMMPS neigh'],
      rows,
      notes,
    }];
  },
};
