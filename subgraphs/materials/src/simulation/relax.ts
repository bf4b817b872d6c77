import type { BackendChoice } from '@scifed/compute';
import { InputError } from '@scifed/schema';

import type { AtomsData } from '../crystal/prototypes.js';
import { determinant, inverse3 } from '../io/common.js';
import type { PotentialRecord } from '../store.js';
import { EV_PER_CUBIC_ANGSTROM_IN_GPA, forcesOf, prepare } from './evaluate.js';

/**
 * Geometry optimisation to a force threshold.
 *
 * Degrees of freedom: atomic positions, and with relaxCell the cell as well,
 * through a deformation gradient D (cell = cell0 · Dᵀ, positions = ref · Dᵀ)
 * as ASE's UnitCellFilter does. The generalized force on D is
 * −V (σ + P·I) D⁻ᵀ / N with σ the stress (ASE sign, positive in tension)
 * and P the target pressure, and the minimised function is the enthalpy
 * E + P·V. Convergence: every atom's force and every row of the cell force
 * is below fmax (eV/Å).
 *
 * Optimizers: FIRE (Bitzek et al., Phys. Rev. Lett. 97, 170201 (2006)) with
 * ASE's defaults (dt 0.1, dtmax 1.0, Nmin 5, finc 1.1, fdec 0.5, α 0.1,
 * fα 0.99, unit masses), and L-BFGS (Nocedal, Math. Comp. 35, 773 (1980))
 * with memory 100, initial inverse Hessian 1/70 Å²/eV and no line search,
 * as ASE's LBFGS. Both limit the largest atomic step to 0.2 Å.
 */

export type Optimizer = 'FIRE' | 'LBFGS';

export interface RelaxRequest {
  optimizer: Optimizer;
  /** eV/Å */
  fmax: number;
  maxSteps: number;
  relaxCell: boolean;
  pressureGPa: number;
  backend: BackendChoice;
}

export interface RelaxStep {
  step: number;
  /** Energy (enthalpy E + PV with relaxCell), eV. */
  energy: number;
  /** eV/Å */
  fmax: number;
}

export interface RelaxOutcome {
  atoms: AtomsData;
  converged: boolean;
  steps: RelaxStep[];
  energy: number;
  fmax: number;
}

const MAX_STEP = 0.2;

/** Mat3 row-major product a · b. */
function mul3(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) out[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
  return out;
}

function transpose3(a: ArrayLike<number>): Float64Array {
  return Float64Array.from([a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8]]);
}

/** The objective: maps the flat variable vector to energy and generalized forces. */
class Objective {
  readonly n: number;
  private readonly cell0: Float64Array;
  private readonly reference: Float64Array;
  private readonly pressure: number;

  constructor(private readonly atoms: AtomsData, private readonly record: PotentialRecord, private readonly request: RelaxRequest) {
    this.n = atoms.species.length;
    this.cell0 = Float64Array.from(atoms.cell);
    this.reference = Float64Array.from(atoms.positions);
    this.pressure = request.pressureGPa / EV_PER_CUBIC_ANGSTROM_IN_GPA;
  }

  get size(): number {
    return 3 * this.n + (this.request.relaxCell ? 9 : 0);
  }

  initial(): Float64Array {
    const x = new Float64Array(this.size);
    x.set(this.reference);
    return x;
  }

  /** Atoms at variables x: positions = x_atoms · Dᵀ, D = I + x_cell / N. */
  atomsAt(x: Float64Array): AtomsData {
    const deform = this.deformation(x);
    const dT = transpose3(deform);
    const positions = new Float64Array(3 * this.n);
    for (let i = 0; i < this.n; i++) {
      for (let k = 0; k < 3; k++) positions[i * 3 + k] = x[i * 3] * dT[k] + x[i * 3 + 1] * dT[3 + k] + x[i * 3 + 2] * dT[6 + k];
    }
    return { ...this.atoms, positions, cell: mul3(this.cell0, dT) };
  }

  private deformation(x: Float64Array): Float64Array {
    const d = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    if (this.request.relaxCell) for (let k = 0; k < 9; k++) d[k] += x[3 * this.n + k] / this.n;
    return d;
  }

