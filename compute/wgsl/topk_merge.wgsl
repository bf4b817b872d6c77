// Pairwise merge of sorted top-k lists: list p of the output holds the best
// LIST_LENGTH entries of input lists 2p and 2p+1 (a lone last list is copied).
//
// Grid: x = output list, y = query. Entries are vec2<u32>(order key, row id),
// compared as unsigned integers as in topk_segment.wgsl. Taking min(A[i], B[L-1-i]) of two
// ascending lists gives a bitonic sequence that holds the L smallest entries
// of both; one bitonic merge network then sorts it (Batcher 1968).

const WORKGROUP_SIZE: u32 = 256u;
const MAX_LIST_LENGTH: u32 = 1024u;

struct Params {
  listsIn: u32,    // input lists per query
  listsOut: u32,   // output lists per query, ceil(listsIn / 2)
  listLength: u32, // a power of two, at most MAX_LIST_LENGTH
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> inputLists: array<vec2<u32>>;
@group(0) @binding(2) var<storage, read_write> outputLists: array<vec2<u32>>;

var<workgroup> keys: array<u32, MAX_LIST_LENGTH>;
var<workgroup> labels: array<u32, MAX_LIST_LENGTH>;

fn entry_after(a: vec2<u32>, b: vec2<u32>) -> bool {
  return a.x > b.x || (a.x == b.x && a.y > b.y);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) thread: u32) {
  let list = group.x;
  let query = group.y;
  let length = params.listLength;
  let first = (query * params.listsIn + 2u * list) * length;
  let hasSecond = 2u * list + 1u < params.listsIn;

  for (var i = thread; i < length; i += WORKGROUP_SIZE) {
    var best = inputLists[first + i];
    if (hasSecond) {
      let other = inputLists[first + length + (length - 1u - i)];
      if (entry_after(best, other)) {
        best = other;
      }
    }
    keys[i] = best.x;
    labels[i] = best.y;
  }

  for (var stride = length >> 1u; stride > 0u; stride >>= 1u) {
    workgroupBarrier();
    for (var pair = thread; pair < length / 2u; pair += WORKGROUP_SIZE) {
      let i = (pair / stride) * 2u * stride + pair % stride;
      let j = i + stride;
      if (keys[i] > keys[j] || (keys[i] == keys[j] && labels[i] > labels[j])) {
        let key = keys[i];
        let label = labels[i];
        keys[i] = keys[j];
        labels[i] = labels[j];
        keys[j] = key;
        labels[j] = label;
      }
    }
  }
  workgroupBarrier();

  let out = (query * params.listsOut + list) * length;
  for (var i = thread; i < length; i += WORKGROUP_SIZE) {
    outputLists[out + i] = vec2<u32>(keys[i], labels[i]);
  }
}
