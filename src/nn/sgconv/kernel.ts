// The SGConv kernel (Li et al. 2022, "What Makes Convolutional Models Great on Long Sequence
// Modeling?"), built exactly as the official GConv module builds it (ctlllll/SGConv
// gconv_standalone.py @ 97862df; SPEC 2.1, 2.2, 2.4, 2.6, 2.9), as a plain differentiable
// function of the sub-kernel weights.
//
// Dimensions: C' kernel channels (C, doubled when bidirectional), H width, d = kernelDim samples
// per sub-kernel, S scales, T = d·2^(S−1+s₀) the full kernel length, L the input length.
//
//   U_i    = Up(W_i · m_h^(S−1−i), r_i)      r_i = 2^(max(0, i−1) + s₀)        [C', H, d·r_i]
//   K_full = Cat(U_0, U_1, …, U_{S−1})                                          [C', H, T]
//   K_full[l] ← K_full[l] · (l+1)^(−t_h)     only in 'learnable' modes          [C', H, T]
//   Z      = ‖K_full‖₂ over l, detached      first call, then frozen by the caller [C', H, 1]
//   K      = fit(K_full, L) / Z              truncate, or zero-pad on the right [C', H, L]
//
// Two principles (the paper's): the parameter count S·d grows like log(L), not L, because each
// scale doubles its span with the same d samples; and the weights decay with distance, because
// scale i is multiplied by m^(S−1−i) (m = 2: α = ½ per scale; the constant m^(S−1) cancels in Z).

import { noGrad } from '../../autograd/grad-mode.js';
import { arange, linspace } from '../../tensor/create.js';
import { type DType } from '../../tensor/dtype.js';
import { DTypeError, ShapeError, fmt } from '../../tensor/errors.js';
import { type Generator, defaultGenerator } from '../../tensor/random.js';
import { Tensor } from '../../tensor/tensor.js';
import { add, div, mul, neg, pow } from '../../ops/binary.js';
import { sum } from '../../ops/reduce.js';
import { concat, pad, reshape, slice } from '../../ops/shape.js';
import { exp, log, sqrt } from '../../ops/unary.js';
import { checkPositiveInteger } from '../layer-utils.js';
import { upsample } from './upsample.js';

// ---- the mode string ------------------------------------------------------------------------

/** What the reference's `mode` string selects (it tests substrings: 'cat_randn_learnable_fixed'). */
export interface SgconvMode {
  /** 'sum' if the string contains it, else 'cat' (which it must then contain). */
  recipe: 'cat' | 'sum';
  /** Initialisation of the sub-kernels: 'randn' (i.i.d. N(0, 1)) or 'cos' (sgconvCosInit). */
  init: 'randn' | 'cos';
  interpolation: 'linear' | 'nearest';
  /** A per-width polynomial decay (l+1)^(−t_h) replaces the per-scale multiplier (SPEC 2.6). */
  learnable: boolean;
  /** With 'learnable': the exponents t are constants (no gradient). */
  fixed: boolean;
}

export function parseSgconvMode(mode: string): SgconvMode {
  const recipe = mode.includes('sum') ? 'sum' : mode.includes('cat') ? 'cat' : null;
  const init = mode.includes('randn') ? 'randn' : mode.includes('cos') ? 'cos' : null;
  if (recipe === null || init === null) {
    throw new RangeError(`sgconv: unknown mode '${mode}': it must contain 'cat' or 'sum' and 'randn' or 'cos' (e.g. 'cat_randn', 'cat_randn_learnable_fixed', 'cat_cos')`);
  }
  return {
    recipe,
    init,
    interpolation: mode.includes('nearest') ? 'nearest' : 'linear',
    learnable: mode.includes('learnable'),
    fixed: mode.includes('fixed'),
  };
}

// ---- scales -----------------------------------------------------------------------------------

