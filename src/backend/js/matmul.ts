// Batched GEMM for the js backend: C[q] = op(A[q]) · op(B[q]), float32 and float64.
//
// Goto/BLIS blocking (Goto & van de Geijn, "Anatomy of high-performance matrix
// multiplication", 2008), in plain loops over typed arrays. Each loop keeps one operand
// block in one cache level:
//
//   for jc over n in steps of NC:
//     for pc over k in steps of KC:
//       pack B[pc:pc+kc, jc:jc+nc] into NR-wide column panels       bPanels, L2/L3
//       for ic over m in steps of MC:
//         pack A[ic:ic+mc, pc:pc+kc] into MR-tall row panels        aPanels, L2
//         for jr over nc in steps of NR:                            one B panel, L1
//           for ir over mc in steps of MR:
//             tile = A panel ir · B panel jr     kc steps, 4×8 accumulators in registers
//             C[ic+ir.., jc+jr..] = tile (first k block) or += tile (later ones)
//
//   one packed A panel (MR = 4 rows of A)     one packed B panel (NR = 8 columns of B)
//     p = 0:  A[i,0] A[i+1,0] … A[i+3,0]        p = 0:  B[0,j] B[0,j+1] … B[0,j+7]
//     p = 1:  A[i,1] A[i+1,1] … A[i+3,1]        p = 1:  B[1,j] …
//     …  (kc groups, contiguous)                …  (kc groups, contiguous)
//
// so the micro-kernel reads both panels front to back, 4 + 8 values per step of p.
// Measured on the 2-core bench machine: about 4 GFLOP/s at n = 512 in either dtype, 70-80 %
// of what scalar JavaScript can do there (V8 emits no FMA and no SIMD: 2 flops per cycle).
//
// Packing does three jobs at once: it reads the operands in whatever layout they have
// (transposed or not, float32 or float64) so the hot loop never sees a stride or a
// transpose; it pads edge panels so the micro-kernel always runs full size; and it
// converts to Float64Array, so the micro-kernel only ever sees one array type. On this machine
// a loop that meets both Float32Array and Float64Array runs up to 2x slower (V8 deoptimises to
// polymorphic loads), and packing is O(n²) against the O(n³) kernel. Sums run in double
// precision; a float32 result is rounded once per KC block of k.
//
// The panels are module-level scratch, reused across calls: allocating a fresh large buffer
// costs far more than the copy into a warm one. Kernels are synchronous, so one set suffices.
//
// Small and skinny products skip all of this (matmulDirect): there the packing and padding
// outweigh the faster inner loop (thresholds measured, see SMALL_WORK).
// The slow truth these are tested against is matmulNaive in matmul-naive.ts.

import type { MatmulArgs, Storage } from '../backend.js';
import { resolveMatmulArgs, type ResolvedMatmul } from './matmul-args.js';

/** Micro-tile: MR rows × NR columns of C per kernel call. */
const MR = 4;
const NR = 8;
/** Depth of one k block: a B panel (KC × NR doubles = 16 KiB) stays in L1. */
const KC = 256;
/** Rows of A per block: the packed A block (MC × KC doubles = 128 KiB) stays in L2. */
const MC = 64;
/** Columns of B per block: the packed B block (KC × NC doubles = 4 MiB) stays in L3. */
const NC = 2048;
/**
 * Up to this many multiply-adds (m·n·k) the direct loop wins: measured crossover near 6×6×6
 * (the blocked kernel is ahead from 7³ and 3-4x ahead from 16³ on).
 */
const SMALL_WORK = 256;

let aPanels = new Float64Array(0);
let bPanels = new Float64Array(0);
const tile = new Float64Array(MR * NR);

/** C[q] = op(A[q]) · op(B[q]) (Backend.matmul): picks the direct or the blocked kernel. */
export function matmul(args: MatmulArgs): void {
  const r = fold(resolveMatmulArgs(args));
  if (isTrivial(r)) return;
  // One row, or at most two columns, leaves a 4×8 tile at least 3/4 padding: measured, the
  // direct loop wins there (matrix-vector products, n = 1, by 2-3x).
  if (r.m * r.n * r.k <= SMALL_WORK || r.m === 1 || r.n <= 2) direct(r);
  else blocked(r);
}

/** The blocked kernel whatever the size (exported so tests reach its edge cases). */
export function matmulBlocked(args: MatmulArgs): void {
  const r = resolveMatmulArgs(args);
  if (!isTrivial(r)) blocked(r);
}