  async evaluate(x: Float64Array): Promise<{ energy: number; forces: Float64Array; atoms: AtomsData }> {
    const atoms = this.atomsAt(x);
    const result = await forcesOf(prepare(atoms, this.record), this.request.backend);
    const forces = new Float64Array(this.size);
    const deform = this.deformation(x);
    // Force on reference coordinates: f_ref = f · D.
    for (let i = 0; i < this.n; i++) {
      for (let k = 0; k < 3; k++) forces[i * 3 + k] = result.forces[i * 3] * deform[k] + result.forces[i * 3 + 1] * deform[3 + k] + result.forces[i * 3 + 2] * deform[6 + k];
    }
    let energy = result.energy;
    if (this.request.relaxCell) {
      const volume = Math.abs(determinant(atoms.cell));
      const [xx, yy, zz, yz, xz, xy] = result.stress;
      const sigma = [xx, xy, xz, xy, yy, yz, xz, yz, zz];
      const virial = sigma.map((s, k) => -volume * (s + (k % 4 === 0 ? this.pressure : 0)));
      // virial · D⁻ᵀ, then scaled by 1/N to match x_cell = N (D − I).
      const cellForce = mul3(virial, transpose3(inverse3(deform)));
      for (let k = 0; k < 9; k++) forces[3 * this.n + k] = cellForce[k] / this.n;
      energy += this.pressure * volume;
    }
    return { energy, forces, atoms };
  }

  fmax(forces: Float64Array): number {
    let max = 0;
    for (let i = 0; i < forces.length; i += 3) max = Math.max(max, Math.hypot(forces[i], forces[i + 1], forces[i + 2]));
    return max;
  }
}

function limitStep(step: Float64Array): void {
  let largest = 0;
  for (let i = 0; i < step.length; i += 3) largest = Math.max(largest, Math.hypot(step[i], step[i + 1], step[i + 2]));
  if (largest > MAX_STEP) for (let k = 0; k < step.length; k++) step[k] *= MAX_STEP / largest;
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
};

/** Relaxes atoms (and optionally the cell); the result's atoms are the last state evaluated. */
export async function relax(atoms: AtomsData, record: PotentialRecord, request: RelaxRequest): Promise<RelaxOutcome> {
  if (!(request.fmax > 0)) throw new InputError(`fmax must be a positive force in eV/Å, got ${request.fmax}.`);
  if (request.relaxCell && !atoms.pbc.every(Boolean)) throw new InputError('relaxCell needs a structure periodic on all three axes.');
  const objective = new Objective(atoms, record, request);
  const x = objective.initial();
  const steps: RelaxStep[] = [];
  let state = await objective.evaluate(x);

  // FIRE state
  const velocity = new Float64Array(x.length);
  let dt = 0.1;
  let alpha = 0.1;
  let positiveSteps = 0;
  // L-BFGS state
  const memory: { s: Float64Array; y: Float64Array; rho: number }[] = [];
  let previous: { x: Float64Array; forces: Float64Array } | undefined;

  for (let step = 0; ; step++) {
    const fmax = objective.fmax(state.forces);
    steps.push({ step, energy: state.energy, fmax });
    if (fmax < request.fmax || step >= request.maxSteps) {
      return { atoms: state.atoms, converged: fmax < request.fmax, steps, energy: state.energy, fmax };
    }

    const move = new Float64Array(x.length);
    if (request.optimizer === 'FIRE') {
      const power = dot(state.forces, velocity);
      if (power > 0) {
        const vNorm = Math.sqrt(dot(velocity, velocity));
        const fNorm = Math.sqrt(dot(state.forces, state.forces));
        for (let k = 0; k < x.length; k++) velocity[k] = (1 - alpha) * velocity[k] + (alpha * state.forces[k] * vNorm) / fNorm;
        if (++positiveSteps > 5) {
          dt = Math.min(dt * 1.1, 1.0);
          alpha *= 0.99;
        }
      } else {
        velocity.fill(0);
        alpha = 0.1;
        dt *= 0.5;
        positiveSteps = 0;
      }
      for (let k = 0; k < x.length; k++) {
        velocity[k] += dt * state.forces[k];
        move[k] = dt * velocity[k];
      }
    } else {
      if (previous) {
        const s = x.map((v, k) => v - previous!.x[k]);
        const y = previous.forces.map((f, k) => f - state.forces[k]);
        const sy = dot(s, y);
        if (sy > 1e-12) memory.push({ s, y, rho: 1 / sy });
        if (memory.length > 100) memory.shift();
      }
      // Two-loop recursion on the gradient g = −forces.
      const q = state.forces.map((f) => -f);
      const alphas: number[] = [];
      for (let m = memory.length - 1; m >= 0; m--) {
        const a = memory[m].rho * dot(memory[m].s, q);
        alphas[m] = a;
        for (let k = 0; k < q.length; k++) q[k] -= a * memory[m].y[k];
      }
      for (let k = 0; k < q.length; k++) q[k] /= 70;
      for (let m = 0; m < memory.length; m++) {
        const b = memory[m].rho * dot(memory[m].y, q);
        for (let k = 0; k < q.length; k++) q[k] += memory[m].s[k] * (alphas[m] - b);
      }
      for (let k = 0; k < x.length; k++) move[k] = -q[k];
      previous = { x: Float64Array.from(x), forces: Float64Array.from(state.forces) };
    }
    limitStep(move);
    for (let k = 0; k < x.length; k++) x[k] += move[k];
    state = await objective.evaluate(x);
  }
}
