import { buildNeighborList, type Backend, type BackendChoice, type NeighborList } from '@scifed/compute';
import { InputError } from '@scifed/schema';

import type { AtomsData } from '../crystal/prototypes.js';
import { ATOMIC_MASSES } from '../elements/masses.js';
import type { PotentialRecord } from '../store.js';
import { EV_PER_CUBIC_ANGSTROM_IN_GPA, forcesOf, prepare, type Prepared } from './evaluate.js';
import { SeededRandom } from './random.js';

/**
 * Molecular dynamics in LAMMPS `metal` units: positions Å, velocities Å/fs,
 * masses amu, forces eV/Å, energies eV, time fs, temperature K.
 *
 * Integrators:
 * - NVE: velocity Verlet (Swope et al., J. Chem. Phys. 76, 637 (1982)),
 *   v += ½·dt·a, x += dt·v, new forces, v += ½·dt·a.
 * - NVT_LANGEVIN: BAOAB splitting (Leimkuhler and Matthews, Appl. Math. Res.
 *   Express 2013, 34): half kick (B), half drift (A), the exact
 *   Ornstein–Uhlenbeck step (O) v ← c₁·v + c₂·√(kT/m)·ξ with c₁ = exp(−γ·dt),
 *   c₂ = √(1 − c₁²), half drift, new forces, half kick. γ is the friction in
 *   1/fs (LAMMPS fix langevin's damp is 1/γ). After each O step the total
 *   momentum is set to zero, as LAMMPS's `zero yes` keeps it: this projection
 *   is orthogonal in mass-weighted velocities, so the thermostat still
 *   samples the canonical distribution of the 3N − 3 remaining degrees of
 *   freedom, and <temperature> equals the target.
 *
 * Reported temperature is 2·KE / ((3N − 3)·k_B), as LAMMPS compute temp with
 * its default removal of the three centre-of-mass degrees of freedom.
 * Pressure is (2·KE + tr W) / (3V), as LAMMPS compute pressure, with W the
 * virial Σ r_ij ⊗ f_ij; V is the cell volume (for a molecule the padded box
 * that the kernel uses, so its pressure means little).
 */

/** Boltzmann constant, eV/K: k_B / e with both exact in the SI since 2019 (CODATA 2018). */
export const BOLTZMANN_EV_PER_K = 8.617333262e-5;

/**
 * 1 eV in amu·Å²/fs², the metal-unit factor between force/mass and
 * acceleration (a = F/m · this, Å/fs²) and between ½mv² and eV:
 * e / m_u · 1e-10 with e = 1.602176634e-19 J/eV (exact, SI 2019) and
 * m_u = 1.66053906660e-27 kg (CODATA 2018); 1 m²/s² = 1e-10 Å²/fs².
 */
export const EV_IN_AMU_A2_PER_FS2 = (1.602176634e-19 / 1.6605390666e-27) * 1e-10;

export type Ensemble = 'NVE' | 'NVT_LANGEVIN';

/** Largest seed: GraphQL's Int is a signed 32-bit integer. */
export const MAX_SEED = 2 ** 31 - 1;

export interface DynamicsSettings {
  ensemble: Ensemble;
  /** Initial (NVE) and thermostat (NVT) temperature, K. */
  temperature: number;
  /** fs */
  timestepFs: number;
  /** Langevin friction γ, 1/fs; unused for NVE. */
  friction: number;
  /** Seeds the initial velocities and the Langevin noise; 0 to MAX_SEED. */
  seed: number;
  backend: BackendChoice;
  /** Neighbour-list skin, Å: the list is rebuilt once an atom has moved skin/2. */
  skin: number;
}

/** Thermodynamic state at one step. */
export interface Thermo {
  step: number;
  timeFs: number;
  /** eV */
  potentialEnergy: number;
  /** eV */
  kineticEnergy: number;
  /** eV */
  totalEnergy: number;
  /** K */
  temperature: number;
  pressureGPa: number;
}

/** Default neighbour-list skin, Å, as in LAMMPS's EAM benchmark input (bench/in.eam: neighbor 1.0 bin). */
export const DEFAULT_SKIN = 1.0;

/** One running trajectory; `advance` integrates, `thermo` and `atoms` read the state. */
export class MolecularDynamics {
  step = 0;
  /** Neighbour lists built so far, the first included. */
  neighborBuilds = 0;
  readonly positions: Float64Array;
  readonly velocities: Float64Array;
  private forces: Float64Array;
  private potentialEnergy = 0;
  private virialTrace = 0;
  private list!: NeighborList;
  private resolvedBackend!: Backend;
  private readonly masses: Float64Array;
  private readonly random: SeededRandom;
  private readonly degreesOfFreedom: number;

