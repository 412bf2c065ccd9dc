// The layer around an SSM convolution kernel, shared by nn.S4 (s4-layer.ts) and nn.S4D
// (s4d-layer.ts): SPEC 4.9, the S4-v3 `S4` module (GELU before dropout, output linear + GLU in
// the same module) in the [B, L, H] layout, with S4-v4's parameter names in the kernel.
//
// Dimensions: B batch, L length, H = dModel, N = dState (N2 = N/2 stored complex modes),
// C channels, C' = C·(2 if bidirectional) kernel channels, S = nSSM tied copies of (Λ, P, B).
//
//   v = uᵀ                                                        [B, H, L]
//   K = kernel(L)                    C'·H independent SSMs        [C', H, Lk]   (SPEC 4.5, 4.9 #1)
//                                    Lk = min(L, lMax), or L without lMax
//   y = K ∗ v + D[c,h]·v             two-sided when bidirectional [B, C, H, L]  (4.9 #2, 4, 5)
//   z = Dropout(GELU(flatten_{c·H+h}(y)))ᵀ                        [B, L, C·H]   (4.9 #6)
//   out = GLU(z Wᵀ + b),  W [2H, C·H]                             [B, L, H]     (4.9 #7)
//
// Recurrent mode (SPEC 4.1, 4.10 #6): `setupStep()` discretises the kernel's SSMs once, without
// gradient; `step(u_t, x)` then advances every row's state by one position in O(N) and applies
// the same D skip, activation and output linear, so that stepping through u reproduces the
// convolutional forward at every position t < lMax, or every position without lMax (dropout is
// not applied: stepping is inference). States are float64 [B, C·H, N2, 2] whatever the layer's
// dtype.

