// Energy conservation of NVE molecular dynamics on fcc Cu: 10,000 velocity
// Verlet steps of 1 fs from Maxwell–Boltzmann velocities at 300 K, on a
// 5×5×5 conventional cell (500 atoms). Prints the largest deviation of the
// total energy from its start and the drift at the end, eV/atom.
//
//   npx tsx subgraphs/materials/scripts/nve-drift.ts [potential] [steps] [repeat] [backend]
//
// potential: a LAMMPS funcfl file (default Cu_u3.eam under
// /usr/share/lammps/potentials or LAMMPS_POTENTIALS), or "zhou" for the
// built-in Zhou 2004 Cu EAM.
import 'reflect-metadata';

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { BackendChoice } from '@scifed/compute';

import { buildCrystal } from '../src/crystal/prototypes.js';
import { builtinName, importPotential, seedBuiltinPotentials } from '../src/potentials/service.js';
import { MolecularDynamics } from '../src/simulation/dynamics.js';
import { limitsFromEnv } from '../src/context.js';
import { MaterialsStore } from '../src/store.js';

const potentials = process.env.LAMMPS_POTENTIALS ?? '/usr/share/lammps/potentials';
const [which = `${potentials}/Cu_u3.eam`, stepsText = '10000', repeatText = '5', backend = 'wasm'] = process.argv.slice(2);
const steps = Number(stepsText);
const repeat = Number(repeatText);

const dir = mkdtempSync(path.join(tmpdir(), 'scifed-nve-'));
const store = await MaterialsStore.open(dir);
try {
  let record;
  if (which === 'zhou' || !existsSync(which)) {
    if (which !== 'zhou') console.log(`${which} is not installed; using the built-in Zhou 2004 Cu EAM.`);
    await seedBuiltinPotentials(store);
    record = (await store.potentialByName(builtinName(['Cu'])))!;
  } else {
    record = await importPotential(store, limitsFromEnv(), { format: 'EAM_FUNCFL', content: readFileSync(which, 'utf8'), name: path.basename(which), elements: ['Cu'] });
  }
  const atoms = buildCrystal({ element: 'Cu', prototype: 'FCC', a: 3.615, repeat: [repeat, repeat, repeat] }, 1e7);
  const n = atoms.species.length;
  const md = await MolecularDynamics.start(atoms, record, { ensemble: 'NVE', temperature: 300, timestepFs: 1, friction: 0, seed: 1, backend: backend as BackendChoice, skin: 1 });
  const e0 = md.thermo().totalEnergy;
  let worst = 0;
  const started = performance.now();
  while (md.step < steps) {
    await md.advance(Math.min(100, steps - md.step));
    worst = Math.max(worst, Math.abs(md.thermo().totalEnergy - e0));
  }
  const seconds = (performance.now() - started) / 1000;
  const end = md.thermo();
  console.log(`potential ${record.name}, ${n} atoms, ${steps} steps of 1 fs, backend ${md.backend}, ${md.neighborBuilds} neighbour-list builds`);
  console.log(`final temperature ${end.temperature.toFixed(1)} K`);
  console.log(`largest |E(t) - E(0)| ${(worst / n).toExponential(3)} eV/atom; E(end) - E(0) ${((end.totalEnergy - e0) / n).toExponential(3)} eV/atom`);
  console.log(`${(steps / seconds).toFixed(1)} steps/s`);
} finally {
  store.close();
  rmSync(dir, { recursive: true, force: true });
}
