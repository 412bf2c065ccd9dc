// One-line op tests: random float64 inputs, gradcheck (and gradgradcheck) with PyTorch's
// defaults, and a failure message that names the worst entry.

import * as assert from 'uvu/assert';
import { Generator } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { gradcheck, gradgradcheck, type GradcheckOptions } from '../../src/autograd/gradcheck.js';

export interface RandomInput {
  /** Keep values at least this far from 0 (for abs, relu, log, division…). */
  awayFromZero?: number;
  /** Only positive values. */
  positive?: boolean;
  scale?: number;
}

/** A float64 tensor of uniform values in (−scale, scale) that requires grad. */
export function rnd(shape: readonly number[], seed = 1, opts: RandomInput = {}): Tensor {
  const g = new Generator(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n);
  const scale = opts.scale ?? 1;
  const gap = opts.awayFromZero ?? 0;
  for (let i = 0; i < n; i++) {
    let v = (g.random() * 2 - 1) * scale;
    if (opts.positive) v = Math.abs(v);
    if (gap > 0) v = (v < 0 ? -gap : gap) + v * (1 - gap / scale);
    data[i] = v;
  }
  const t = new Tensor(data, shape);
  t.requiresGrad = true;
  return t;
}

type Fn = (...xs: Tensor[]) => Tensor | Tensor[];

/** gradcheck fn at the given inputs; fails the test with the worst entry. */
export function checkGrad(fn: Fn, inputs: Tensor[], opts: GradcheckOptions = {}, label = ''): void {
  const r = gradcheck(fn, inputs, opts);
  assert.ok(r.ok, `${label ? label + ': ' : ''}${r.message}`);
}

/** gradcheck and gradgradcheck together (for primitives). */
export function checkGradGrad(fn: Fn, inputs: Tensor[], opts: GradcheckOptions = {}, label = ''): void {
  checkGrad(fn, inputs, opts, label);
  const r = gradgradcheck(fn, inputs, opts);
  assert.ok(r.ok, `${label ? label + ': ' : ''}${r.message}`);
}