export interface SgconvScales {
  /** S = 1 + ⌈log2(lMax/d)⌉ − s₀. */
  nScales: number;
  /** The upsampling factor of each scale: 2^(max(0, i−1)+s₀) (cat) or 2^(i+s₀) (sum). */
  factors: number[];
  /** T = d·2^(S−1+s₀), the full kernel length (≥ lMax). */
  length: number;
}

/** ⌈log2(q)⌉ for a positive rational q = a/b, exactly (no floating-point log). */
function ceilLog2Ratio(a: number, b: number): number {
  let n = 0;
  while (b * 2 ** n < a) n++;
  while (b * 2 ** (n - 1) >= a) n--;
  return n;
}

/** Number of scales, their upsampling factors and the full kernel length (SPEC 2.1, 2.2, 2.9 #1). */
export function sgconvScales(lMax: number, kernelDim: number, initScale = 0, recipe: 'cat' | 'sum' = 'cat'): SgconvScales {
  checkPositiveInteger('sgconvScales', 'lMax', lMax);
  checkPositiveInteger('sgconvScales', 'kernelDim', kernelDim);
  if (!Number.isInteger(initScale) || initScale < 0) throw new RangeError(`sgconvScales: initScale must be a non-negative integer, got ${initScale}`);
  const nScales = 1 + ceilLog2Ratio(lMax, kernelDim) - initScale;
  if (nScales < 1) {
    const why = initScale === 0
      ? `lMax must exceed kernelDim/2 = ${kernelDim / 2}`
      : `lMax must exceed kernelDim·2^(initScale−1) = ${kernelDim * 2 ** (initScale - 1)}`;
    throw new RangeError(`sgconvScales: lMax ${lMax}, kernelDim ${kernelDim}, initScale ${initScale} give n_scales = 1 + ceil(log2(lMax/kernelDim)) − initScale = ${nScales} < 1; ${why}`);
  }
  const factors = Array.from({ length: nScales }, (_, i) => 2 ** ((recipe === 'cat' ? Math.max(0, i - 1) : i) + initScale));
  return { nScales, factors, length: kernelDim * 2 ** (nScales - 1 + initScale) };
}

/** The per-width multiplier m_h = linspace(decayMin, decayMax, H) (the `multiplier` buffer).  [H] */
export function sgconvMultiplier(decayMin: number, decayMax: number, H: number, dtype: DType = 'float32'): Tensor {
  if (!Number.isFinite(decayMin) || !Number.isFinite(decayMax)) throw new RangeError(`sgconvMultiplier: decayMin and decayMax must be finite, got ${decayMin}, ${decayMax}`);
  return linspace(decayMin, decayMax, H, { dtype });
}

// ---- the kernel -------------------------------------------------------------------------------

export interface SgconvKernelOptions {
  /** Maximum sequence length: fixes S (not the input length). */
  lMax: number;
  /** d, the length of every sub-kernel parameter. */
  kernelDim: number;
  /** The input length the kernel is fitted to. */
  L: number;
  /** Range of the multiplier m_h = linspace(decayMin, decayMax, H); default 2, 2 (α = ½). */
  decayMin?: number;
  decayMax?: number;
  /** s₀, an extra upsampling exponent for every scale; default 0. */
  initScale?: number;
  /** The reference's mode string; default 'cat_randn'. */
  mode?: string;
  /** t [H], the decay exponents of 'learnable' modes (detached when the mode has 'fixed'). */
  decay?: Tensor | null;
  /** The frozen Z [C', H, 1]; null or absent: compute it from this call's full kernel. */
  kernelNorm?: Tensor | null;
}

export interface SgconvKernelResult {
  /** K = fit(K_full, L) / Z.  [C', H, L] (for bidirectional layers: causal channels first). */
  kernel: Tensor;
  /** Z, detached: the given one, or ‖K_full‖₂ of this call.  [C', H, 1] */
  kernelNorm: Tensor;
  /** The untruncated, unnormalised kernel.  [C', H, T] */
  kernelFull: Tensor;
}

