// Gradient checks in float64 against central differences, with PyTorch's rules and defaults
// (torch.autograd.gradcheck: eps 1e−6, atol 1e−5, rtol 1e−3).
//
// Slow mode compares every entry of the Jacobian: column by column numerically,
//   J[:, e] ≈ (f(x + ε·e) − f(x − ε·e)) / 2ε,
// and row by row analytically (one backward pass per output element with a one-hot upstream
// gradient). Fast mode compares one random projection vᵀ J u, computed both ways, and on failure
// re-runs slow mode to find the culprit. An entry passes when |analytic − numeric| ≤
// atol + rtol·|numeric|; a failure reports the worst one.

import { DTypeError, fmt } from '../tensor/errors.js';
import { Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { grad } from './backward.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Compare one random projection instead of the whole Jacobian (cheaper for big inputs). */
  fastMode?: boolean;
  /** Run the analytic pass twice and require identical results (default true, tolerance 0). */
  checkDeterminism?: boolean;
  /** Seed for fast mode's random projections and gradgradcheck's upstream gradients. */
  seed?: number;
}

export interface GradcheckEntry {
  input: number;
  index: number[];
  output: number;
  outputIndex: number[];
  analytic: number;
  numeric: number;
}

export interface GradcheckResult {
  ok: boolean;
  /** The entry furthest beyond its tolerance (or closest to it, when everything passed). */
  worst: GradcheckEntry | null;
  maxAbsError: number;
  message: string;
}

type Fn = (...xs: Tensor[]) => Tensor | Tensor[];

const asList = (y: Tensor | Tensor[]): Tensor[] => (Array.isArray(y) ? y : [y]);

function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = shape[d] === 0 ? 0 : i % shape[d];
    i = shape[d] === 0 ? 0 : Math.floor(i / shape[d]);
  }
  return idx;
}

function checkInputs(op: string, inputs: Tensor[]): number[] {
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new TypeError(`${op}: input ${i} is not a Tensor`);
    if (x.dtype !== 'float64') {
      throw new DTypeError(`${op}: input ${i} is ${x.dtype} ${fmt(x.shape)}; finite differences need float64 inputs (use .to('float64'))`);
    }
  });
  const differentiable = inputs.map((x, i) => (x.requiresGrad ? i : -1)).filter((i) => i >= 0);
  if (differentiable.length === 0) throw new RangeError(`${op}: no input requires grad, so there is nothing to check`);
  return differentiable;
}

/**
 * Outputs of fn as float64 arrays. Recording stays on: the function may itself differentiate
 * (gradgradcheck checks a function that calls `grad`); the graph is simply dropped.
 */
function evaluate(fn: Fn, inputs: Tensor[]): Float64Array[] {
  return asList(fn(...inputs)).map((y) => Float64Array.from(y.data));
}

/** Analytic vᵀJ for each differentiable input (zeros where an input is unused). */
function vjp(outputs: Tensor[], inputs: Tensor[], diff: number[], vs: Tensor[]): Float64Array[] {
  const live = outputs.map((y, k) => ({ y, v: vs[k] })).filter(({ y }) => y.requiresGrad);
  if (live.length === 0) return diff.map((i) => new Float64Array(inputs[i].numel));
  const gs = grad(live.map((l) => l.y), diff.map((i) => inputs[i]), live.map((l) => l.v), { retainGraph: true });
  return gs.map((g, j) => (g === null ? new Float64Array(inputs[diff[j]].numel) : Float64Array.from(g.data)));
}

