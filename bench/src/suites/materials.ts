import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { computeForces, gpuContext, gpuUnavailableReason, type Backend } from '@scifed/compute';
import {
  builtinName, createMaterialsSubgraph, importPotential, limitsFromEnv, MolecularDynamics, prepare,
  DEFAULT_SKIN, type MaterialsSubgraph, type PotentialRecord, type StructureRecord,
} from '@scifed/materials';
import { startSubgraphServer } from '@scifed/schema';

import { startGateway } from '../../../gateway/src/gateway.js';
import { medianSeconds, type BenchSuite, type BenchTable } from '../report.js';

// Materials service benchmarks on fcc Cu (a = 3.615 Å, ideal sites):
// - evaluate through the gateway, and straight to the subgraph, against one
//   computeForces call on the same atoms. Both build the neighbour list, as
//   evaluate does. The ratio is the API overhead: DuckDB read, GraphQL
//   execution, JSON, HTTP, and the gateway's query plan.
// - MD steps per second of the integrator (NVE, 300 K, 1 fs, skin 1.0 Å,
//   rebuild check every step) on each backend, beside LAMMPS serial running
//   fix nve on the same atoms with the same potential file and skin.
// The subgraph and the gateway run in this process on 127.0.0.1.

const POTENTIALS = process.env.LAMMPS_POTENTIALS ?? '/usr/share/lammps/potentials';
const CU_FILE = `${POTENTIALS}/Cu_u3.eam`;
/** Conventional-cell repeats: 4·k³ atoms. */
const SIZES = [{ atoms: 4_000, repeat: 10 }, { atoms: 32_000, repeat: 20 }];
/** Above this many atoms the reference backend and a CPU WebGPU adapter are skipped: one step takes seconds. */
const SLOW_BACKEND_MAX_ATOMS = 4_000;

interface Service {
  subgraph: MaterialsSubgraph;
  gatewayUrl: string;
  subgraphUrl: string;
  potential: PotentialRecord;
  stop(): Promise<void>;
}