/**
 * The SGConv kernel from the S sub-kernels `weights` (each [C', H, d]), SPEC 2.2. The caller
 * keeps Z: pass `kernelNorm: null` on the first call, store the returned `kernelNorm`, and pass
 * it on every later call (the official module's `kernel_norm` buffer, frozen after the first
 * forward). A row whose full kernel is all zeros has Z = 0 and gives NaN, as the reference.
 */
export function sgconvKernel(weights: readonly Tensor[], opts: SgconvKernelOptions): SgconvKernelResult {
  const modeName = opts.mode ?? 'cat_randn';
  const mode = parseSgconvMode(modeName);
  const { kernelDim: d, L } = opts;
  checkPositiveInteger('sgconvKernel', 'L', L);
  const { nScales: S, factors, length: T } = sgconvScales(opts.lMax, d, opts.initScale ?? 0, mode.recipe);
  const [Cp, H] = checkWeights(weights, S, d);
  const dtype = weights[0].dtype;
  if (!mode.learnable && opts.decay !== undefined && opts.decay !== null) {
    throw new RangeError(`sgconvKernel: a decay tensor was given but mode '${modeName}' is not 'learnable'`);
  }
  const t = mode.learnable ? checkDecay(opts.decay, H, dtype) : null; // [H]

  // Scale weights m_h^(S−1−i): scale 0 (nearest in time) gets the largest. Learnable modes use
  // m = 1 (the reference's scalar `multiplier` buffer) and decay through t instead.
  const m = mode.learnable ? null : reshape(sgconvMultiplier(opts.decayMin ?? 2, opts.decayMax ?? 2, H, dtype), [H, 1]); // [H, 1]
  const weighted = weights.map((w, i) => (m === null ? w : mul(w, pow(m, S - 1 - i)))); // [C', H, d]
  const scales = weighted.map((w, i) => upsample(w, factors[i], mode.interpolation)); // [C', H, d·r_i]
  let kFull = mode.recipe === 'cat'
    ? concat(scales, 2) // [C', H, T]
    : scales.map((u) => pad(u, [0, T - u.shape[2]])).reduce((acc, u) => add(acc, u)); // [C', H, T]

  if (t !== null) {
    const rate = reshape(mode.fixed ? t.detach() : t, [H, 1]); // [H, 1]
    const logLag = log(arange(1, T + 1, 1, { dtype })); // log(l + 1)  [T]
    kFull = mul(kFull, exp(mul(neg(rate), logLag))); // (l+1)^(−t_h)  [C', H, T]
  }

  const kernelNorm = opts.kernelNorm === undefined || opts.kernelNorm === null
    ? noGrad(() => sqrt(sum(mul(kFull, kFull), 2, true))).detach() // [C', H, 1]
    : checkNorm(opts.kernelNorm, Cp, H, dtype).detach();
  const fitted = T > L ? slice(kFull, 2, 0, L) : T < L ? pad(kFull, [0, L - T]) : kFull; // [C', H, L]
  return { kernel: div(fitted, kernelNorm), kernelNorm, kernelFull: kFull };
}

function checkWeights(weights: readonly Tensor[], S: number, d: number): [number, number] {
  if (weights.length !== S) throw new RangeError(`sgconvKernel: expected ${S} sub-kernels (n_scales for these lMax, kernelDim, initScale), got ${weights.length}`);
  const first = weights[0];
  if (first.ndim !== 3 || first.shape[2] !== d) throw new ShapeError(`sgconvKernel: each sub-kernel must be [C', H, kernelDim = ${d}], got ${fmt(first.shape)}`);
  weights.forEach((w, i) => {
    if (w.dtype !== first.dtype) throw new DTypeError(`sgconvKernel: sub-kernel ${i} is ${w.dtype} but sub-kernel 0 is ${first.dtype}`);
    if (w.ndim !== 3 || w.shape.some((s, a) => s !== first.shape[a])) {
      throw new ShapeError(`sgconvKernel: sub-kernel ${i} has shape ${fmt(w.shape)} but sub-kernel 0 has ${fmt(first.shape)}; all must be [C', H, ${d}]`);
    }
  });
  return [first.shape[0], first.shape[1]];
}

