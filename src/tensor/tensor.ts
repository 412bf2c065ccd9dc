// The Tensor: one contiguous row-major typed array, a shape, a dtype, and the autograd fields
// (`requiresGrad`, `grad`, `gradFn`). Tensors are values: ops never write into their inputs and
// always return a new tensor (a reshape may share its input's storage, as a PyTorch view does).
//
// The method forms (`x.add(y)`, `x.sum(1)`) and `backward()` are one-line delegations to
// `src/ops/` and `src/autograd/`. This is the one place where a lower layer imports higher ones,
// an exception to DESIGN.md's layer rule that DESIGN.md itself does not list; it is kept because
// every delegation is resolved at call time, so the module cycle is harmless.

import { type DType, type Storage, dtypeOf } from './dtype.js';
import { AutogradError, DTypeError, fmt } from './errors.js';
import { type Shape, sizeOf, stridesOf } from './shape.js';
import * as ops from '../ops/index.js';
import { backward as runBackward, type BackwardOptions } from '../autograd/backward.js';

/** A vector-Jacobian product: upstream gradient in, one gradient (or null) per input out. */
export type VJP = (grad: Tensor, needsGrad: readonly boolean[]) => (Tensor | null)[];

/** The node that an op records in the graph for the tensor it produced. */
export interface GradFn {
  readonly name: string;
  /** The op's tensor inputs; emptied when the graph is freed. */
  inputs: Tensor[];
  /** The op's VJP; null once the graph has been freed by a backward pass. */
  vjp: VJP | null;
}

export type NestedArray = number | NestedArray[];

export class Tensor {
  /** The storage: `data[i]` is element i in row-major order. */
  readonly data: Storage;
  readonly shape: Shape;
  readonly dtype: DType;
  /** Accumulated gradient of a leaf after `backward()` (or of a tensor that called `retainGrad`). */
  grad: Tensor | null = null;
  /** The op that produced this tensor, or null for a leaf. */
  gradFn: GradFn | null = null;
  /** Set by `retainGrad()`: keep `.grad` for this non-leaf tensor too. */
  retainsGrad = false;
  private requires = false;

  /** Wrap existing storage (not copied). Use `tensor()` to build one from user data. */
  constructor(data: Storage, shape: Shape) {
    const dtype = dtypeOf(data, 'Tensor');
    const n = sizeOf(shape);
    if (data.length !== n) {
      throw new RangeError(`Tensor: storage has ${data.length} elements but shape ${fmt(shape)} needs ${n}`);
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get numel(): number {
    return this.data.length;
  }

  get strides(): number[] {
    return stridesOf(this.shape);
  }

  /** Size of one dimension (negative dims count from the end). */
  size(dim: number): number {
    const d = dim < 0 ? dim + this.ndim : dim;
    if (!Number.isInteger(d) || d < 0 || d >= this.ndim) {
      throw new RangeError(`size: dim ${dim} is out of range for a tensor of shape ${fmt(this.shape)}`);
    }
    return this.shape[d];
  }

  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** Whether gradients flow to (leaf) or through (op result) this tensor. */
  get requiresGrad(): boolean {
    return this.requires;
  }

  set requiresGrad(value: boolean) {
    if (!this.isLeaf) {
      throw new AutogradError(`requiresGrad can only be set on a leaf tensor; this one was produced by ${this.gradFn!.name}. Use detach() first.`);
    }
    this.requires = value;
  }

  /** Chainable form: `randn([3]).requiresGrad_()`. */
  requiresGrad_(value = true): this {
    this.requiresGrad = value;
    return this;
  }

  /** @internal Used by the graph recorder to mark op results. */
  markRequiresGrad(gradFn: GradFn): void {
    this.gradFn = gradFn;
    this.requires = true;
  }

  /** Keep the gradient of this non-leaf tensor in `.grad` during backward. */
  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }

  /**
   * Reverse-mode differentiation from this tensor. A non-scalar needs the upstream gradient
   * `grad` (same shape). The graph is freed afterwards unless `retainGraph`; with
   * `createGraph` the backward pass is itself recorded, so gradients can be differentiated.
   * Both `y.backward(g, opts)` and, for a scalar, `y.backward({ createGraph: true })` work.
   */
  backward(gradOrOpts?: Tensor | BackwardOptions, opts?: BackwardOptions): void {
    // A plain object in first position is the options (PyTorch's keyword form); anything else
    // there is the upstream gradient, which the engine checks is a Tensor.
    if (isPlainObject(gradOrOpts)) {
      if (opts !== undefined) {
        throw new AutogradError('backward: options were given twice; call backward(grad, opts) or backward(opts), not backward(opts, opts)');
      }
      runBackward([this], undefined, gradOrOpts);
      return;
    }
    runBackward([this], gradOrOpts === undefined ? undefined : [gradOrOpts], opts ?? {});
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.numel !== 1) throw new RangeError(`item: only one-element tensors can be converted to a number, got shape ${fmt(this.shape)}`);
    return this.data[0];
  }

