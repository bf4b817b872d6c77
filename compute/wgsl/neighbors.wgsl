// Neighbour search over a bin grid prepared on the host (bins, ghosts and
// the sorted slot order come from the WebAssembly build steps; see
// compute/src/forcefield/neighbor-grid.ts). One invocation per local atom
// walks the stencil rows of its bin, in two passes dispatched in order:
//   count: counts[i] = neighbours of atom i
//   fill:  writes them to out[offsets[i] − params.out_base ..], for atoms in
//          [params.first, params.first + params.count), so a list larger
//          than one storage binding is written in slices.
//
// Binding layout:
//   0 params   uniform Params
//   1 local    N vec4: x y z (Å) of local atom i, its bin bit-cast into w
//   2 sorted   E vec4 in bin order: x y z (Å), extended index bit-cast into w
//   3 keys     E u32 in bin order: 2·owner + (1 if the ghost image is positive)
//   4 bins     u32: first slot of each bin, then the total (bins + 1)
//   5 rows     i32 triples: linear offset of the row's first bin, bins in the row, kind
//   6 counts   u32 per local atom (count pass) or CSR offsets, N + 1 (fill pass)
//   7 out      u32 neighbour indices of this slice (fill pass)
// Distances are f32: a pair is kept when r² < params.reach_sq, which the host
// widens so that no pair inside the f64 reach is dropped.

struct Params {
  first: u32,           // first local atom of this dispatch
  count: u32,           // local atoms in this dispatch
  row_count: u32,
  threads_per_row: u32, // invocations per row of a 2-D dispatch
  out_base: u32,        // CSR offset of out[0]
  reach_sq: f32,        // Å²
  pad0: u32,
  pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> local_atoms: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> sorted: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> keys: array<u32>;
@group(0) @binding(4) var<storage, read> bins: array<u32>;
@group(0) @binding(5) var<storage, read> rows: array<i32>;
@group(0) @binding(6) var<storage, read_write> counts: array<u32>;
@group(0) @binding(7) var<storage, read_write> out: array<u32>;

override WORKGROUP_SIZE: u32 = 64;

const ROW_SAME_BIN: i32 = 1;

// Visits atom i's neighbours; writes them from out[cursor] when `fill`, and returns how many there are.
fn visit(i: u32, fill: bool, start: u32) -> u32 {
  let xi = local_atoms[i];
  let bin = i32(bitcast<u32>(xi.w));
  var found = 0u;
  for (var r = 0u; r < params.row_count; r++) {
    let first_bin = u32(bin + rows[3u * r]);
    let last_bin = first_bin + u32(rows[3u * r + 1u]);
    let same_bin = rows[3u * r + 2u] == ROW_SAME_BIN;
    for (var q = bins[first_bin]; q < bins[last_bin]; q++) {
      let xj = sorted[q];
      let d = xj.xyz - xi.xyz;
      let p = bitcast<u32>(xj.w);
      var keep = dot(d, d) < params.reach_sq;
      if (same_bin) {
        keep = keep && keys[q] > 2u * i;
      } else {
        keep = keep && p != i;
      }
      if (keep) {
        if (fill) {
          out[start + found] = p;
        }
        found++;
      }
    }
  }
  return found;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn count(@builtin(global_invocation_id) gid: vec3<u32>) {
  let k = gid.x + gid.y * params.threads_per_row;
  if (k >= params.count) {
    return;
  }
  let i = params.first + k;
  counts[i] = visit(i, false, 0u);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn fill(@builtin(global_invocation_id) gid: vec3<u32>) {
  let k = gid.x + gid.y * params.threads_per_row;
  if (k >= params.count) {
    return;
  }
  let i = params.first + k;
  _ = visit(i, true, counts[i] - params.out_base);
}
