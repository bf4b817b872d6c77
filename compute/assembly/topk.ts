// Bounded top-k selection with a binary max-heap kept in linear memory.
//
// Heap layout: `capacity` entries of 8 bytes each, entry i at heap + 8 i:
// f32 key at +0, i32 id at +4. The root is the worst entry kept so far, so a
// new entry is admitted only when it beats the root. Order: smaller key first,
// equal keys by smaller id, so every backend breaks ties the same way.

// @ts-ignore: decorator
@inline
function keyAt(heap: usize, i: i32): f32 {
  return load<f32>(heap + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline
function idAt(heap: usize, i: i32): i32 {
  return load<i32>(heap + (<usize>i << 3), 4);
}

// @ts-ignore: decorator
@inline
function put(heap: usize, i: i32, key: f32, id: i32): void {
  store<f32>(heap + (<usize>i << 3), key);
  store<i32>(heap + (<usize>i << 3), id, 4);
}

/** True when (keyA, idA) sorts after (keyB, idB). */
// @ts-ignore: decorator
@inline
export function after(keyA: f32, idA: i32, keyB: f32, idB: i32): bool {
  return keyA > keyB || (keyA == keyB && idA > idB);
}

function siftDown(heap: usize, size: i32, key: f32, id: i32): void {
  let i = 0;
  while (true) {
    const left = 2 * i + 1;
    if (left >= size) break;
    let child = left;
    const right = left + 1;
    if (right < size && after(keyAt(heap, right), idAt(heap, right), keyAt(heap, left), idAt(heap, left))) child = right;
    if (!after(keyAt(heap, child), idAt(heap, child), key, id)) break;
    put(heap, i, keyAt(heap, child), idAt(heap, child));
    i = child;
  }
  put(heap, i, key, id);
}

/**
 * Offers (key, id) to a heap holding `size` of at most `capacity` entries and
 * returns the new size.
 */
export function heapOffer(heap: usize, size: i32, capacity: i32, key: f32, id: i32): i32 {
  if (size < capacity) {
    let i = size;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!after(key, id, keyAt(heap, parent), idAt(heap, parent))) break;
      put(heap, i, keyAt(heap, parent), idAt(heap, parent));
      i = parent;
    }
    put(heap, i, key, id);
    return size + 1;
  }
  if (after(keyAt(heap, 0), idAt(heap, 0), key, id)) siftDown(heap, size, key, id);
  return size;
}

/** Key of the root (the worst kept entry), or +∞ while the heap is not full. */
export function heapThreshold(heap: usize, size: i32, capacity: i32): f32 {
  return size < capacity ? Infinity : keyAt(heap, 0);
}

/**
 * Empties the heap into `outIds` (i32) and `outKeys` (f32) in ascending order.
 * The heap is destroyed.
 */
export function heapDrain(heap: usize, size: i32, outIds: usize, outKeys: usize): void {
  for (let remaining = size; remaining > 0; remaining--) {
    const slot = <usize>(remaining - 1) << 2;
    store<i32>(outIds + slot, idAt(heap, 0));
    store<f32>(outKeys + slot, keyAt(heap, 0));
    const last = remaining - 1;
    if (last > 0) siftDown(heap, last, keyAt(heap, last), idAt(heap, last));
  }
}