  private constructor(
    private readonly source: AtomsData,
    private readonly prepared: Prepared,
    private readonly settings: DynamicsSettings,
  ) {
    const n = source.species.length;
    this.positions = Float64Array.from(prepared.structure.positions);
    this.velocities = new Float64Array(3 * n);
    this.forces = new Float64Array(3 * n);
    this.masses = massesOf(source.species);
    this.random = new SeededRandom(settings.seed);
    this.degreesOfFreedom = 3 * n - 3;
  }

  /** Checks the settings, computes the first forces and draws Maxwell–Boltzmann velocities. */
  static async start(atoms: AtomsData, record: PotentialRecord, settings: DynamicsSettings): Promise<MolecularDynamics> {
    checkSettings(settings, atoms.species.length);
    const md = new MolecularDynamics(atoms, prepare(atoms, record), settings);
    await md.computeForces();
    md.drawVelocities();
    return md;
  }

  get backend(): Backend {
    return this.resolvedBackend;
  }

  /** Integrates `count` steps. */
  async advance(count: number): Promise<void> {
    const { timestepFs: dt, ensemble } = this.settings;
    for (let k = 0; k < count; k++) {
      this.kick(dt / 2);
      if (ensemble === 'NVE') {
        this.drift(dt);
      } else {
        this.drift(dt / 2);
        this.thermostat(dt);
        this.drift(dt / 2);
      }
      await this.computeForces();
      this.kick(dt / 2);
      this.step++;
    }
  }

  thermo(): Thermo {
    const kinetic = this.kineticEnergy();
    const volume = this.prepared.volume;
    const pressure = (2 * kinetic + this.virialTrace) / (3 * volume);
    return {
      step: this.step,
      timeFs: this.step * this.settings.timestepFs,
      potentialEnergy: this.potentialEnergy,
      kineticEnergy: kinetic,
      totalEnergy: this.potentialEnergy + kinetic,
      temperature: (2 * kinetic) / (this.degreesOfFreedom * BOLTZMANN_EV_PER_K),
      pressureGPa: pressure * EV_PER_CUBIC_ANGSTROM_IN_GPA,
    };
  }

  /** Total momentum, amu·Å/fs, per axis. */
  momentum(): [number, number, number] {
    const p: [number, number, number] = [0, 0, 0];
    for (let i = 0; i < this.masses.length; i++) for (let c = 0; c < 3; c++) p[c] += this.masses[i] * this.velocities[3 * i + c];
    return p;
  }

  /** The current atoms, positions wrapped into the cell on periodic axes. */
  atoms(): AtomsData {
    const { cell, pbc } = this.prepared.structure;
    return { cell: Float64Array.from(cell), pbc: [...this.source.pbc], positions: wrapPositions(this.positions, cell, pbc, this.list), species: [...this.source.species] };
  }

  private async computeForces(): Promise<void> {
    const { structure, potential } = this.prepared;
    const current = { ...structure, positions: this.positions };
    if (!this.list) {
      // The first call resolves `auto` to a backend; the list kind (half for
      // WebAssembly, full otherwise) follows from it.
      this.resolvedBackend = (await forcesOf({ ...this.prepared, structure: current }, this.settings.backend)).backend;
    }
    if (!this.list || this.list.needsRebuild(this.positions)) {
      const wasm = this.resolvedBackend === 'wasm';
      this.list = buildNeighborList(this.positions, structure.cell, structure.pbc, { cutoff: potential.cutoff, skin: this.settings.skin, half: wasm, full: !wasm });
      this.neighborBuilds++;
    }
    const result = await forcesOf({ ...this.prepared, structure: current }, this.resolvedBackend, this.list);
    this.forces = result.forces;
    this.potentialEnergy = result.energy;
    this.virialTrace = result.virial[0] + result.virial[1] + result.virial[2];
  }

  private kick(dt: number): void {
    for (let i = 0; i < this.masses.length; i++) {
      const scale = (dt * EV_IN_AMU_A2_PER_FS2) / this.masses[i];
      for (let c = 0; c < 3; c++) this.velocities[3 * i + c] += scale * this.forces[3 * i + c];
    }
  }

  private drift(dt: number): void {
    for (let k = 0; k < this.positions.length; k++) this.positions[k] += dt * this.velocities[k];
  }