  /** Nested JavaScript arrays (a plain number for a 0-d tensor). */
  toArray(): NestedArray {
    if (this.ndim === 0) return this.data[0];
    const strides = this.strides;
    const build = (dim: number, offset: number): NestedArray[] => {
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[dim]; i++) {
        const o = offset + i * strides[dim];
        out.push(dim === this.ndim - 1 ? this.data[o] : build(dim + 1, o));
      }
      return out;
    };
    return build(0, 0);
  }

  /** A new tensor that shares storage but has no graph: gradients stop here. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  toString(): string {
    return `tensor(${formatValues(this)}, shape=${fmt(this.shape)}, dtype=${this.dtype}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }

  // ---- method forms (see src/ops/ for the definitions) -------------------------------------
  to(dtype: DType): Tensor { return ops.to(this, dtype); }
  clone(): Tensor { return ops.clone(this); }
  add(other: Tensor | number): Tensor { return ops.add(this, other); }
  sub(other: Tensor | number): Tensor { return ops.sub(this, other); }
  mul(other: Tensor | number): Tensor { return ops.mul(this, other); }
  div(other: Tensor | number): Tensor { return ops.div(this, other); }
  pow(exponent: Tensor | number): Tensor { return ops.pow(this, exponent); }
  maximum(other: Tensor | number): Tensor { return ops.maximum(this, other); }
  minimum(other: Tensor | number): Tensor { return ops.minimum(this, other); }
  eq(other: Tensor | number): Tensor { return ops.eq(this, other); }
  lt(other: Tensor | number): Tensor { return ops.lt(this, other); }
  gt(other: Tensor | number): Tensor { return ops.gt(this, other); }
  neg(): Tensor { return ops.neg(this); }
  exp(): Tensor { return ops.exp(this); }
  log(): Tensor { return ops.log(this); }
  sqrt(): Tensor { return ops.sqrt(this); }
  abs(): Tensor { return ops.abs(this); }
  sin(): Tensor { return ops.sin(this); }
  cos(): Tensor { return ops.cos(this); }
  tanh(): Tensor { return ops.tanh(this); }
  sigmoid(): Tensor { return ops.sigmoid(this); }
  sign(): Tensor { return ops.sign(this); }
  relu(): Tensor { return ops.relu(this); }
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor { return ops.gelu(this, approximate); }
  silu(): Tensor { return ops.silu(this); }
  clamp(min?: number, max?: number): Tensor { return ops.clamp(this, min, max); }
  sum(dim?: number | number[], keepdim = false): Tensor { return ops.sum(this, dim, keepdim); }
  mean(dim?: number | number[], keepdim = false): Tensor { return ops.mean(this, dim, keepdim); }
  max(dim?: number | number[], keepdim = false): Tensor { return ops.max(this, dim, keepdim); }
  min(dim?: number | number[], keepdim = false): Tensor { return ops.min(this, dim, keepdim); }
  var(dim?: number | number[], opts?: { correction?: number; keepdim?: boolean }): Tensor { return ops.variance(this, dim, opts); }
  logsumexp(dim: number | number[], keepdim = false): Tensor { return ops.logsumexp(this, dim, keepdim); }
  argmax(dim?: number, keepdim = false): Tensor { return ops.argmax(this, dim, keepdim); }
  matmul(other: Tensor): Tensor { return ops.matmul(this, other); }
  reshape(...shape: number[] | [number[]]): Tensor { return ops.reshape(this, flatArgs(shape)); }
  view(...shape: number[] | [number[]]): Tensor { return ops.reshape(this, flatArgs(shape)); }
  flatten(startDim = 0, endDim = -1): Tensor { return ops.flatten(this, startDim, endDim); }
  squeeze(dim?: number | number[]): Tensor { return ops.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return ops.unsqueeze(this, dim); }
  permute(...dims: number[] | [number[]]): Tensor { return ops.permute(this, flatArgs(dims)); }
  transpose(dim0: number, dim1: number): Tensor { return ops.transpose(this, dim0, dim1); }
  expand(...shape: number[] | [number[]]): Tensor { return ops.expand(this, flatArgs(shape)); }
  narrow(dim: number, start: number, length: number): Tensor { return ops.narrow(this, dim, start, length); }
  slice(dim: number, start?: number, end?: number, step?: number): Tensor { return ops.slice(this, dim, start, end, step); }
  flip(dims: number | number[]): Tensor { return ops.flip(this, dims); }
  split(sizes: number | number[], dim = 0): Tensor[] { return ops.split(this, sizes, dim); }
  softmax(dim: number): Tensor { return ops.softmax(this, dim); }
  logSoftmax(dim: number): Tensor { return ops.logSoftmax(this, dim); }
}

function isPlainObject(x: unknown): x is BackwardOptions {
  if (typeof x !== 'object' || x === null || x instanceof Tensor) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

function flatArgs(args: number[] | [number[]]): number[] {
  return Array.isArray(args[0]) ? (args[0] as number[]) : (args as number[]);
}

/** Values for toString: everything up to 64 elements, else the first and last three of each row. */
function formatValues(t: Tensor): string {
  const num = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(t.dtype === 'float64' ? 8 : 5).replace(/0+$/, '').replace(/\.$/, ''));
  if (t.ndim === 0) return num(t.data[0]);
  const summarise = t.numel > 64;
  const strides = t.strides;
  const row = (dim: number, offset: number): string => {
    const n = t.shape[dim];
    const idx = summarise && n > 6 ? [0, 1, 2, -1, n - 3, n - 2, n - 1] : Array.from({ length: n }, (_, i) => i);
    const parts = idx.map((i) => (i < 0 ? '...' : dim === t.ndim - 1 ? num(t.data[offset + i * strides[dim]]) : row(dim + 1, offset + i * strides[dim])));
    return `[${parts.join(', ')}]`;
  };
  return row(0, 0);
}

/** Throw unless two tensors share a dtype (the library never converts silently). */
export function checkSameDType(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) {
    throw new DTypeError(`${op}: dtypes differ: ${a.dtype} ${fmt(a.shape)} and ${b.dtype} ${fmt(b.shape)}; convert one with .to('${a.dtype}')`);
  }
}
