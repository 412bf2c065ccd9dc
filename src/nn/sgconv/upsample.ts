// Upsampling along the last axis by an integer factor r, exactly as PyTorch's
// F.interpolate(x, scale_factor=r, mode='linear' | 'nearest') with align_corners=False
// (SPEC 2.3; ATen UpSample.h: area_pixel_compute_source_index, nearest_idx). SGConv uses it to
// stretch each d-sample sub-kernel to d·r samples (SPEC 2.2 step 2).
//
// Both modes are one linear map with two taps per output sample j = 0..d·r−1:
//   out[j] = w0_j·x[i0_j] + w1_j·x[i1_j]
//   linear:   src_j = max((j + ½)/r − ½, 0),  i0 = ⌊src_j⌋,  λ_j = src_j − i0,
//             i1 = i0 + 1 if i0 < d − 1 else i0,   (w0, w1) = (1 − λ_j, λ_j)
//   nearest:  i0 = i1 = min(⌊j/r⌋, d − 1),          (w0, w1) = (1, 0)
// The taps depend only on (mode, d, r): they are computed once and cached.
//
// VJP. The map is linear, so its VJP is its transpose, a scatter-add:
//   x̄[i0_j] += w0_j·ḡ_j,   x̄[i1_j] += w1_j·ḡ_j     (both land on one entry when i1 = i0),
// and the transpose of the scatter-add is the forward map again. The two primitives are each
// other's VJP (as slice and embedSlice are), so gradients of gradients come for free.

import { record } from '../../autograd/graph.js';
import { ShapeError, fmt } from '../../tensor/errors.js';
import { type Tensor } from '../../tensor/tensor.js';
import { empty } from '../../ops/util.js';

export type UpsampleMode = 'linear' | 'nearest';

/** The two taps of every output sample of an upsampling of d samples by r. */
export interface UpsampleTaps {
  readonly mode: UpsampleMode;
  readonly d: number;
  readonly r: number;
  readonly i0: Int32Array;
  readonly i1: Int32Array;
  readonly w0: Float64Array;
  readonly w1: Float64Array;
}

const tapsCache = new Map<string, UpsampleTaps>();

/** The (i0, i1, w0, w1) table for (mode, d, r), built on first use and cached. */
export function upsampleTaps(mode: UpsampleMode, d: number, r: number): UpsampleTaps {
  const key = `${mode}:${d}:${r}`;
  const cached = tapsCache.get(key);
  if (cached !== undefined) return cached;
  const n = d * r;
  const i0 = new Int32Array(n);
  const i1 = new Int32Array(n);
  const w0 = new Float64Array(n);
  const w1 = new Float64Array(n);
  // PyTorch multiplies by the reciprocal of the scale factor rather than dividing by it; doing
  // the same keeps the source positions bit-identical for factors that are not powers of two.
  const scale = 1 / r;
  const scale32 = Math.fround(scale); // nearest_idx works in float32
  for (let j = 0; j < n; j++) {
    if (mode === 'linear') {
      const src = Math.max(scale * (j + 0.5) - 0.5, 0);
      const lo = Math.floor(src);
      const lambda = src - lo;
      i0[j] = lo;
      i1[j] = lo < d - 1 ? lo + 1 : lo;
      w0[j] = 1 - lambda;
      w1[j] = lambda;
    } else {
      const k = r === 1 ? j : r === 2 ? j >> 1 : Math.min(Math.floor(Math.fround(j * scale32)), d - 1);
      i0[j] = k;
      i1[j] = k;
      w0[j] = 1;
      w1[j] = 0;
    }
  }
  const taps: UpsampleTaps = { mode, d, r, i0, i1, w0, w1 };
  tapsCache.set(key, taps);
  return taps;
}

/**
 * Linear interpolation of x [..., d] to [..., d·r], as F.interpolate(mode='linear',
 * scale_factor=r, align_corners=False). r = 1 is the identity.
 * @example upsampleLinear(tensor([5, 6]), 2)   // [5, 5.25, 5.75, 6]
 */
export function upsampleLinear(x: Tensor, r: number): Tensor {
  return upsample(x, r, 'linear');
}

/** Nearest-neighbour upsampling of x [..., d] to [..., d·r]: out[j] = x[⌊j/r⌋]. */
export function upsampleNearest(x: Tensor, r: number): Tensor {
  return upsample(x, r, 'nearest');
}

/** Upsample the last axis of x by the integer factor r in the given mode. */
export function upsample(x: Tensor, r: number, mode: UpsampleMode = 'linear'): Tensor {
  const op = mode === 'nearest' ? 'upsampleNearest' : 'upsampleLinear';
  if (mode !== 'linear' && mode !== 'nearest') throw new RangeError(`upsample: mode must be 'linear' or 'nearest', got '${String(mode)}'`);
  if (x.ndim < 1) throw new ShapeError(`${op}: x must have at least one axis to upsample, got shape ${fmt(x.shape)}`);
  if (!Number.isInteger(r) || r < 1) throw new RangeError(`${op}: the scale factor must be a positive integer, got ${r}`);
  const d = x.shape[x.ndim - 1];
  if (d < 1) throw new ShapeError(`${op}: the last axis of ${fmt(x.shape)} is empty`);
  return interpolate(x, upsampleTaps(mode, d, r));
}

// ---- the primitive pair: out = A x and its transpose x̄ = Aᵀ ḡ --------------------------------

function interpolate(x: Tensor, t: UpsampleTaps): Tensor {
  const n = t.d * t.r;
  const rows = x.numel / t.d;
  const out = empty([...x.shape.slice(0, -1), n], x.dtype); // [..., d·r]
  const X = x.data;
  const O = out.data;
  const { i0, i1, w0, w1 } = t;
  for (let row = 0; row < rows; row++) {
    const xo = row * t.d;
    const oo = row * n;
    for (let j = 0; j < n; j++) O[oo + j] = w0[j] * X[xo + i0[j]] + w1[j] * X[xo + i1[j]];
  }
  const name = t.mode === 'nearest' ? 'upsampleNearest' : 'upsampleLinear';
  return record(out, name, [x], (g) => [interpolateAdjoint(g, t)]);
}

function interpolateAdjoint(g: Tensor, t: UpsampleTaps): Tensor {
  const n = t.d * t.r;
  const rows = g.numel / n;
  const out = empty([...g.shape.slice(0, -1), t.d], g.dtype); // [..., d]
  const G = g.data;
  const O = out.data;
  const { i0, i1, w0, w1 } = t;
  for (let row = 0; row < rows; row++) {
    const go = row * n;
    const oo = row * t.d;
    for (let j = 0; j < n; j++) {
      O[oo + i0[j]] += w0[j] * G[go + j];
      O[oo + i1[j]] += w1[j] * G[go + j];
    }
  }
  const name = t.mode === 'nearest' ? 'upsampleNearestAdjoint' : 'upsampleLinearAdjoint';
  return record(out, name, [g], (gg) => [interpolate(gg, t)]);
}
