// Segment top-k: score SEGMENT_ROWS rows against one query, sort the
// segment in workgroup memory and keep its best LIST_LENGTH entries.
//
// Grid: x = segment within this chunk, y = query within this batch.
// An entry is vec2<u32>(order_key(distance), global row id), compared as
// unsigned integers: smaller distance first, equal distances by row id.
// order_key maps f32 to u32 monotonically (both zeros to one key), so +inf
// still sorts before the sentinel (0xffffffff, 0xffffffff) that marks rows
// past the end and attention keys scored below minScore. Integer keys also
// keep inf and NaN out of constant expressions, where WGSL rejects them.
//
// Before compiling, the host replaces the element-type placeholder of `rows`
// (f32, or u32 for packed storage) and the body of load_element, which decodes
// element i of `rows` to f32 (f32, f16 pairs or int8 quads).

const WORKGROUP_SIZE: u32 = 256u;
const SEGMENT_ROWS: u32 = 1024u;
const ROWS_PER_THREAD: u32 = SEGMENT_ROWS / WORKGROUP_SIZE;
const SENTINEL: u32 = 0xffffffffu;

// 0 = l2sq, 1 = -dot (inner product), 2 = cosine, 3 = attention score.
override METRIC: u32 = 0u;
// Multiply each dot product by a per-row scale and a per-query scale (int8 storage).
override SCALED: bool = false;

struct Params {
  rowCount: u32,          // rows in this chunk
  dim: u32,
  rowStride: u32,         // elements from one row to the next
  queryColumnStride: u32, // elements from query q's slice of a row to q+1's (0: whole row for every query)
  scaleRowStride: u32,
  scaleQueryStride: u32,
  rowIdOffset: u32,       // global id of chunk row 0 when useIds == 0
  useIds: u32,
  segmentOffset: u32,     // this chunk's first segment within each query's lists
  listsPerQuery: u32,
  listLength: u32,
  queryOffset: u32,       // global index of this batch's first query
  scoreScale: f32,        // 1/sqrt(dim) for attention scores
  minScore: f32,          // attention keys scoring below this are not selected
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> rows: array<ELEMENT_TYPE>;
@group(0) @binding(2) var<storage, read> queries: array<f32>;
@group(0) @binding(3) var<storage, read> ids: array<u32>;
@group(0) @binding(4) var<storage, read> rowScales: array<f32>;
@group(0) @binding(5) var<storage, read> queryScales: array<f32>;
@group(0) @binding(6) var<storage, read_write> lists: array<vec2<u32>>;

var<workgroup> keys: array<u32, SEGMENT_ROWS>;
var<workgroup> labels: array<u32, SEGMENT_ROWS>;

fn load_element(i: u32) -> f32 {
  LOAD_ELEMENT_BODY
}

fn order_key(value: f32) -> u32 {
  let bits = bitcast<u32>(value);
  if (bits == 0x80000000u) {
    return 0x80000000u;
  }
  if ((bits & 0x80000000u) != 0u) {
    return ~bits;
  }
  return bits | 0x80000000u;
}

fn distance(query: u32, row: u32) -> vec2<u32> {
  let globalQuery = params.queryOffset + query;
  let start = row * params.rowStride + globalQuery * params.queryColumnStride;
  let queryStart = query * params.dim;
  var dot = 0.0;
  var queryNorm = 0.0;
  var rowNorm = 0.0;
  var squared = 0.0;
  for (var i = 0u; i < params.dim; i++) {
    let a = queries[queryStart + i];
    let b = load_element(start + i);
    dot += a * b;
    queryNorm += a * a;
    rowNorm += b * b;
    squared += (a - b) * (a - b);
  }
  if (SCALED) {
    dot *= rowScales[row * params.scaleRowStride + globalQuery * params.scaleQueryStride] * queryScales[query];
  }

  var id = row + params.rowIdOffset;
  if (params.useIds != 0u) {
    id = ids[row];
  }
  var value: f32;
  switch METRIC {
    case 0u: { value = squared; }
    case 1u: { value = -dot; }
    case 2u: {
      // A zero vector has no direction; its cosine distance is defined as 1.
      if (queryNorm == 0.0 || rowNorm == 0.0) {
        value = 1.0;
      } else {
        value = 1.0 - dot * inverseSqrt(queryNorm) * inverseSqrt(rowNorm);
      }
    }
    default: {
      let score = dot * params.scoreScale;
      if (score < params.minScore) {
        return vec2<u32>(SENTINEL, SENTINEL);
      }
      value = -score;
    }
  }
  return vec2<u32>(order_key(value), id);
}

fn sorts_after(i: u32, j: u32) -> bool {
  return keys[i] > keys[j] || (keys[i] == keys[j] && labels[i] > labels[j]);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) thread: u32) {
  let segment = group.x;
  let query = group.y;

  for (var j = 0u; j < ROWS_PER_THREAD; j++) {
    let slot = thread + j * WORKGROUP_SIZE;
    let row = segment * SEGMENT_ROWS + slot;
    var entry = vec2<u32>(SENTINEL, SENTINEL);
    if (row < params.rowCount) {
      entry = distance(query, row);
    }
    keys[slot] = entry.x;
    labels[slot] = entry.y;
  }

  // Bitonic sort of the whole segment, ascending.
  for (var size = 2u; size <= SEGMENT_ROWS; size <<= 1u) {
    for (var stride = size >> 1u; stride > 0u; stride >>= 1u) {
      workgroupBarrier();
      for (var pair = thread; pair < SEGMENT_ROWS / 2u; pair += WORKGROUP_SIZE) {
        let i = (pair / stride) * 2u * stride + pair % stride;
        let j = i + stride;
        let ascending = (i & size) == 0u;
        if (sorts_after(i, j) == ascending) {
          let key = keys[i];
          let label = labels[i];
          keys[i] = keys[j];
          labels[i] = labels[j];
          keys[j] = key;
          labels[j] = label;
        }
      }
    }
  }
  workgroupBarrier();

  let listStart = (query * params.listsPerQuery + params.segmentOffset + segment) * params.listLength;
  for (var i = thread; i < params.listLength; i += WORKGROUP_SIZE) {
    lists[listStart + i] = vec2<u32>(keys[i], labels[i]);
  }
}