/** The direct triple loop whatever the size (exported so tests can check it alone). */
export function matmulDirect(args: MatmulArgs): void {
  const r = resolveMatmulArgs(args);
  if (!isTrivial(r)) direct(r);
}

/** Handle the empty cases: nothing to write, or k = 0 where every sum is empty, so C = 0. */
function isTrivial(r: ResolvedMatmul): boolean {
  if (r.batch === 0 || r.m === 0 || r.n === 0) return true;
  if (r.k === 0) {
    r.out.fill(0, 0, r.batch * r.m * r.n);
    return true;
  }
  return false;
}

/**
 * A batch of untransposed, contiguous A matrices times one shared B is a single product:
 * stacked row-major, the A[q] form one (batch·m) × k matrix, and the C[q] one (batch·m) × n.
 * One big product packs B once and keeps the kernel busy on long runs of rows.
 */
function fold(r: ResolvedMatmul): ResolvedMatmul {
  const stacked = r.aRow === r.k && r.aCol === 1 && r.aStride === r.m * r.k;
  if (r.batch > 1 && r.bStride === 0 && stacked) return { ...r, m: r.batch * r.m, batch: 1, aStride: 0 };
  return r;
}

/** One dot product per output element, summed in a double. Best for tiny or skinny shapes. */
function direct(r: ResolvedMatmul): void {
  const { a, b, out, batch, m, k, n, aStride, bStride, aRow, aCol, bRow, bCol } = r;
  let o = 0;
  for (let q = 0; q < batch; q++) {
    for (let i = 0; i < m; i++) {
      const ai = q * aStride + i * aRow;
      for (let j = 0; j < n; j++) {
        const bj = q * bStride + j * bCol;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ai + p * aCol] * b[bj + p * bRow];
        out[o++] = s;
      }
    }
  }
}

/** The Goto loops above: pack, then sweep the micro-kernel over every tile. */
function blocked(r: ResolvedMatmul): void {
  const { a, b, out, batch, m, k, n, aStride, bStride, aRow, aCol, bRow, bCol } = r;
  // Equal k blocks (k = 300 gives 150 + 150, not 256 + 44): each pass over C costs the same.
  const kBlocks = Math.ceil(k / KC);
  const kcMax = Math.ceil(k / kBlocks);
  const ncMax = Math.min(n, NC);
  const ap = scratchA(roundUp(Math.min(m, MC), MR) * kcMax);
  const bp = scratchB(roundUp(ncMax, NR) * kcMax);
  for (let q = 0; q < batch; q++) {
    const aOff = q * aStride;
    const bOff = q * bStride;
    const cOff = q * m * n;
    for (let jc = 0; jc < n; jc += NC) {
      const nc = Math.min(NC, n - jc);
      for (let pc = 0; pc < k; pc += kcMax) {
        const kc = Math.min(kcMax, k - pc);
        // B's columns play the role of rows here: one panel is NR columns, p-major.
        pack(b, bOff + pc * bRow + jc * bCol, bCol, bRow, nc, kc, NR, bp);
        for (let ic = 0; ic < m; ic += MC) {
          const mc = Math.min(MC, m - ic);
          pack(a, aOff + ic * aRow + pc * aCol, aRow, aCol, mc, kc, MR, ap);
          for (let jr = 0; jr < nc; jr += NR) {
            const cols = Math.min(NR, nc - jr);
            for (let ir = 0; ir < mc; ir += MR) {
              kernel4x8(kc, ap, ir * kc, bp, jr * kc, tile);
              // The first k block overwrites C (so `out` needs no zeroing); later ones add.
              const c = cOff + (ic + ir) * n + jc + jr;
              storeTile(tile, out, c, n, Math.min(MR, mc - ir), cols, pc === 0);
            }
          }
        }
      }
    }
  }
}

/**
 * Copy `rows` × `depth` elements, element (r, p) at src[off + r·rowStride + p·depthStride],
 * into panels of R rows: panel t holds rows tR..tR+R-1 as depth groups of R consecutive values.
 * Rows past `rows` in the last panel are padding, so the kernel needs no edge cases: they only
 * feed tile entries that storeTile drops. They are zeroed anyway, so that stale scratch (a NaN,
 * or a subnormal that makes every multiply ~100x slower) never enters the arithmetic.
 */