async function startService(): Promise<Service> {
  const dataDir = mkdtempSync(join(tmpdir(), 'scifed-bench-materials-'));
  const subgraph = await createMaterialsSubgraph({ dataDir });
  const server = await startSubgraphServer({ name: 'materials', schema: subgraph.schema, context: subgraph.context, port: 0 });
  const gateway = await startGateway({ host: '127.0.0.1', port: 0, subgraphUrls: { materials: server.url } });
  const potential = existsSync(CU_FILE)
    ? await importPotential(subgraph.store, limitsFromEnv(), { format: 'EAM_FUNCFL', content: readFileSync(CU_FILE, 'utf8'), name: 'Cu_u3', elements: ['Cu'] })
    : (await subgraph.store.potentialByName(builtinName(['Cu'])))!;
  return {
    subgraph,
    gatewayUrl: gateway.url,
    subgraphUrl: server.url,
    potential,
    async stop() {
      await gateway.stop();
      await server.stop();
      await subgraph.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function post(url: string, query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(`${url}: ${body.errors[0].message}`);
  return body.data!;
}

async function buildCopper(service: Service, repeat: number): Promise<StructureRecord> {
  const data = await post(service.gatewayUrl, 'mutation ($r: [Int!]) { buildCrystal(input: {element: "Cu", prototype: FCC, a: 3.615, repeat: $r}) { id } }', { r: [repeat, repeat, repeat] });
  const [record] = await service.subgraph.store.structuresByIds([(data.buildCrystal as { id: string }).id]);
  return record!;
}

const EVALUATE_ENERGY = 'query ($s: ID!, $p: ID!) { evaluate(structureId: $s, potentialId: $p, backend: WASM) { energy } }';
const EVALUATE_FULL = 'query ($s: ID!, $p: ID!) { evaluate(structureId: $s, potentialId: $p, backend: WASM) { energy forces stress } }';

async function overheadRows(service: Service, sizes: typeof SIZES): Promise<(string | number)[][]> {
  const rows: (string | number)[][] = [];
  for (const { repeat } of sizes) {
    const structure = await buildCopper(service, repeat);
    const prepared = prepare(structure, service.potential);
    const timeKernel = () => medianSeconds(() => computeForces(prepared.structure, prepared.potential, { backend: 'wasm' }), 2, 5);
    const kernelBefore = await timeKernel();
    const variables = { s: structure.id, p: service.potential.id };
    const api: [string, number][] = [];
    for (const [label, url, query] of [
      ['subgraph, energy only', service.subgraphUrl, EVALUATE_ENERGY],
      ['gateway, energy only', service.gatewayUrl, EVALUATE_ENERGY],
      ['gateway, energy + forces + stress', service.gatewayUrl, EVALUATE_FULL],
    ] as const) {
      api.push([label, await medianSeconds(() => post(url, query, variables), 2, 5)]);
    }
    // Timed before and after the API rows, keeping the faster, so a burst of
    // load from other processes during one of them does not set the baseline.
    const kernel = Math.min(kernelBefore, await timeKernel());
    rows.push([structure.natoms, 'computeForces (kernel alone)', kernel * 1e3, 1]);
    for (const [label, seconds] of api) rows.push([structure.natoms, label, seconds * 1e3, seconds / kernel]);
  }
  return rows;
}

/** Seconds per MD step of our integrator, over `steps` steps after 2 warm-up steps. */
async function secondsPerStep(structure: StructureRecord, potential: PotentialRecord, backend: Backend, steps: number): Promise<{ seconds: number; builds: number }> {
  const md = await MolecularDynamics.start(structure, potential, { ensemble: 'NVE', temperature: 300, timestepFs: 1, friction: 0, seed: 1, backend, skin: DEFAULT_SKIN });
  await md.advance(2);
  const started = performance.now();
  await md.advance(steps);
  return { seconds: (performance.now() - started) / 1000 / steps, builds: md.neighborBuilds };
}

/** LAMMPS serial seconds per step for fix nve on the same atoms, or undefined without `lmp` or Cu_u3.eam. */
function lammpsSecondsPerStep(structure: StructureRecord, steps: number): number | undefined {
  if (!existsSync(CU_FILE)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'scifed-bench-lammps-md-'));
  try {
    const n = structure.natoms;
    const lines = ['bench structure', '', `${n} atoms`, '1 atom types', ''];
    lines.push(`0 ${structure.cell[0]} xlo xhi`, `0 ${structure.cell[4]} ylo yhi`, `0 ${structure.cell[8]} zlo zhi`, '', 'Masses', '', '1 63.546', '', 'Atoms # atomic', '');
    for (let i = 0; i < n; i++) lines.push(`${i + 1} 1 ${structure.positions[3 * i]} ${structure.positions[3 * i + 1]} ${structure.positions[3 * i + 2]}`);
    writeFileSync(join(dir, 'data.lmp'), `${lines.join('\n')}\n`);
    const input = [
      'units metal', 'atom_style atomic', 'boundary p p p', 'read_data data.lmp',
      'pair_style eam', `pair_coeff 1 1 ${CU_FILE}`,
      `neighbor ${DEFAULT_SKIN} bin`, 'neigh_modify every 1 delay 0 check yes',
      'velocity all create 300 4928459 mom yes rot no dist gaussian',
      'timestep 0.001', 'fix integrate all nve', 'thermo 1000000',
      'run 2', `run ${steps}`,
    ];
    writeFileSync(join(dir, 'in.md'), `${input.join('\n')}\n`);
    execFileSync('lmp', ['-in', 'in.md', '-log', 'log.lammps', '-screen', 'none'], { cwd: dir, env: { ...process.env, OMP_NUM_THREADS: '1' } });
    const log = readFileSync(join(dir, 'log.lammps'), 'utf8');
    const loops = [...log.matchAll(/^Loop time of ([\d.e+-]+) on \d+ procs for (\d+) steps/gm)];
    const last = loops.at(-1);
    if (!last) throw new Error('LAMMPS log has no Loop time line');
    return Number(last[1]) / Number(last[2]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function mdRows(service: Service, sizes: typeof SIZES, notes: string[]): Promise<(string | number)[][]> {
  const gpu = await gpuContext();
  const cpuAdapter = gpu ? /llvmpipe|swiftshader|lavapipe/i.test(gpu.adapterName) : false;
  const rows: (string | number)[][] = [];
  for (const { repeat } of sizes) {
    const structure = await buildCopper(service, repeat);
    const n = structure.natoms;
    const steps = Math.max(10, Math.round(4e5 / n));
    const lammps = lammpsSecondsPerStep(structure, steps);
    if (lammps !== undefined) rows.push([n, 'LAMMPS serial', 1 / lammps, n / lammps, 1, '']);
    for (const backend of ['wasm', 'reference', 'webgpu'] as const) {
      if (backend === 'webgpu' && !gpu) {
        notes.push(`${n} atoms: webgpu skipped, ${gpuUnavailableReason()}.`);
        continue;
      }
      if (n > SLOW_BACKEND_MAX_ATOMS && (backend === 'reference' || (backend === 'webgpu' && cpuAdapter))) continue;
      const slow = backend === 'reference' || (backend === 'webgpu' && cpuAdapter);
      const { seconds, builds } = await secondsPerStep(structure, service.potential, backend, slow ? Math.min(steps, 20) : steps);
      rows.push([n, backend, 1 / seconds, n / seconds, lammps !== undefined ? lammps / seconds : '—', builds]);
    }
  }
  return rows;
}

export const materialsSuite: BenchSuite = {
  name: 'materials',
  async run({ quick }): Promise<BenchTable[]> {
    const sizes = quick ? SIZES.slice(0, 1) : SIZES;
    const service = await startService();
    try {
      const notes: string[] = [];
      const overhead = await overheadRows(service, sizes);
      const md = await mdRows(service, sizes, notes);
      const gpu = await gpuContext();
      return [
        {
          title: `Materials: evaluate through the API against the kernel alone (${service.potential.name}, WebAssembly)`,
          columns: ['atoms', 'path', 'ms per call', '÷ kernel'],
          rows: overhead,
          notes: [
            'Kernel alone: one computeForces call with the neighbour list built inside it, as evaluate does. Subgraph and gateway rows are one HTTP POST each on 127.0.0.1, median of repeated calls, subgraph and gateway in the benchmark process.',
            '÷ kernel = API time ÷ kernel time: the API overhead factor, including reading the structure from DuckDB and serialising the result as JSON.',
          ],
        },
        {
          title: `Materials: MD steps per second (${service.potential.name}, NVE, 300 K, 1 fs)`,
          columns: ['atoms', 'backend', 'steps/s', 'atom-steps/s', '÷ LAMMPS', 'neighbour builds'],
          rows: md,
          notes: [
            `Our rows time MolecularDynamics.advance (velocity Verlet, a neighbour-list rebuild check every step, skin ${DEFAULT_SKIN} Å) after two warm-up steps, without the job runner's DuckDB frame writes. LAMMPS runs fix nve with the same skin and potential file, serial, OMP_NUM_THREADS=1, from its Loop time.`,
            '÷ LAMMPS = our steps/s ÷ LAMMPS steps/s. Neighbour builds counts the lists our run built, the first included.',
            `Reference and CPU-adapter WebGPU runs are skipped above ${SLOW_BACKEND_MAX_ATOMS} atoms and limited to 20 steps.${gpu ? ` WebGPU adapter: ${gpu.adapterName}.` : ''}`,
            ...notes,
          ],
        },
      ];
    } finally {
      await service.stop();
    }
  },
};
