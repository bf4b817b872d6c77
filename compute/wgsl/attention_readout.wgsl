// Softmax over each head's selected scores and the weighted sum of the
// selected value rows. Grid: x = head. Each thread sums a strided subset of
// the dim components and recomputes the softmax normalizer itself, which
// costs `count` exponentials per thread and needs no barrier.
//
// Before compiling, the host replaces the element-type placeholder of
// `values` (f32, or u32 for packed storage) and the body of load_value.

const WORKGROUP_SIZE: u32 = 64u;

struct Params {
  dim: u32,
  topK: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> counts: array<u32>;       // heads
@group(0) @binding(2) var<storage, read> scores: array<f32>;       // heads × topK, best first
@group(0) @binding(3) var<storage, read> values: array<ELEMENT_TYPE>; // heads × topK × dim, gathered
@group(0) @binding(4) var<storage, read> valueScales: array<f32>;  // heads × topK
@group(0) @binding(5) var<storage, read_write> weights: array<f32>;  // heads × topK
@group(0) @binding(6) var<storage, read_write> readout: array<f32>;  // heads × dim

fn load_element(i: u32) -> f32 {
  LOAD_ELEMENT_BODY
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) thread: u32) {
  let head = group.x;
  let count = counts[head];
  let first = head * params.topK;

  // Stable softmax: the best score (the first) is subtracted before exp.
  var total = 0.0;
  for (var s = 0u; s < count; s++) {
    total += exp(scores[first + s] - scores[first]);
  }
  for (var s = thread; s < params.topK; s += WORKGROUP_SIZE) {
    var weight = 0.0;
    if (s < count) {
      weight = exp(scores[first + s] - scores[first]) / total;
    }
    weights[first + s] = weight;
  }
  for (var i = thread; i < params.dim; i += WORKGROUP_SIZE) {
    var sum = 0.0;
    for (var s = 0u; s < count; s++) {
      let weight = exp(scores[first + s] - scores[first]) / total;
      sum += weight * valueScales[first + s] * load_element((first + s) * params.dim + i);
    }
    readout[head * params.dim + i] = sum;
  }
}
