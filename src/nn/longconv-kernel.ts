// The long-convolution kernel of Fu et al. 2023, "Simple Hardware-Efficient Long Convolutions
// for Sequence Modeling", as HazyResearch/safari's LongConvKernel evaluates it at every forward
// (src/models/sequence/long_conv_kernel.py; SPEC 3.1, 3.2, 3.6). The stored parameter is the raw
// kernel itself, one tap per lag; three operators re-parametrise it on the fly:
//
//   Ks  = Smooth(K_raw)              moving average over 2p+1 taps (optional; off by default)
//   Ksq = Squash(Ks) = sign(Ks)·max(|Ks| − λ, 0)      soft-thresholding: small taps become 0
//   K   = Dropout(Ksq)               one mask per call, shared by the whole batch (training)
//
// All three are compositions of differentiable ops, so they need no VJP of their own. Shapes:
// C' kernel channels (C, doubled when bidirectional), H width, Lk kernel length (= l_max).

import { type DType } from '../tensor/dtype.js';
import { ShapeError, fmt } from '../tensor/errors.js';
import { type Generator, defaultGenerator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { add, div, mul, sub } from '../ops/binary.js';
import { dropout, relu } from '../ops/activation.js';
import { pad, slice } from '../ops/shape.js';
import { abs, sign } from '../ops/unary.js';
import { checkPositiveInteger } from './layer-utils.js';

// ---- Squash ----------------------------------------------------------------------------------

/**
 * Soft-thresholding sign(k)·relu(|k| − λ), a composition. Its gradient is the mask [|k| > λ]:
 * sign(k)·[|k| > λ]·sign(k), with relu'(0) = 0 and sign(0) = 0, as PyTorch computes it.
 * @example squash(tensor([-0.5, -0.1, 0, 0.05, 0.2, 1]), 0.1)   // [-0.4, 0, 0, 0, 0.1, 0.9]
 */
export function squash(k: Tensor, lambda: number): Tensor {
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new RangeError(`squash: lambda must be a finite number ≥ 0, got ${lambda}`);
  return mul(sign(k), relu(sub(abs(k), lambda))); // [..., Lk]
}

// ---- Smooth ----------------------------------------------------------------------------------

/**
 * Moving average along the last axis, as nn.AvgPool1d(window, stride 1, padding window//2) with
 * count_include_pad: zero padding of p = window//2 taps on both sides, and division by the
 * window everywhere, borders included: Ks[j] = (1/w)·Σ_{m=−p..p} K[j+m], K = 0 outside.
 * Written as the sum of w shifted slices of the padded kernel (a composition).
 */
export function smooth(k: Tensor, window: number): Tensor {
  if (!Number.isInteger(window) || window < 1 || window % 2 === 0) {
    throw new RangeError(`smooth: window must be an odd positive integer (the output keeps the kernel length), got ${window}`);
  }
  if (k.ndim < 1) throw new ShapeError(`smooth: the kernel needs a time axis, got shape ${fmt(k.shape)}`);
  const Lk = k.shape[k.ndim - 1];
  const p = (window - 1) / 2;
  const padded = pad(k, [p, p]); // [..., Lk + 2p]
  let total = slice(padded, -1, 0, Lk); // [..., Lk]
  for (let m = 1; m < window; m++) total = add(total, slice(padded, -1, m, m + Lk));
  return div(total, window); // [..., Lk]
}

// ---- kernel dropout ---------------------------------------------------------------------------

/**
 * Inverted dropout on the kernel: each tap is zeroed with probability p, the rest scaled by
 * 1/(1 − p). The kernel has no batch axis, so the one mask of a call is shared by the whole
 * batch. The identity when not training or p = 0.
 */
export function kernelDropout(k: Tensor, p: number, training: boolean, generator: Generator = defaultGenerator): Tensor {
  if (!(p >= 0 && p < 1)) throw new RangeError(`kernelDropout: p must be in [0, 1), got ${p}`);
  return dropout(k, p, training, generator);
}

// ---- the kernel ---------------------------------------------------------------------------

export interface LongConvKernelOptions {
  /** Squash threshold λ (SPEC 3.2: 0.003, the layer config's default, with the std-0.002 init). */
  lambda?: number;
  /** Smoothing window (odd); absent or null: no smoothing (the default of every shipped config). */
  smoothWindow?: number | null;
  /** Kernel dropout probability; default 0. */
  dropout?: number;
  training?: boolean;
  generator?: Generator;
}

/** Smooth → Squash → kernel dropout of the raw kernel [C', H, Lk] (SPEC 3.2).  → [C', H, Lk] */
export function longConvKernel(raw: Tensor, opts: LongConvKernelOptions = {}): Tensor {
  if (raw.ndim !== 3) throw new ShapeError(`longConvKernel: the raw kernel must be [C', H, Lk], got ${fmt(raw.shape)}`);
  const smoothed = opts.smoothWindow === undefined || opts.smoothWindow === null ? raw : smooth(raw, opts.smoothWindow); // [C', H, Lk]
  const squashed = squash(smoothed, opts.lambda ?? 0.003); // [C', H, Lk]
  return kernelDropout(squashed, opts.dropout ?? 0, opts.training ?? false, opts.generator); // [C', H, Lk]
}

// ---- initialisation ---------------------------------------------------------------------------

export interface LongConvInitOptions {
  /** 'random' (default): N(0, 1)·0.002. 'double_exp': 0.02·z·exp(−(j/Lk)·q^(h/H)), q = ⌊H/2⌋. */
  init?: 'random' | 'double_exp';
  dtype?: DType;
  generator?: Generator;
}

/** A raw kernel [C', H, Lk] initialised as LongConvKernel does (SPEC 3.1). */
export function longConvKernelInit(channels: number, H: number, Lk: number, opts: LongConvInitOptions = {}): Tensor {
  for (const [name, v] of [['channels', channels], ['H', H], ['Lk', Lk]] as const) checkPositiveInteger('longConvKernelInit', name, v);
  const init = opts.init ?? 'random';
  if (init !== 'random' && init !== 'double_exp') throw new RangeError(`longConvKernelInit: init must be 'random' or 'double_exp', got '${String(init)}'`);
  const g = opts.generator ?? defaultGenerator;
  const n = channels * H * Lk;
  const k = new Tensor(opts.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n), [channels, H, Lk]);
  const q = Math.floor(H / 2);
  for (let i = 0; i < n; i += 2) {
    const pair = g.normalPair();
    for (let e = 0; e < 2 && i + e < n; e++) {
      const h = Math.floor((i + e) / Lk) % H;
      const j = (i + e) % Lk;
      k.data[i + e] = init === 'random' ? 0.002 * pair[e] : 0.02 * pair[e] * Math.exp(-(j / Lk) * q ** (h / H));
    }
  }
  return k;
}