export function gradcheck(fn: Fn, inputs: Tensor[], opts: GradcheckOptions = {}): GradcheckResult {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-3;
  const diff = checkInputs('gradcheck', inputs);
  const outputs = asList(fn(...inputs));
  outputs.forEach((y, k) => {
    if (y.dtype !== 'float64') throw new DTypeError(`gradcheck: output ${k} is ${y.dtype}; the function must compute in float64`);
  });
  if (!opts.fastMode) return slowCheck(fn, inputs, outputs, diff, eps, atol, rtol, opts.checkDeterminism ?? true);
  const fast = fastCheck(fn, inputs, outputs, diff, eps, atol, rtol, opts.seed ?? 0);
  if (fast.ok) return fast;
  // A projection vᵀJu cannot say which entry is wrong, so, as PyTorch does (SPEC 6.1), a failure
  // re-runs the slow check to report the worst entry of the full Jacobian.
  const projection = `gradcheck (fast mode) failed on the random projection vᵀJu (analytic ${fast.worst!.analytic}, numeric ${fast.worst!.numeric})`;
  const slow = slowCheck(fn, inputs, outputs, diff, eps, atol, rtol, false);
  if (slow.ok) {
    return { ...fast, message: `${projection}, but every entry passes the slow check (${slow.message}); the projection's tolerance atol·Σu·Σv may be too tight for this function` };
  }
  return { ok: false, worst: slow.worst, maxAbsError: slow.maxAbsError, message: `${projection}; re-run in slow mode: ${slow.message.replace(/^gradcheck /, '')}` };
}

function slowCheck(fn: Fn, inputs: Tensor[], outputs: Tensor[], diff: number[], eps: number, atol: number, rtol: number, determinism: boolean): GradcheckResult {
  // Numerical Jacobian columns: numeric[j][k][e * outSize + o] = ∂out_k[o] / ∂in_{diff[j]}[e].
  const numeric = diff.map((i) => {
    const x = inputs[i];
    const cols = outputs.map((y) => new Float64Array(x.numel * y.numel));
    for (let e = 0; e < x.numel; e++) {
      const v = x.data[e];
      x.data[e] = v + eps;
      const plus = evaluate(fn, inputs);
      x.data[e] = v - eps;
      const minus = evaluate(fn, inputs);
      x.data[e] = v;
      outputs.forEach((y, k) => {
        for (let o = 0; o < y.numel; o++) cols[k][e * y.numel + o] = (plus[k][o] - minus[k][o]) / (2 * eps);
      });
    }
    return cols;
  });

  const tracker = new WorstTracker(atol, rtol);
  outputs.forEach((y, k) => {
    for (let o = 0; o < y.numel; o++) {
      const oneHot = outputs.map((z, kk) => {
        const t = new Tensor(new Float64Array(z.numel), z.shape);
        if (kk === k) t.data[o] = 1;
        return t;
      });
      const row = vjp(outputs, inputs, diff, oneHot);
      if (determinism) {
        const again = vjp(outputs, inputs, diff, oneHot);
        row.forEach((r, j) => r.forEach((a, e) => {
          if (a !== again[j][e] && !(Number.isNaN(a) && Number.isNaN(again[j][e]))) {
            throw new Error(`gradcheck: backward is not deterministic: input ${diff[j]} index ${fmt(unravel(e, inputs[diff[j]].shape))} gave ${a} then ${again[j][e]}`);
          }
        }));
      }
      row.forEach((r, j) => {
        const x = inputs[diff[j]];
        for (let e = 0; e < x.numel; e++) {
          tracker.see({ input: diff[j], index: unravel(e, x.shape), output: k, outputIndex: unravel(o, y.shape), analytic: r[e], numeric: numeric[j][k][e * y.numel + o] });
        }
      });
    }
  });
  return tracker.result('gradcheck');
}

function fastCheck(fn: Fn, inputs: Tensor[], outputs: Tensor[], diff: number[], eps: number, atol: number, rtol: number, seed: number): GradcheckResult {
  const rng = new Generator(seed);
  const unit = (n: number): Float64Array => {
    const u = new Float64Array(n);
    let norm = 0;
    for (let i = 0; i < n; i++) { u[i] = rng.random(); norm += u[i] * u[i]; }
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < n; i++) u[i] /= norm;
    return u;
  };
  const us = diff.map((i) => unit(inputs[i].numel));
  const vs = outputs.map((y) => new Tensor(unit(y.numel), y.shape));
  // Numerical J·u by one central difference along u, then projected on v.
  const shift = (sign: number): void => diff.forEach((i, j) => { const x = inputs[i]; for (let e = 0; e < x.numel; e++) x.data[e] += sign * eps * us[j][e]; });
  const saved = diff.map((i) => Float64Array.from(inputs[i].data));
  shift(1);
  const plus = evaluate(fn, inputs);
  diff.forEach((i, j) => inputs[i].data.set(saved[j]));
  shift(-1);
  const minus = evaluate(fn, inputs);
  diff.forEach((i, j) => inputs[i].data.set(saved[j]));
  let numeric = 0;
  outputs.forEach((y, k) => { for (let o = 0; o < y.numel; o++) numeric += vs[k].data[o] * (plus[k][o] - minus[k][o]) / (2 * eps); });
  // Analytic (vᵀJ)·u.
  const rows = vjp(outputs, inputs, diff, vs);
  let analytic = 0;
  rows.forEach((r, j) => r.forEach((a, e) => (analytic += a * us[j][e])));
  const total = (xs: ArrayLike<number>): number => { let s = 0; for (let i = 0; i < xs.length; i++) s += xs[i]; return s; };
  const sumU = us.reduce((s, u) => s + total(u), 0);
  const sumV = vs.reduce((s, v) => s + total(v.data), 0);
  const tracker = new WorstTracker(atol * sumU * sumV, rtol);
  tracker.see({ input: -1, index: [], output: -1, outputIndex: [], analytic, numeric });
  return tracker.result('gradcheck (fast mode)');
}

