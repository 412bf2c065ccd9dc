// Differentiable discrete Fourier transforms with torch.fft's interface: `fft`, `ifft` on
// complex tensors (last dim 2: re, im), `rfft`, `irfft` between real signals and their
// n//2 + 1 non-redundant bins; each takes a length `n` (pad with zeros or truncate, as NumPy and
// PyTorch) and a `norm` ('backward': forward unscaled, inverse 1/n; 'ortho': 1/√n both ways;
// 'forward': forward 1/n, inverse unscaled).
//
// The backend's kernels (src/fft for js) compute unscaled sums times a scale s. Every transform is linear, so its
// VJP is its adjoint (with respect to the real inner product on (re, im) pairs):
//
//   complex DFT   y = s·F x              →  x̄ = s·F* ȳ: the opposite-sign DFT, same scale.
//   real DFT      X_k = s·Σ_t x_t ω^{kt}, k ≤ h = n//2
//                 →  x̄_t = s·Re Σ_{k≤h} X̄_k ω^{−kt} = s·irdft(w ⊙ X̄), w_k = 1 at DC and (even n)
//                    Nyquist, ½ elsewhere: irdft doubles every interior bin, w undoes that.
//   inverse real  x_t = s·(Re X_0 + 2 Σ_{0<k<n/2} Re X_k ω^{−kt} + [n even] Re X_h (−1)^t)
//                 →  X̄_k = c_k·s·rdft(x̄)_k, c_k = 1 at DC/Nyquist, 2 elsewhere (each interior
//                    bin feeds two mirrored DFT bins); Im X̄ is exactly 0 at DC and Nyquist,
//                    matching a forward pass that ignores those imaginary parts.
// Both weights are [bins, 2] tensors whose imaginary column is 0 at DC and (even n) Nyquist. So
// the VJPs set those components to 0 themselves instead of trusting the backend: an rfft kernel
// may leave rounding (or anything) in Im X_0, and an irfft kernel need not ignore Im X_0.
//
// Each VJP is a call of another primitive here, so gradients of gradients work too.