function checkDecay(decay: Tensor | null | undefined, H: number, dtype: DType): Tensor {
  if (decay === undefined || decay === null) throw new RangeError(`sgconvKernel: a 'learnable' mode needs the decay exponents t [H = ${H}] (opts.decay)`);
  if (decay.ndim !== 1 || decay.shape[0] !== H) throw new ShapeError(`sgconvKernel: decay must be [H = ${H}], got ${fmt(decay.shape)}`);
  if (decay.dtype !== dtype) throw new DTypeError(`sgconvKernel: decay is ${decay.dtype} but the sub-kernels are ${dtype}`);
  return decay;
}

function checkNorm(z: Tensor, Cp: number, H: number, dtype: DType): Tensor {
  if (z.ndim !== 3 || z.shape[0] !== Cp || z.shape[1] !== H || z.shape[2] !== 1) {
    throw new ShapeError(`sgconvKernel: kernelNorm must be [C' = ${Cp}, H = ${H}, 1], got ${fmt(z.shape)}`);
  }
  if (z.dtype !== dtype) throw new DTypeError(`sgconvKernel: kernelNorm is ${z.dtype} but the sub-kernels are ${dtype}`);
  return z;
}

// ---- initialisations ----------------------------------------------------------------------

export interface SgconvInitOptions {
  dtype?: DType;
  generator?: Generator;
}

/**
 * The 'cos' initialisation (SPEC 2.2 "Other recipes", the official Path-X config): for each of
 * the S scales, row q of H gets cos(linspace(0, 2πq, d)), the same for all C' channels, and the
 * H rows are shuffled by a random permutation drawn independently per scale.  S × [C', H, d]
 */
export function sgconvCosInit(channels: number, H: number, kernelDim: number, nScales: number, opts: SgconvInitOptions = {}): Tensor[] {
  for (const [name, v] of [['channels', channels], ['H', H], ['kernelDim', kernelDim], ['nScales', nScales]] as const) {
    checkPositiveInteger('sgconvCosInit', name, v);
  }
  const dtype = opts.dtype ?? 'float32';
  const g = opts.generator ?? defaultGenerator;
  const d = kernelDim;
  const rows = Array.from({ length: H }, (_, q) => linspace(0, 2 * Math.PI * q, d, { dtype: 'float64' }).data.map(Math.cos));
  return Array.from({ length: nScales }, () => {
    const perm = randperm(H, g);
    const w = new Tensor(dtype === 'float64' ? new Float64Array(channels * H * d) : new Float32Array(channels * H * d), [channels, H, d]);
    for (let c = 0; c < channels; c++) for (let h = 0; h < H; h++) w.data.set(rows[perm[h]], (c * H + h) * d);
    return w;
  });
}

/** A uniformly random permutation of 0..n−1 (Fisher–Yates). */
function randperm(n: number, g: Generator): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = g.randint(0, i + 1);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/** The decay exponents of 'learnable' modes: t_h ~ U[decayMin, decayMax) (SPEC 2.6).  [H] */
export function sgconvDecayInit(H: number, decayMin: number, decayMax: number, opts: SgconvInitOptions = {}): Tensor {
  checkPositiveInteger('sgconvDecayInit', 'H', H);
  if (!(decayMax >= decayMin)) throw new RangeError(`sgconvDecayInit: need decayMin ≤ decayMax, got ${decayMin}, ${decayMax}`);
  const g = opts.generator ?? defaultGenerator;
  const t = new Tensor(opts.dtype === 'float64' ? new Float64Array(H) : new Float32Array(H), [H]);
  for (let h = 0; h < H; h++) t.data[h] = decayMin + g.random() * (decayMax - decayMin);
  return t;
}