function pack(
  src: Storage, off: number, rowStride: number, depthStride: number,
  rows: number, depth: number, R: number, dst: Float64Array,
): void {
  let d = 0;
  for (let r0 = 0; r0 < rows; r0 += R) {
    const live = Math.min(R, rows - r0);
    for (let p = 0; p < depth; p++) {
      const s = off + r0 * rowStride + p * depthStride;
      for (let r = 0; r < live; r++) dst[d + r] = src[s + r * rowStride];
      for (let r = live; r < R; r++) dst[d + r] = 0;
      d += R;
    }
  }
}

/**
 * The micro-kernel: tile = (4 × kc panel of A) · (kc × 8 panel of B), row-major 4×8.
 * Each step loads 4 + 8 values and does 32 multiply-adds into locals that V8 keeps in
 * registers (or spills to the stack, still L1). Indices are written `(x + c) | 0` so that V8
 * knows they are int32 and drops the overflow check it would put on every load otherwise.
 */
function kernel4x8(kc: number, ap: Float64Array, ai: number, bp: Float64Array, bi: number, t: Float64Array): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c04 = 0, c05 = 0, c06 = 0, c07 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0, c14 = 0, c15 = 0, c16 = 0, c17 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c24 = 0, c25 = 0, c26 = 0, c27 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0, c34 = 0, c35 = 0, c36 = 0, c37 = 0;
  const end = (ai + MR * kc) | 0;
  for (; ai < end; ai = (ai + MR) | 0, bi = (bi + NR) | 0) {
    const a0 = ap[ai], a1 = ap[(ai + 1) | 0], a2 = ap[(ai + 2) | 0], a3 = ap[(ai + 3) | 0];
    let b = bp[bi];
    c00 += a0 * b; c10 += a1 * b; c20 += a2 * b; c30 += a3 * b;
    b = bp[(bi + 1) | 0];
    c01 += a0 * b; c11 += a1 * b; c21 += a2 * b; c31 += a3 * b;
    b = bp[(bi + 2) | 0];
    c02 += a0 * b; c12 += a1 * b; c22 += a2 * b; c32 += a3 * b;
    b = bp[(bi + 3) | 0];
    c03 += a0 * b; c13 += a1 * b; c23 += a2 * b; c33 += a3 * b;
    b = bp[(bi + 4) | 0];
    c04 += a0 * b; c14 += a1 * b; c24 += a2 * b; c34 += a3 * b;
    b = bp[(bi + 5) | 0];
    c05 += a0 * b; c15 += a1 * b; c25 += a2 * b; c35 += a3 * b;
    b = bp[(bi + 6) | 0];
    c06 += a0 * b; c16 += a1 * b; c26 += a2 * b; c36 += a3 * b;
    b = bp[(bi + 7) | 0];
    c07 += a0 * b; c17 += a1 * b; c27 += a2 * b; c37 += a3 * b;
  }
  t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03; t[4] = c04; t[5] = c05; t[6] = c06; t[7] = c07;
  t[8] = c10; t[9] = c11; t[10] = c12; t[11] = c13; t[12] = c14; t[13] = c15; t[14] = c16; t[15] = c17;
  t[16] = c20; t[17] = c21; t[18] = c22; t[19] = c23; t[20] = c24; t[21] = c25; t[22] = c26; t[23] = c27;
  t[24] = c30; t[25] = c31; t[26] = c32; t[27] = c33; t[28] = c34; t[29] = c35; t[30] = c36; t[31] = c37;
}

/** Write the live rows × cols corner of a tile into C (row stride n): set, or add to it. */
function storeTile(
  t: Float64Array, out: Storage, c: number, n: number, rows: number, cols: number, overwrite: boolean,
): void {
  for (let i = 0; i < rows; i++) {
    const ti = i * NR;
    const ci = c + i * n;
    if (overwrite) for (let j = 0; j < cols; j++) out[ci + j] = t[ti + j];
    else for (let j = 0; j < cols; j++) out[ci + j] += t[ti + j];
  }
}

function roundUp(x: number, multiple: number): number {
  return Math.ceil(x / multiple) * multiple;
}

/** The A scratch, grown (never shrunk) to at least `size` doubles. */
function scratchA(size: number): Float64Array {
  if (aPanels.length < size) aPanels = new Float64Array(size);
  return aPanels;
}

/** The B scratch, grown (never shrunk) to at least `size` doubles. */
function scratchB(size: number): Float64Array {
  if (bPanels.length < size) bPanels = new Float64Array(size);
  return bPanels;
}
