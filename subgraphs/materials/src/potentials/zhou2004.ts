import { formatReal } from '../io/common.js';

/**
 * The generalized EAM of X. W. Zhou, R. A. Johnson and H. N. G. Wadley,
 * "Misfit-energy-increasing dislocations in vapor-deposited CoFe/NiFe
 * multilayers", Phys. Rev. B 69, 144113 (2004), for 16 fcc, bcc and hcp
 * metals, tabulated here as a LAMMPS setfl (`pair_style eam/alloy`) file.
 *
 * Analytic form (r in Å, energies in eV):
 *   φ(r) = A e^{−α(r/re−1)} / (1 + (r/re−κ)^20) − B e^{−β(r/re−1)} / (1 + (r/re−λ)^20)
 *   f(r) = fe e^{−β(r/re−1)} / (1 + (r/re−λ)^20)
 *   F(ρ) = Σ_{i=0..3} Fn_i (ρ/ρn − 1)^i                 ρ < ρn = 0.85 ρe
 *        = Σ_{i=0..3} F_i  (ρ/ρe − 1)^i                 ρn ≤ ρ < ρ0 = 1.15 ρe
 *        = Fe [1 − η ln(ρ/ρs)] (ρ/ρs)^η                  ρ ≥ ρ0
 * Alloy pairs mix as φ_ab = ½ [f_b/f_a · φ_aa + f_a/f_b · φ_bb].
 * Pt uses ρn = 0.25 ρe, as in the parameter set distributed with LAMMPS
 * (tools/eam_database), whose numbers these are.
 *
 * Tabulation choices (ours, matching that tool's grid so files are
 * comparable): 2000 r points up to rc = √10/2 · max(√2·re) (between the
 * 3rd and 4th fcc neighbour shells), r below 0.5 Å clamped to 0.5 Å, and
 * 2000 ρ points up to max(largest f(r) on the grid, 2 max ρe, 100).
 */

export const ZHOU2004_CITATION =
  'X. W. Zhou, R. A. Johnson and H. N. G. Wadley, Phys. Rev. B 69, 144113 (2004). doi:10.1103/PhysRevB.69.144113';

interface ZhouParameters {
  /** Equilibrium nearest-neighbour distance, Å. */
  re: number;
  fe: number;
  rhoe: number;
  rhos: number;
  alpha: number;
  beta: number;
  /** Pair prefactors, eV. */
  A: number;
  B: number;
  kappa: number;
  lambda: number;
  /** Fn0..Fn3, eV. */
  Fn: [number, number, number, number];
  /** F0..F3, eV. */
  F: [number, number, number, number];
  eta: number;
  /** Fe, eV. */
  Fe: number;
  atomicNumber: number;
  /** amu */
  mass: number;
  /** ρn / ρe. */
  rhoLow: number;
}