import { getBackend } from '../backend/index.js';
import { MAX_FFT_LENGTH } from '../fft/index.js';
import { record } from '../autograd/graph.js';
import { allocate } from '../tensor/dtype.js';
import { ShapeError, fmt } from '../tensor/errors.js';
import { sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { mul } from './binary.js';
import { pad, slice } from './shape.js';
import { empty } from './util.js';

export type FftNorm = 'backward' | 'ortho' | 'forward';

/** The factor a transform of length n applies under `norm`. */
function scaleOf(op: string, norm: FftNorm, n: number, inverse: boolean): number {
  switch (norm) {
    case 'backward': return inverse ? 1 / n : 1;
    case 'ortho': return 1 / Math.sqrt(n);
    case 'forward': return inverse ? 1 : 1 / n;
    default: throw new RangeError(`${op}: norm must be 'backward', 'ortho' or 'forward', got '${String(norm)}'`);
  }
}

/** n, or the default length; checked before anything is allocated for it. */
function checkLength(op: string, n: number | undefined, fallback: number): number {
  const len = n ?? fallback;
  if (!Number.isInteger(len) || len < 1) throw new RangeError(`${op}: n must be a positive integer, got ${len}`);
  if (len > MAX_FFT_LENGTH) throw new RangeError(`${op}: n = ${len} is larger than the longest supported transform, 2^28 = ${MAX_FFT_LENGTH}`);
  return len;
}

function checkComplex(op: string, x: Tensor): void {
  if (x.ndim < 2 || x.shape[x.ndim - 1] !== 2) {
    throw new ShapeError(`${op}: expected a complex tensor [..., n, 2] (last dim holds re, im), got ${fmt(x.shape)}`);
  }
}

/** Zero-pad or truncate `dim` to `size` (differentiable: pad ↔ slice). */
function resize(x: Tensor, dim: number, size: number): Tensor {
  const have = x.shape[dim];
  if (have === size) return x;
  if (have > size) return slice(x, dim, 0, size);
  const pads = new Array<number>(2 * (x.ndim - dim)).fill(0);
  pads[2 * (x.ndim - 1 - dim) + 1] = size - have;
  return pad(x, pads);
}

// ---- primitives on exact lengths ------------------------------------------------------------

/** Complex DFT along dim −2 of [..., n, 2], times `scale`; adjoint: the opposite sign. */
export function dft(x: Tensor, inverse: boolean, scale: number): Tensor {
  const n = x.shape[x.ndim - 2];
  const out = empty(x.shape, x.dtype);
  if (x.numel > 0) getBackend().fft({ input: x.data, output: out.data, n, batch: x.numel / (2 * n), inverse, scale });
  return record(out, inverse ? 'ifft' : 'fft', [x], (g) => [dft(g, !inverse, scale)]);
}

/** Real DFT of [..., n] → [..., n//2+1, 2], times `scale`. */
export function rdft(x: Tensor, scale: number): Tensor {
  const n = x.shape[x.ndim - 1];
  const bins = Math.floor(n / 2) + 1;
  const out = empty([...x.shape.slice(0, -1), bins, 2], x.dtype);
  if (x.numel > 0) getBackend().rfft({ input: x.data, output: out.data, n, batch: x.numel / n, scale });
  return record(out, 'rfft', [x], (g) => [irdft(mul(g, binWeights(n, x.dtype, 0.5)), n, scale)]);
}

/** Inverse real DFT of [..., n//2+1, 2] → [..., n], times `scale` (Im of DC/Nyquist ignored). */
export function irdft(X: Tensor, n: number, scale: number): Tensor {
  const bins = X.shape[X.ndim - 2];
  if (bins !== Math.floor(n / 2) + 1) throw new ShapeError(`irfft: ${bins} bins cannot make a signal of length ${n} (needs n//2+1 = ${Math.floor(n / 2) + 1})`);
  const out = empty([...X.shape.slice(0, -2), n], X.dtype);
  const rows = sizeOf(X.shape.slice(0, -2));
  if (rows > 0) getBackend().irfft({ input: X.data, output: out.data, n, batch: rows, scale });
  return record(out, 'irfft', [X], (g) => [mul(rdft(g, scale), binWeights(n, X.dtype, 2))]);
}

/**
 * [n//2+1, 2] weights on (re, im): `interior` on every interior bin; (1, 0) at DC and, for even n,
 * at Nyquist, whose imaginary parts the forward ignores (irfft) or makes 0 (rfft).
 */
function binWeights(n: number, dtype: Tensor['dtype'], interior: number): Tensor {
  const bins = Math.floor(n / 2) + 1;
  const w = allocate(dtype, 2 * bins).fill(interior);
  w[0] = 1;
  w[1] = 0;
  if (n % 2 === 0) {
    w[2 * bins - 2] = 1;
    w[2 * bins - 1] = 0;
  }
  return new Tensor(w, [bins, 2]);
}

// ---- the torch.fft interface ------------------------------------------------------------

/** Complex FFT along the signal axis of x [..., m, 2], padded or truncated to n. */
export function fft(x: Tensor, n?: number, norm: FftNorm = 'backward'): Tensor {
  checkComplex('fft', x);
  const len = checkLength('fft', n, x.shape[x.ndim - 2]);
  return dft(resize(x, x.ndim - 2, len), false, scaleOf('fft', norm, len, false));
}

/** Inverse complex FFT along the signal axis of X [..., m, 2], padded or truncated to n. */
export function ifft(X: Tensor, n?: number, norm: FftNorm = 'backward'): Tensor {
  checkComplex('ifft', X);
  const len = checkLength('ifft', n, X.shape[X.ndim - 2]);
  return dft(resize(X, X.ndim - 2, len), true, scaleOf('ifft', norm, len, true));
}

/** FFT of a real signal along its last axis: [..., m] → [..., n//2+1, 2]. */
export function rfft(x: Tensor, n?: number, norm: FftNorm = 'backward'): Tensor {
  if (x.ndim < 1) throw new ShapeError(`rfft: expected a signal with at least one dim, got ${fmt(x.shape)}`);
  const len = checkLength('rfft', n, x.shape[x.ndim - 1]);
  return rdft(resize(x, x.ndim - 1, len), scaleOf('rfft', norm, len, false));
}

/**
 * Inverse of rfft: bins X [..., m, 2] → a real signal [..., n], n = 2(m − 1) by default. The
 * bins are first truncated or zero-padded to n//2 + 1.
 */
export function irfft(X: Tensor, n?: number, norm: FftNorm = 'backward'): Tensor {
  checkComplex('irfft', X);
  const m = X.shape[X.ndim - 2];
  const len = checkLength('irfft', n, 2 * (m - 1));
  return irdft(resize(X, X.ndim - 2, Math.floor(len / 2) + 1), len, scaleOf('irfft', norm, len, true));
}
