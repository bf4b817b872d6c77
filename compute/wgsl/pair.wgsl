// Pair potentials (LAMMPS lj/cut and morse) over a full neighbour list, f32.
// One invocation per local atom; each pair is seen from both atoms, so an
// invocation writes only its own atom and no atomics are needed.
//
// Binding layout:
//   0 params   uniform Params
//   1 atoms    E vec4: x y z (Å), species index bit-cast into w (E = N + ghosts)
//   2 list     u32, one slice of atoms: count + 1 offsets (rebased to the
//              slice and shifted by count + 1), then neighbour indices
//   3 pairs    2 vec4 per species pair: coefficients, then (cutoff², energy offset, 0, 0)
//   4 out      3 vec4 per local atom: (fx fy fz E_i), (Wxx Wyy Wzz Wyz), (Wxz Wxy 0 0)
// Units: Å, eV, eV/Å; W is this atom's half of Σ r_ij ⊗ f_ij.

struct Params {
  count: u32,           // local atoms in this slice
  species: u32,
  style: u32,           // 0 = lj/cut (lj1 lj2 lj3 lj4), 1 = morse (d0 alpha r0 2·d0·alpha)
  threads_per_row: u32, // invocations per row of a 2-D dispatch
  first: u32,           // first local atom of this slice
  pad0: u32,
  pad1: u32,
  pad2: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> atoms: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> list: array<u32>;
@group(0) @binding(3) var<storage, read> pairs: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> out: array<vec4<f32>>;

override WORKGROUP_SIZE: u32 = 64;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let k = gid.x + gid.y * params.threads_per_row;
  if (k >= params.count) {
    return;
  }
  let i = params.first + k;
  let xi = atoms[i];
  let row = bitcast<u32>(xi.w) * params.species;
  var force = vec3<f32>(0.0);
  var energy = 0.0;
  var diagonal = vec3<f32>(0.0);
  var shear = vec3<f32>(0.0); // yz xz xy

  for (var q = list[k]; q < list[k + 1u]; q++) {
    let xj = atoms[list[q]];
    let d = xi.xyz - xj.xyz;
    let rsq = dot(d, d);
    let p = row + bitcast<u32>(xj.w);
    let cut = pairs[2u * p + 1u];
    if (rsq >= cut.x) {
      continue;
    }
    let c = pairs[2u * p];
    var fpair: f32;
    var e: f32;
    if (params.style == 0u) {
      let r2inv = 1.0 / rsq;
      let r6inv = r2inv * r2inv * r2inv;
      fpair = r6inv * (c.x * r6inv - c.y) * r2inv;
      e = r6inv * (c.z * r6inv - c.w) - cut.y;
    } else {
      let r = sqrt(rsq);
      let dexp = exp(-c.y * (r - c.z));
      fpair = c.w * (dexp * dexp - dexp) / r;
      e = c.x * (dexp * dexp - 2.0 * dexp) - cut.y;
    }
    force += d * fpair;
    energy += 0.5 * e;
    diagonal += 0.5 * fpair * d * d;
    shear += 0.5 * fpair * vec3<f32>(d.y * d.z, d.x * d.z, d.x * d.y);
  }
  out[3u * i] = vec4<f32>(force, energy);
  out[3u * i + 1u] = vec4<f32>(diagonal, shear.x);
  out[3u * i + 2u] = vec4<f32>(shear.y, shear.z, 0.0, 0.0);
}