// prettier-ignore
const TABLE: Record<string, ZhouParameters> = {
  Cu: { re: 2.556162, fe: 1.554485, rhoe: 21.175871, rhos: 21.175395, alpha: 8.127620, beta: 4.334731, A: 0.396620, B: 0.548085, kappa: 0.308782, lambda: 0.756515, Fn: [-2.170269, -0.263788, 1.088878, -0.817603], F: [-2.19, 0, 0.561830, -2.100595], eta: 0.310490, Fe: -2.186568, atomicNumber: 29, mass: 63.546, rhoLow: 0.85 },
  Ag: { re: 2.891814, fe: 1.106232, rhoe: 14.604100, rhos: 14.604144, alpha: 9.132010, beta: 4.870405, A: 0.277758, B: 0.419611, kappa: 0.339710, lambda: 0.750758, Fn: [-1.729364, -0.255882, 0.912050, -0.561432], F: [-1.75, 0, 0.744561, -1.150650], eta: 0.783924, Fe: -1.748423, atomicNumber: 47, mass: 107.8682, rhoLow: 0.85 },
  Au: { re: 2.885034, fe: 1.529021, rhoe: 19.991632, rhos: 19.991509, alpha: 9.516052, beta: 5.075228, A: 0.229762, B: 0.356666, kappa: 0.356570, lambda: 0.748798, Fn: [-2.937772, -0.500288, 1.601954, -0.835530], F: [-2.98, 0, 1.706587, -1.134778], eta: 1.021095, Fe: -2.978815, atomicNumber: 79, mass: 196.96654, rhoLow: 0.85 },
  Ni: { re: 2.488746, fe: 2.007018, rhoe: 27.562015, rhos: 27.562031, alpha: 8.383453, beta: 4.471175, A: 0.429046, B: 0.633531, kappa: 0.443599, lambda: 0.820658, Fn: [-2.693513, -0.076445, 0.241442, -2.375626], F: [-2.70, 0, 0.265390, -0.152856], eta: 0.445470, Fe: -2.7, atomicNumber: 28, mass: 58.6934, rhoLow: 0.85 },
  Pd: { re: 2.750897, fe: 1.595417, rhoe: 21.335246, rhos: 21.940073, alpha: 8.697397, beta: 4.638612, A: 0.406763, B: 0.598880, kappa: 0.397263, lambda: 0.754799, Fn: [-2.321006, -0.473983, 1.615343, -0.231681], F: [-2.36, 0, 1.481742, -1.675615], eta: 1.130000, Fe: -2.352753, atomicNumber: 46, mass: 106.42, rhoLow: 0.85 },
  Pt: { re: 2.771916, fe: 2.336509, rhoe: 33.367564, rhos: 35.205357, alpha: 7.105782, beta: 3.789750, A: 0.556398, B: 0.696037, kappa: 0.385255, lambda: 0.770510, Fn: [-1.455568, -2.149952, 0.528491, 1.222875], F: [-4.17, 0, 3.010561, -2.420128], eta: 1.450000, Fe: -4.145597, atomicNumber: 78, mass: 195.08, rhoLow: 0.25 },
  Al: { re: 2.863924, fe: 1.403115, rhoe: 20.418205, rhos: 23.195740, alpha: 6.613165, beta: 3.527021, A: 0.314873, B: 0.365551, kappa: 0.379846, lambda: 0.759692, Fn: [-2.807602, -0.301435, 1.258562, -1.247604], F: [-2.83, 0, 0.622245, -2.488244], eta: 0.785902, Fe: -2.824528, atomicNumber: 13, mass: 26.981539, rhoLow: 0.85 },
  Pb: { re: 3.499723, fe: 0.647872, rhoe: 8.450154, rhos: 8.450063, alpha: 9.121799, beta: 5.212457, A: 0.161219, B: 0.236884, kappa: 0.250805, lambda: 0.764955, Fn: [-1.422370, -0.210107, 0.682886, -0.529378], F: [-1.44, 0, 0.702726, -0.538766], eta: 0.935380, Fe: -1.439436, atomicNumber: 82, mass: 207.2, rhoLow: 0.85 },
  Fe: { re: 2.481987, fe: 1.885957, rhoe: 20.041463, rhos: 20.041463, alpha: 9.818270, beta: 5.236411, A: 0.392811, B: 0.646243, kappa: 0.170306, lambda: 0.340613, Fn: [-2.534992, -0.059605, 0.193065, -2.282322], F: [-2.54, 0, 0.200269, -0.148770], eta: 0.391750, Fe: -2.539945, atomicNumber: 26, mass: 55.847, rhoLow: 0.85 },
  Mo: { re: 2.728100, fe: 2.723710, rhoe: 29.354065, rhos: 29.354065, alpha: 8.393531, beta: 4.476550, A: 0.708787, B: 1.120373, kappa: 0.137640, lambda: 0.275280, Fn: [-3.692913, -0.178812, 0.380450, -3.133650], F: [-3.71, 0, 0.875874, 0.776222], eta: 0.790879, Fe: -3.712093, atomicNumber: 42, mass: 95.94, rhoLow: 0.85 },
  Ta: { re: 2.860082, fe: 3.086341, rhoe: 33.787168, rhos: 33.787168, alpha: 8.489528, beta: 4.527748, A: 0.611679, B: 1.032101, kappa: 0.176977, lambda: 0.353954, Fn: [-5.103845, -0.405524, 1.112997, -3.585325], F: [-5.14, 0, 1.640098, 0.221375], eta: 0.848843, Fe: -5.141526, atomicNumber: 73, mass: 180.9479, rhoLow: 0.85 },
  W: { re: 2.740840, fe: 3.487340, rhoe: 37.234847, rhos: 37.234847, alpha: 8.900114, beta: 4.746728, A: 0.882435, B: 1.394592, kappa: 0.139209, lambda: 0.278417, Fn: [-4.946281, -0.148818, 0.365057, -4.432406], F: [-4.96, 0, 0.661935, 0.348147], eta: 0.582714, Fe: -4.961306, atomicNumber: 74, mass: 183.84, rhoLow: 0.85 },
  Mg: { re: 3.196291, fe: 0.544323, rhoe: 7.132600, rhos: 7.132600, alpha: 10.228708, beta: 5.455311, A: 0.137518, B: 0.225930, kappa: 0.5, lambda: 1.0, Fn: [-0.896473, -0.044291, 0.162232, -0.689950], F: [-0.90, 0, 0.122838, -0.226010], eta: 0.431425, Fe: -0.899702, atomicNumber: 12, mass: 24.305, rhoLow: 0.85 },
  Co: { re: 2.505979, fe: 1.975299, rhoe: 27.206789, rhos: 27.206789, alpha: 8.679625, beta: 4.629134, A: 0.421378, B: 0.640107, kappa: 0.5, lambda: 1.0, Fn: [-2.541799, -0.219415, 0.733381, -1.589003], F: [-2.56, 0, 0.705845, -0.687140], eta: 0.694608, Fe: -2.559307, atomicNumber: 27, mass: 58.9332, rhoLow: 0.85 },
  Ti: { re: 2.933872, fe: 1.863200, rhoe: 25.565138, rhos: 25.565138, alpha: 8.775431, beta: 4.680230, A: 0.373601, B: 0.570968, kappa: 0.5, lambda: 1.0, Fn: [-3.203773, -0.198262, 0.683779, -2.321732], F: [-3.22, 0, 0.608587, -0.750710], eta: 0.558572, Fe: -3.219176, atomicNumber: 22, mass: 47.88, rhoLow: 0.85 },
  Zr: { re: 3.199978, fe: 2.230909, rhoe: 30.879991, rhos: 30.879991, alpha: 8.559190, beta: 4.564902, A: 0.424667, B: 0.640054, kappa: 0.5, lambda: 1.0, Fn: [-4.485793, -0.293129, 0.990148, -3.202516], F: [-4.51, 0, 0.928602, -0.981870], eta: 0.597133, Fe: -4.509025, atomicNumber: 40, mass: 91.224, rhoLow: 0.85 },
};