import { noGrad } from '../autograd/grad-mode.js';
import { randn, zeros } from '../tensor/create.js';
import { type DType } from '../tensor/dtype.js';
import { DTypeError, ShapeError, fmt } from '../tensor/errors.js';
import { type Generator, defaultGenerator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { add, mul, neg } from '../ops/binary.js';
import { dropout } from '../ops/activation.js';
import { complex } from '../ops/complex.js';
import { fftConv } from '../ops/conv.js';
import { expand, reshape, transpose, unsqueeze } from '../ops/shape.js';
import { exp } from '../ops/unary.js';
import { type Sequential } from './containers.js';
import { type Linear } from './linear.js';
import { type LayerOptions, Module } from './module.js';
import { type OptimHints, Parameter, checkHints } from './parameter.js';
import { type Activation, checkPositiveInteger as checkCount, outputLinear, pointwise } from './layer-utils.js';

export interface SSMLayerOptions extends LayerOptions {
  /** H, the width. */
  dModel: number;
  /** N, the state size (even: N/2 complex modes and their conjugates). Default 64. */
  dState?: number;
  /**
   * The kernel length: kernels have min(L, lMax) taps. Absent: L taps (S4's internal length then
   * starts at the first input length and doubles as longer inputs arrive, SPEC 4.5).
   */
  lMax?: number;
  /** C, independent kernels per width unit; the output linear reads C·H features. Default 1. */
  channels?: number;
  /** Add C anti-causal kernels (two-sided convolution; no stepping). Default false. */
  bidirectional?: boolean;
  /** Δ is log-uniform in [dtMin, dtMax] at init. Defaults 0.001, 0.1. */
  dtMin?: number;
  dtMax?: number;
  /** Elementwise dropout after the activation. Default 0. */
  dropout?: number;
  /** Pointwise activation after the D skip. Default 'gelu'. */
  activation?: Activation;
  /** 'glu' (default): Linear(C·H, 2H) + GLU; 'id': Sequential(Linear(C·H, H)); null: Linear(C·H, H). */
  postact?: 'glu' | 'id' | null;
  /** S, the number of independent (Λ, P, B) copies tiled over H (H % S = 0). Default 1. */
  nSSM?: number;
  /** Learning-rate hint of log_dt, A_real, A_imag, P, B (weight decay 0 always); null: the group's lr. Default 0.001. */
  kernelLr?: number | null;
}

/** What a kernel module is built from (the layer's options, checked). */
export interface KernelConfig {
  H: number;
  N: number;
  /** C', kernel channels. */
  channels: number;
  S: number;
  lMax: number | null;
  dtMin: number;
  dtMax: number;
  hints: OptimHints;
  dtype: DType;
  generator: Generator;
}

/** One step of the discrete SSMs of the causal channels: x [B, C·H, N2, 2], u [B, C·H] (float64). */
export type Recurrence = (x: Tensor, u: Tensor) => { y: Tensor; x: Tensor };

/** What the layer needs from its kernel module. */
export interface SSMKernelModule extends Module {
  /** K [C', H, min(L, lMax)] (L taps without lMax), differentiable in the kernel parameters. */
  forward(L: number): Tensor;
  /** The discrete recurrence of the C' rows c·H + h (called without gradient). */
  recurrence(): Recurrence;
}

// ---- parameter helpers shared by the two kernels ---------------------------------------------

/** log Δ ~ U[log dtMin, log dtMax], [H] (S4-v4 init_dt with the "exp" transform). */
export function initLogDt(cfg: KernelConfig): Tensor {
  const [lo, hi] = [Math.log(cfg.dtMin), Math.log(cfg.dtMax)];
  const t = zeros([cfg.H], { dtype: cfg.dtype });
  for (let h = 0; h < cfg.H; h++) t.data[h] = lo + (hi - lo) * cfg.generator.random();
  return t;
}

/** A_real = log(−Re Λ), A_imag = −Im Λ (each clamped to ≥ 1e−4, S4-v4 inv_transform), tiled to [S, N2]. */
export function lambdaParams(Lambda: Tensor, cfg: KernelConfig): { Areal: Tensor; Aimag: Tensor } {
  const N2 = Lambda.shape[0];
  const Areal = zeros([cfg.S, N2], { dtype: cfg.dtype });
  const Aimag = zeros([cfg.S, N2], { dtype: cfg.dtype });
  for (let s = 0; s < cfg.S; s++) for (let n = 0; n < N2; n++) {
    Areal.data[s * N2 + n] = Math.log(Math.max(-Lambda.data[2 * n], 1e-4));
    Aimag.data[s * N2 + n] = Math.max(-Lambda.data[2 * n + 1], 1e-4);
  }
  return { Areal, Aimag };
}

/** Λ = −exp(A_real) − i·A_imag, [S, N2, 2], inside the graph. */
export function lambdaOf(Areal: Tensor, Aimag: Tensor): Tensor {
  return complex(neg(exp(Areal)), neg(Aimag));
}

/** A complex vector x [N2, 2] repeated over S copies: [1, S, N2, 2]. */
export function repeatCopies(x: Tensor, cfg: KernelConfig): Tensor {
  const t = zeros([1, cfg.S, ...x.shape], { dtype: cfg.dtype });
  for (let s = 0; s < cfg.S; s++) t.data.set(x.data, s * x.numel);
  return t;
}

/** Complex standard normal, real and imaginary parts i.i.d. N(0, ½) (torch.randn, cfloat). */
export function complexNormal(shape: number[], cfg: KernelConfig): Tensor {
  const t = zeros([...shape, 2], { dtype: cfg.dtype });
  for (let i = 0; i < t.numel; i += 2) {
    const [a, b] = cfg.generator.normalPair();
    t.data[i] = a * Math.SQRT1_2;
    t.data[i + 1] = b * Math.SQRT1_2;
  }
  return t;
}

/** Copy s of [S, ...] for row r = c·H + h is s = h mod S (S4-v4's repeat '(v t)'): [R, ...], or x itself when S = 1. */
export function tileRows(x: Tensor, R: number): Tensor {
  const S = x.shape[0];
  return S === 1 ? x : reshape(expand(unsqueeze(x, 0), [R / S, ...x.shape]), [R, ...x.shape.slice(1)]);
}

/** log Δ [H] for the C'·H rows: [C'·H]. */
export function logDtRows(logDt: Tensor, channels: number): Tensor {
  const H = logDt.shape[0];
  return channels === 1 ? logDt : reshape(expand(unsqueeze(logDt, 0), [channels, H]), [channels * H]);
}

// ---- the layer ---------------------------------------------------------------------------------

export abstract class SSMLayer extends Module {
  static override stateNames: Readonly<Record<string, string>> = { outputLinear: 'output_linear' };

  readonly dModel: number;
  readonly dState: number;
  readonly lMax: number | null;
  readonly channels: number;
  readonly bidirectional: boolean;
  readonly dtMin: number;
  readonly dtMax: number;
  readonly nSSM: number;
  readonly dropout: number;
  readonly activation: Activation;
  readonly postact: 'glu' | 'id' | null;
  readonly generator: Generator;
  readonly #who: string;
  readonly #act: (x: Tensor) => Tensor;
  #recurrence: Recurrence | null = null;

  // State: D, then the kernel's parameters (kernel.*), then the output linear (output_linear.*).
  readonly D: Parameter; //                              [C, H]   skip, N(0, 1)
  readonly kernel: SSMKernelModule; //                   log_dt, A_real, A_imag, (P), B, C
  readonly outputLinear: Linear | Sequential; //         [2H, C·H] + bias, then GLU

  protected constructor(who: string, opts: SSMLayerOptions, makeKernel: (cfg: KernelConfig) => SSMKernelModule) {
    super();
    const H = opts.dModel;
    checkCount(who, 'dModel', H);
    const N = opts.dState ?? 64;
    if (!Number.isInteger(N) || N < 2 || N % 2 !== 0) throw new RangeError(`${who}: dState must be an even integer ≥ 2 (N/2 complex modes and their conjugates), got ${N}`);
    const C = opts.channels ?? 1;
    checkCount(who, 'channels', C);
    const S = opts.nSSM ?? 1;
    checkCount(who, 'nSSM', S);
    if (H % S !== 0) throw new RangeError(`${who}: nSSM = ${S} must divide dModel = ${H}`);
    const lMax = opts.lMax ?? null;
    if (lMax !== null) checkCount(who, 'lMax', lMax);
    const [dtMin, dtMax] = [opts.dtMin ?? 0.001, opts.dtMax ?? 0.1];
    if (!(dtMin > 0 && dtMax >= dtMin && Number.isFinite(dtMax))) throw new RangeError(`${who}: need 0 < dtMin ≤ dtMax, got dtMin ${dtMin}, dtMax ${dtMax}`);
    const p = opts.dropout ?? 0;
    if (!(p >= 0 && p < 1)) throw new RangeError(`${who}: dropout must be in [0, 1), got ${p}`);
    const postact = opts.postact === undefined ? 'glu' : opts.postact;
    if (postact !== 'glu' && postact !== 'id' && postact !== null) throw new RangeError(`${who}: postact must be 'glu', 'id' or null, got '${String(postact)}'`);
    const lr = opts.kernelLr === undefined ? 0.001 : opts.kernelLr;
    const hints: OptimHints = lr === null ? { weightDecay: 0 } : { lr, weightDecay: 0 };
    checkHints(hints);
    this.#who = who;
    this.#act = pointwise(opts.activation ?? 'gelu', who);
    this.dModel = H;
    this.dState = N;
    this.lMax = lMax;
    this.channels = C;
    this.bidirectional = opts.bidirectional ?? false;
    this.dtMin = dtMin;
    this.dtMax = dtMax;
    this.nSSM = S;
    this.dropout = p;
    this.activation = opts.activation ?? 'gelu';
    this.postact = postact;
    this.generator = opts.generator ?? defaultGenerator;
    const dtype = opts.dtype ?? 'float32';
    const generator = this.generator;

    // Initialisation order: the kernel (log_dt, then C), D, the output linear.
    const Cp = this.bidirectional ? 2 * C : C;
    this.kernel = makeKernel({ H, N, channels: Cp, S, lMax, dtMin, dtMax, hints, dtype, generator });
    this.D = new Parameter(randn([C, H], { dtype, generator }));
    this.outputLinear = outputLinear(C * H, H, this.postact, { dtype, generator }, who);
  }

  /** u [B, L, H] → [B, L, H]. */
  forward(u: Tensor): Tensor {
    const { dModel: H, channels: C } = this;
    if (!(u instanceof Tensor) || u.ndim !== 3 || u.shape[2] !== H || u.shape[1] < 1) {
      throw new ShapeError(`${this.#who}: input must be [B, L, H = ${H}] with L ≥ 1, got ${u instanceof Tensor ? fmt(u.shape) : typeof u}`);
    }
    if (u.dtype !== this.D.dtype) throw new DTypeError(`${this.#who}: input is ${u.dtype} but the layer is ${this.D.dtype}; convert one of them with .to()`);
    const [B, L] = u.shape;
    const v = transpose(u, 1, 2); //                                                  [B, H, L]
    const K = this.kernel.forward(L); //                                              [C', H, Lk]
    const conv = fftConv(v, K, { bidirectional: this.bidirectional }); //             [B, C, H, L]
    const skip = mul(unsqueeze(v, 1), reshape(this.D, [1, C, H, 1])); //              [B, C, H, L]
    const y = reshape(add(conv, skip), [B, C * H, L]); //                             [B, C·H, L]  feature c·H + h
    const z = this.#act(transpose(y, 1, 2)); //                                       [B, L, C·H]
    const dropped = dropout(z, this.dropout, this.training, this.generator); //       [B, L, C·H]
    return this.outputLinear.forward(dropped); //                                      [B, L, H]
  }

  // ---- recurrent mode ------------------------------------------------------------------------

  /** Discretise the current parameters for `step` (no gradient). Call again after they change. */
  setupStep(): void {
    this.#checkCausal('setupStep');
    this.#recurrence = noGrad(() => this.kernel.recurrence());
  }

  /** The zero state for `batch` sequences: float64 [batch, C·H, N2, 2]. */
  initialState(batch: number): Tensor {
    checkCount(`${this.#who}.initialState`, 'batch', batch);
    return zeros([batch, this.channels * this.dModel, this.dState / 2, 2], { dtype: 'float64' });
  }

  /**
   * One position of the layer: u_t [B, H] and the state → y_t [B, H] and the next state. Equal
   * to the forward's output at that position (t < lMax when lMax is set; dropout off). Records no
   * graph.
   */
  step(u: Tensor, state: Tensor): { y: Tensor; state: Tensor } {
    this.#checkCausal('step');
    const recurrence = this.#recurrence;
    if (recurrence === null) throw new Error(`${this.#who}.step: call setupStep() first (and again whenever the parameters change)`);
    const { dModel: H, channels: C } = this;
    const who = `${this.#who}.step`;
    if (!(u instanceof Tensor) || u.ndim !== 2 || u.shape[1] !== H) throw new ShapeError(`${who}: u_t must be [B, H = ${H}], got ${u instanceof Tensor ? fmt(u.shape) : typeof u}`);
    if (u.dtype !== this.D.dtype) throw new DTypeError(`${who}: u_t is ${u.dtype} but the layer is ${this.D.dtype}; convert one of them with .to()`);
    const B = u.shape[0];
    const want = [B, C * H, this.dState / 2, 2];
    if (!(state instanceof Tensor) || state.dtype !== 'float64' || fmt(state.shape) !== fmt(want)) {
      throw new ShapeError(`${who}: the state must be float64 ${fmt(want)} for u_t ${fmt(u.shape)} (see initialState(${B})), got ${state instanceof Tensor ? `${state.dtype} ${fmt(state.shape)}` : typeof state}`);
    }
    return noGrad(() => {
      const rows = reshape(expand(unsqueeze(u.to('float64'), 1), [B, C, H]), [B, C * H]); //  u_t per row  [B, C·H]
      const r = recurrence(state, rows); //                                               y [B, C·H], x [B, C·H, N2, 2]
      const y = add(reshape(r.y.to(u.dtype), [B, C, H]), mul(unsqueeze(u, 1), this.D)); //  + D·u  [B, C, H]
      const z = this.#act(reshape(y, [B, C * H])); //                                      [B, C·H]
      return { y: this.outputLinear.forward(z), state: r.x }; //                           [B, H]
    });
  }

  #checkCausal(what: string): void {
    if (this.bidirectional) throw new RangeError(`${this.#who}.${what}: a bidirectional layer has no recurrent mode (its anti-causal kernels see future inputs); step a layer built with bidirectional: false`);
  }
}
