// EAM (LAMMPS eam, eam/alloy, eam/fs) over a full neighbour list, f32, in
// three entry points dispatched in order:
//   density: ρ_i = Σ_j f_{a←b}(r_ij), then F(ρ_i) and F'(ρ_i) into fpe[i]
//   spread:  fpe[N + g] = fpe[owner[g]] so ghosts carry their owner's F'
//   force:   f_i = −Σ_j (F'_i ρ'_{i←j} + F'_j ρ'_{j←i} + φ') (x_i − x_j)/r
//
// Binding layout:
//   0 params   uniform Params
//   1 atoms    E vec4: x y z (Å), species index bit-cast into w
//   2 list     u32, one slice of atoms: count + 1 offsets (rebased to the
//              slice and shifted by count + 1), then neighbour indices
//   3 splines  f32, 7 per knot: frho tables, then rhor, then z2r (r·φ)
//   4 indices  u32: densityIndex (S·S) then pairIndex (S·S)
//   5 fpe      E vec2: (F'(ρ), F(ρ)) per extended atom
//   6 owner    u32 per ghost: its local atom
//   7 out      3 vec4 per local atom, as in pair.wgsl
// A spline knot holds c0..c6: value ((c3 p + c4) p + c5) p + c6, slope (c0 p + c1) p + c2.

struct Params {
  n: u32,
  ghosts: u32,
  species: u32,
  threads_per_row: u32,
  nr: u32,
  nrho: u32,
  rhor_base: u32,   // first f32 of the rhor tables in splines
  z2r_base: u32,
  rdr: f32,         // 1/dr, 1/Å
  rdrho: f32,
  cutsq: f32,       // Å²
  rhomax: f32,
  first: u32,       // density and force: first local atom of this slice
  count: u32,       // and its number of atoms
  pad0: u32,
  pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> atoms: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> list: array<u32>;
@group(0) @binding(3) var<storage, read> splines: array<f32>;
@group(0) @binding(4) var<storage, read> indices: array<u32>;
@group(0) @binding(5) var<storage, read_write> fpe: array<vec2<f32>>;
@group(0) @binding(6) var<storage, read> owner: array<u32>;
@group(0) @binding(7) var<storage, read_write> out: array<vec4<f32>>;

override WORKGROUP_SIZE: u32 = 64;

const KNOT: u32 = 7u;

fn spline_value(c: u32, p: f32) -> f32 {
  return ((splines[c + 3u] * p + splines[c + 4u]) * p + splines[c + 5u]) * p + splines[c + 6u];
}

fn spline_slope(c: u32, p: f32) -> f32 {
  return (splines[c] * p + splines[c + 1u]) * p + splines[c + 2u];
}

// Knot (as an f32 offset into a table) and fraction for radius r, as LAMMPS.
fn locate_r(r: f32) -> vec2<f32> {
  let p = r * params.rdr + 1.0;
  let m = min(u32(p), params.nr - 1u);
  return vec2<f32>(f32(m - 1u), min(p - f32(m), 1.0));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn density(@builtin(global_invocation_id) gid: vec3<u32>) {
  let k = gid.x + gid.y * params.threads_per_row;
  if (k >= params.count) {
    return;
  }
  let i = params.first + k;
  let xi = atoms[i];
  let a = bitcast<u32>(xi.w);
  let table = params.nr * KNOT;
  var rho = 0.0;
  for (var q = list[k]; q < list[k + 1u]; q++) {
    let xj = atoms[list[q]];
    let d = xi.xyz - xj.xyz;
    let rsq = dot(d, d);
    if (rsq >= params.cutsq) {
      continue;
    }
    let at = locate_r(sqrt(rsq));
    let spline = indices[a * params.species + bitcast<u32>(xj.w)];
    rho += spline_value(params.rhor_base + spline * table + u32(at.x) * KNOT, at.y);
  }

  var p = rho * params.rdrho + 1.0;
  let m = max(1u, min(u32(max(p, 0.0)), params.nrho - 1u));
  p = min(p - f32(m), 1.0);
  let c = a * params.nrho * KNOT + (m - 1u) * KNOT;
  let slope = spline_slope(c, p);
  var embedding = spline_value(c, p);
  if (rho > params.rhomax) {
    embedding += slope * (rho - params.rhomax);
  }
  fpe[i] = vec2<f32>(slope, embedding);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn spread(@builtin(global_invocation_id) gid: vec3<u32>) {
  let g = gid.x + gid.y * params.threads_per_row;
  if (g >= params.ghosts) {
    return;
  }
  fpe[params.n + g] = fpe[owner[g]];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn force(@builtin(global_invocation_id) gid: vec3<u32>) {
  let k = gid.x + gid.y * params.threads_per_row;
  if (k >= params.count) {
    return;
  }
  let i = params.first + k;
  let xi = atoms[i];
  let a = bitcast<u32>(xi.w);
  let fp_i = fpe[i].x;
  let s = params.species;
  let table = params.nr * KNOT;
  var force = vec3<f32>(0.0);
  var energy = fpe[i].y;
  var diagonal = vec3<f32>(0.0);
  var shear = vec3<f32>(0.0);
  for (var q = list[k]; q < list[k + 1u]; q++) {
    let j = list[q];
    let xj = atoms[j];
    let d = xi.xyz - xj.xyz;
    let rsq = dot(d, d);
    if (rsq >= params.cutsq) {
      continue;
    }
    let r = sqrt(rsq);
    let at = locate_r(r);
    let knot = u32(at.x) * KNOT;
    let b = bitcast<u32>(xj.w);
    let rho_at_i = spline_slope(params.rhor_base + indices[a * s + b] * table + knot, at.y);
    let rho_at_j = spline_slope(params.rhor_base + indices[b * s + a] * table + knot, at.y);
    let z = params.z2r_base + indices[s * s + a * s + b] * table + knot;
    let z2 = spline_value(z, at.y);
    let z2p = spline_slope(z, at.y);
    let recip = 1.0 / r;
    let phi = z2 * recip;
    let phip = z2p * recip - phi * recip;
    let fpair = -(fp_i * rho_at_i + fpe[j].x * rho_at_j + phip) * recip;
    force += d * fpair;
    energy += 0.5 * phi;
    diagonal += 0.5 * fpair * d * d;
    shear += 0.5 * fpair * vec3<f32>(d.y * d.z, d.x * d.z, d.x * d.y);
  }
  out[3u * i] = vec4<f32>(force, energy);
  out[3u * i + 1u] = vec4<f32>(diagonal, shear.x);
  out[3u * i + 2u] = vec4<f32>(shear.y, shear.z, 0.0, 0.0);
}