/** Elements of the Zhou–Johnson–Wadley 2004 parameter set. */
export const ZHOU2004_ELEMENTS: readonly string[] = Object.keys(TABLE);

const GRID_POINTS = 2000;
/** Distances below this are tabulated at this value, Å (the functions diverge as r → 0). */
const R_MIN = 0.5;

function density(p: ZhouParameters, r: number): number {
  const x = r / p.re;
  return (p.fe * Math.exp(-p.beta * (x - 1))) / (1 + (x - p.lambda) ** 20);
}

function pair(p: ZhouParameters, r: number): number {
  const x = r / p.re;
  const repulsive = (p.A * Math.exp(-p.alpha * (x - 1))) / (1 + (x - p.kappa) ** 20);
  const attractive = (p.B * Math.exp(-p.beta * (x - 1))) / (1 + (x - p.lambda) ** 20);
  return repulsive - attractive;
}

function embedding(p: ZhouParameters, rho: number): number {
  const rhoN = p.rhoLow * p.rhoe;
  const rho0 = 1.15 * p.rhoe;
  if (rho < rhoN) {
    const t = rho / rhoN - 1;
    return p.Fn[0] + t * (p.Fn[1] + t * (p.Fn[2] + t * p.Fn[3]));
  }
  if (rho < rho0) {
    const t = rho / p.rhoe - 1;
    return p.F[0] + t * (p.F[1] + t * (p.F[2] + t * p.F[3]));
  }
  const s = rho / p.rhos;
  return p.Fe * (1 - p.eta * Math.log(s)) * s ** p.eta;
}

/**
 * Tabulates the Zhou 2004 EAM for `elements` (symbols from ZHOU2004_ELEMENTS,
 * in the order the setfl lists them) as the text of a setfl file.
 */
export function zhou2004Setfl(elements: readonly string[]): string {
  const params = elements.map((symbol) => {
    const p = TABLE[symbol];
    if (!p) throw new Error(`element ${symbol} is not in the Zhou 2004 set; use one of ${ZHOU2004_ELEMENTS.join(', ')}.`);
    return p;
  });
  const cutoff = (Math.sqrt(10) / 2) * Math.max(...params.map((p) => Math.SQRT2 * p.re));
  const dr = cutoff / (GRID_POINTS - 1);
  const radii = Array.from({ length: GRID_POINTS }, (_, i) => Math.max(i * dr, R_MIN));

  const densities = params.map((p) => radii.map((r) => density(p, r)));
  const largestDensity = Math.max(...densities.flat());
  const rhoMax = Math.max(largestDensity, 2 * Math.max(...params.map((p) => p.rhoe)), 100);
  const drho = rhoMax / (GRID_POINTS - 1);

  const lines = [
    `Zhou, Johnson and Wadley generalized EAM (${elements.join(' ')}), tabulated by SciFed`,
    ZHOU2004_CITATION,
    'analytic form evaluated on the grid below; alloy pairs by the paper\'s mixing rule',
    `${elements.length} ${elements.join(' ')}`,
    `${GRID_POINTS} ${formatReal(drho)} ${GRID_POINTS} ${formatReal(dr)} ${formatReal(cutoff)}`,
  ];
  const block = (values: number[]) => {
    for (let i = 0; i < values.length; i += 5) lines.push(values.slice(i, i + 5).map((v) => v.toExponential(16)).join(' '));
  };
  params.forEach((p, k) => {
    lines.push(`${p.atomicNumber} ${p.mass} ${formatReal(Math.SQRT2 * p.re)} fcc`);
    block(Array.from({ length: GRID_POINTS }, (_, i) => embedding(p, i * drho)));
    block(densities[k]);
  });
  for (let a = 0; a < params.length; a++) {
    for (let b = 0; b <= a; b++) {
      const pa = params[a];
      const pb = params[b];
      block(
        radii.map((r) => {
          if (a === b) return r * pair(pa, r);
          const fa = density(pa, r);
          const fb = density(pb, r);
          return r * 0.5 * ((fb / fa) * pair(pa, r) + (fa / fb) * pair(pb, r));
        }),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