  /** The Ornstein–Uhlenbeck step of BAOAB over dt, then zero total momentum. */
  private thermostat(dt: number): void {
    const c1 = Math.exp(-this.settings.friction * dt);
    const c2 = Math.sqrt(1 - c1 * c1);
    const kT = BOLTZMANN_EV_PER_K * this.settings.temperature * EV_IN_AMU_A2_PER_FS2;
    for (let i = 0; i < this.masses.length; i++) {
      const sigma = c2 * Math.sqrt(kT / this.masses[i]);
      for (let c = 0; c < 3; c++) this.velocities[3 * i + c] = c1 * this.velocities[3 * i + c] + sigma * this.random.nextNormal();
    }
    this.removeMomentum();
  }

  /**
   * Maxwell–Boltzmann velocities at the target temperature: each component
   * normal with variance k_B·T/m, then zero total momentum, then scaled so
   * the reported temperature is exactly the target.
   */
  private drawVelocities(): void {
    const kT = BOLTZMANN_EV_PER_K * this.settings.temperature * EV_IN_AMU_A2_PER_FS2;
    for (let i = 0; i < this.masses.length; i++) {
      const sigma = Math.sqrt(kT / this.masses[i]);
      for (let c = 0; c < 3; c++) this.velocities[3 * i + c] = sigma * this.random.nextNormal();
    }
    this.removeMomentum();
    const current = this.thermo().temperature;
    const scale = current > 0 ? Math.sqrt(this.settings.temperature / current) : 0;
    for (let k = 0; k < this.velocities.length; k++) this.velocities[k] *= scale;
  }

  private removeMomentum(): void {
    let totalMass = 0;
    for (const m of this.masses) totalMass += m;
    const p = this.momentum();
    for (let i = 0; i < this.masses.length; i++) for (let c = 0; c < 3; c++) this.velocities[3 * i + c] -= p[c] / totalMass;
  }

  private kineticEnergy(): number {
    let twice = 0;
    for (let i = 0; i < this.masses.length; i++) {
      const vx = this.velocities[3 * i], vy = this.velocities[3 * i + 1], vz = this.velocities[3 * i + 2];
      twice += this.masses[i] * (vx * vx + vy * vy + vz * vz);
    }
    return twice / 2 / EV_IN_AMU_A2_PER_FS2;
  }
}

/** Masses in amu per atom; an element without a standard atomic weight raises InputError. */
export function massesOf(species: readonly string[]): Float64Array {
  const missing = [...new Set(species.filter((s) => ATOMIC_MASSES[s] === undefined))];
  if (missing.length > 0) throw new InputError(`no atomic mass is known for ${missing.join(', ')}; molecular dynamics needs a mass for every element.`);
  return Float64Array.from(species, (s) => ATOMIC_MASSES[s]);
}

/** Raises InputError naming the first invalid setting. */
export function checkSettings(settings: DynamicsSettings, natoms: number): void {
  if (natoms < 2) throw new InputError(`molecular dynamics needs at least 2 atoms, got ${natoms}: with one atom and zero total momentum there is no motion.`);
  if (!(Number.isFinite(settings.temperature) && settings.temperature >= 0)) {
    throw new InputError(`temperature must be a finite number of kelvin, 0 or more, got ${settings.temperature}.`);
  }
  if (!(Number.isFinite(settings.timestepFs) && settings.timestepFs > 0)) {
    throw new InputError(`timestepFs must be a positive number of femtoseconds (1 to 2 fs suits metals), got ${settings.timestepFs}.`);
  }
  if (settings.ensemble === 'NVT_LANGEVIN' && !(Number.isFinite(settings.friction) && settings.friction > 0)) {
    throw new InputError(`friction must be a positive rate in 1/fs for NVT_LANGEVIN (0.01 is a damping time of 100 fs), got ${settings.friction}.`);
  }
  if (!(Number.isInteger(settings.seed) && settings.seed >= 0 && settings.seed <= MAX_SEED)) {
    throw new InputError(`seed must be an integer from 0 to ${MAX_SEED}, got ${settings.seed}.`);
  }
}

/** Positions wrapped into [0, 1) fractional on periodic axes, using the list's cell inverse. */
function wrapPositions(positions: Float64Array, cell: Float64Array, pbc: readonly boolean[], list: NeighborList): Float64Array {
  const inverse = list.geometry.inverse;
  const out = Float64Array.from(positions);
  for (let i = 0; i < positions.length; i += 3) {
    const shift = [0, 0, 0];
    for (let k = 0; k < 3; k++) {
      if (!pbc[k]) continue;
      const s = positions[i] * inverse[k] + positions[i + 1] * inverse[3 + k] + positions[i + 2] * inverse[6 + k];
      shift[k] = Math.floor(s);
    }
    for (let c = 0; c < 3; c++) out[i + c] -= shift[0] * cell[c] + shift[1] * cell[3 + c] + shift[2] * cell[6 + c];
  }
  return out;
}
