// Scratch memory discipline.
//
// Every block a call takes (inputs copied in by the host, outputs, kernel workspace)
// is recorded on an allocation stack. The host takes a mark before a call and releases
// down to it afterwards -- also when a kernel traps -- so nothing a call allocated
// outlives it and repeated calls reuse the same pages. Long-lived blocks (an
// estimator's ring buffer) bypass the stack and are freed explicitly.

const STACK_CAPACITY: i32 = 1 << 14;
const stackBase: usize = memory.data(STACK_CAPACITY << alignof<usize>(), 16);
// The size of each block on the stack: the live total and its high-water mark are what
// the estimate's work budget is checked against (src/estimate/budget.ts).
const sizeBase: usize = memory.data(STACK_CAPACITY << alignof<usize>(), 16);
let depth: i32 = 0;
let liveBytes: usize = 0;
let peakBytes: usize = 0;

// Arena mode, for the extra instances of the shared-memory binary that run on worker
// threads (src/training/parallel/). Instances sharing one memory must not share the
// allocator: the heap's bookkeeping and the allocation stack above live in that memory.
// A worker instance is therefore given its own region, and its scratch is a bump pointer
// in it, reset after every job; it never touches the heap or the stack arrays.
let arenaBase: usize = 0;
let arenaTop: usize = 0;
let arenaEnd: usize = 0;

/** Switches this instance to arena mode: scratch comes from [base, base + bytes). */
export function arenaSet(base: usize, bytes: usize): void {
  arenaBase = (base + 15) & ~<usize>15;
  arenaTop = arenaBase;
  arenaEnd = base + bytes;
}

/** Frees all arena scratch (arena mode; the end of a worker's job). */
export function arenaReset(): void {
  arenaTop = arenaBase;
  liveBytes = 0;
}

/** Allocates `bytes` (16-byte aligned) of call-scoped scratch. */
export function scratchAlloc(bytes: usize): usize {
  if (arenaEnd) {
    const ptr = arenaTop;
    const top = ptr + ((bytes + 15) & ~<usize>15);
    if (top > arenaEnd || top < ptr) abort("arena overflow");
    arenaTop = top;
    liveBytes += bytes;
    if (liveBytes > peakBytes) peakBytes = liveBytes;
    return ptr;
  }
  if (depth >= STACK_CAPACITY) abort("allocation stack overflow");
  const ptr = heap.alloc(bytes > 0 ? bytes : 16);
  store<usize>(stackBase + (<usize>depth << alignof<usize>()), ptr);
  store<usize>(sizeBase + (<usize>depth << alignof<usize>()), bytes);
  depth++;
  liveBytes += bytes;
  if (liveBytes > peakBytes) peakBytes = liveBytes;
  return ptr;
}

/** The most call-scoped scratch held at once (bytes requested) since the last reset. */
export function scratchPeakBytes(): f64 {
  return <f64>peakBytes;
}

/** Starts a new high-water mark at the scratch held now. */
export function scratchPeakReset(): void {
  peakBytes = liveBytes;
}

/** Allocates zeroed call-scoped scratch. */
export function scratchAllocZeroed(bytes: usize): usize {
  const ptr = scratchAlloc(bytes);
  memory.fill(ptr, 0, bytes);
  return ptr;
}

/** The current depth of the allocation stack; pass it to scratchRelease. */
export function scratchMark(): i32 {
  return depth;
}

/** Frees every scratch block taken since `mark`, newest first. */
export function scratchRelease(mark: i32): void {
  if (mark < 0) mark = 0;
  while (depth > mark) {
    depth--;
    heap.free(load<usize>(stackBase + (<usize>depth << alignof<usize>())));
    liveBytes -= load<usize>(sizeBase + (<usize>depth << alignof<usize>()));
  }
}

/** Allocates a long-lived block; the owner must call persistentFree. */
export function persistentAlloc(bytes: usize): usize {
  return heap.alloc(bytes > 0 ? bytes : 16);
}

export function persistentFree(ptr: usize): void {
  heap.free(ptr);
}

/** Bytes of linear memory currently reserved (grows, never shrinks). */
export function memoryBytes(): f64 {
  return <f64>memory.size() * 65536.0;
}
