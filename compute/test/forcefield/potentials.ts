import { existsSync, readFileSync } from 'node:fs';

import { lennardJones, morse, parseEamFs, parseFuncfl, parseSetfl, type Potential } from '../../src/index.js';

const POTENTIALS = process.env.LAMMPS_POTENTIALS ?? '/usr/share/lammps/potentials';

/** Test potentials; EAM ones only where Debian's lammps-data is installed. */
export function testPotentials(): { name: string; potential: Potential; species: number; lattice: number }[] {
  const list: { name: string; potential: Potential; species: number; lattice: number }[] = [
    {
      name: 'lj/cut binary shifted',
      potential: lennardJones({ elements: ['A', 'B'], epsilon: [[0.0104, 0.008], [0.008, 0.012]], sigma: [[2.3, 2.2], [2.2, 2.1]], cutoff: [[5.5, 5.0], [5.0, 4.8]], shift: true }),
      species: 2,
      lattice: 3.6,
    },
    { name: 'morse', potential: morse({ d0: 0.3429, alpha: 1.3588, r0: 2.866, cutoff: 5.5 }), species: 1, lattice: 3.615 },
  ];
  const read = (file: string) => readFileSync(`${POTENTIALS}/${file}`, 'utf8');
  if (existsSync(`${POTENTIALS}/Cu_u3.eam`)) list.push({ name: 'eam Cu_u3', potential: parseFuncfl(read('Cu_u3.eam')), species: 1, lattice: 3.615 });
  if (existsSync(`${POTENTIALS}/CuNi.eam.alloy`)) list.push({ name: 'eam/alloy CuNi', potential: parseSetfl(read('CuNi.eam.alloy')), species: 2, lattice: 3.56 });
  if (existsSync(`${POTENTIALS}/CuZr_mm.eam.fs`)) list.push({ name: 'eam/fs CuZr', potential: parseEamFs(read('CuZr_mm.eam.fs')), species: 2, lattice: 3.9 });
  return list;
}