class WorstTracker {
  private worst: GradcheckEntry | null = null;
  private worstExcess = -Infinity;
  private maxAbs = 0;
  private failed = false;
  constructor(private readonly atol: number, private readonly rtol: number) {}

  see(entry: GradcheckEntry): void {
    const err = Math.abs(entry.analytic - entry.numeric);
    const excess = Number.isNaN(err) ? Infinity : err - (this.atol + this.rtol * Math.abs(entry.numeric));
    if (!Number.isNaN(err)) this.maxAbs = Math.max(this.maxAbs, err);
    if (excess > 0) this.failed = true;
    if (excess > this.worstExcess) { this.worst = entry; this.worstExcess = excess; }
  }

  result(label: string): GradcheckResult {
    const w = this.worst;
    const where = w === null ? 'no entries' : w.input < 0 ? 'random projection vᵀJu' : `input ${w.input} index ${fmt(w.index)}, output ${w.output} index ${fmt(w.outputIndex)}`;
    const detail = w === null ? '' : `: analytic ${w.analytic}, numeric ${w.numeric}`;
    const message = this.failed
      ? `${label} failed at ${where}${detail} (|diff| ${Math.abs(w!.analytic - w!.numeric).toExponential(3)} > atol ${this.atol} + rtol ${this.rtol}·|numeric|)`
      : `${label} passed (max |analytic − numeric| ${this.maxAbs.toExponential(3)}; closest to tolerance at ${where})`;
    return { ok: !this.failed, worst: w, maxAbsError: this.maxAbs, message };
  }
}

/**
 * Second derivatives: checks the gradient of fn's VJP, (x, v) ↦ vᵀ ∂fn/∂x, with respect to both
 * x and the upstream gradient v (random, seeded), through `createGraph`.
 */
export function gradgradcheck(fn: Fn, inputs: Tensor[], opts: GradcheckOptions = {}): GradcheckResult {
  const diff = checkInputs('gradgradcheck', inputs);
  const rng = new Generator(opts.seed ?? 0);
  const outputs = asList(fn(...inputs));
  const vs = outputs.map((y) => {
    const v = new Tensor(new Float64Array(y.numel), y.shape);
    for (let i = 0; i < v.numel; i++) v.data[i] = rng.random() * 2 - 1;
    v.requiresGrad = true;
    return v;
  });
  const n = inputs.length;
  const firstOrder = (...xs: Tensor[]): Tensor[] => {
    const ins = xs.slice(0, n);
    const ups = xs.slice(n);
    const ys = asList(fn(...ins));
    const live = ys.map((y, k) => ({ y, v: ups[k] })).filter(({ y }) => y.requiresGrad);
    const gs = live.length === 0 ? diff.map(() => null) : grad(live.map((l) => l.y), diff.map((i) => ins[i]), live.map((l) => l.v), { createGraph: true });
    return gs.map((g, j) => g ?? new Tensor(new Float64Array(ins[diff[j]].numel), ins[diff[j]].shape));
  };
  const result = gradcheck(firstOrder, [...inputs, ...vs], { ...opts, checkDeterminism: opts.checkDeterminism ?? false });
  return { ...result, message: result.message.replace(/^gradcheck/, 'gradgradcheck') };
}
