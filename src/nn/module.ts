// Module: the base class of every layer, after torch.nn.Module.
//
// A module's state is found from its own fields, as PyTorch finds it from `__setattr__`:
//   - a field holding a Parameter is a parameter,
//   - a field holding a Module (ModuleList, Sequential, ParameterList included) is a child,
//   - buffers (running statistics, counters) are registered by name with `registerBuffer`.
// Plain tensors, numbers and functions in fields are not state. A plain array of modules or
// parameters is refused, with a pointer to ModuleList / ParameterList, rather than silently
// skipped.
//
// Names. A field's state-dict name is its own name, unless the class maps it in the static
// `stateNames` table, so that camelCase fields carry the reference's PyTorch names:
//   class Attention extends Module {
//     static override stateNames = { inProjWeight: 'in_proj_weight', outProj: 'out_proj' };
//   }
// Full names are dotted paths, `layers.0.attn.in_proj_weight`. Order is PyTorch's: a module's
// own parameters (then, in the state dict, its persistent buffers) in definition order, then
// each child's, depth first; with class fields, definition order is declaration order.

import { noGrad } from '../autograd/grad-mode.js';
import { type DType, allocate, isDType } from '../tensor/dtype.js';
import { DTypeError, ShapeError, fmt } from '../tensor/errors.js';
import { type Generator } from '../tensor/random.js';
import { sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { Parameter, replaceStorage } from './parameter.js';

/** What every layer constructor accepts: the generator that initialises it and its dtype. */
export interface LayerOptions {
  /** Default: the global `defaultGenerator` (seeded by `manualSeed`). */
  generator?: Generator;
  /** Default: 'float32'. */
  dtype?: DType;
}

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

interface Buffer {
  tensor: Tensor;
  persistent: boolean;
}

const join = (prefix: string, name: string): string => (prefix === '' ? name : `${prefix}.${name}`);

export abstract class Module {
  /** Field name → state-dict name, for fields whose PyTorch name is not their TypeScript name. */
  static stateNames: Readonly<Record<string, string>> = {};

  /** Training mode: dropout is active and batch norm uses batch statistics. See train()/eval(). */
  training = true;

  readonly #buffers = new Map<string, Buffer>();

  /** The computation. Call it directly: `y = layer.forward(x)`. */
  abstract forward(...inputs: any[]): unknown;

  // ---- discovery ----------------------------------------------------------------------------

  /** This module's own parameters and children under their state-dict names, in field order. */
  #own(): { params: [string, Parameter][]; children: [string, Module][] } {
    const names = (this.constructor as typeof Module).stateNames;
    const params: [string, Parameter][] = [];
    const children: [string, Module][] = [];
    const seen = new Set<unknown>();
    const taken = new Set<string>(this.#buffers.keys());
    for (const field of Object.keys(this)) {
      const value: unknown = (this as Record<string, unknown>)[field];
      const name = Object.hasOwn(names, field) ? names[field] : field;
      if (value instanceof Parameter || value instanceof Module) {
        if (seen.has(value)) continue; // a second field aliasing the same object is not new state
        seen.add(value);
        if (taken.has(name)) throw new TypeError(`${this.constructor.name}: two entries are named '${name}' (check stateNames and registerBuffer)`);
        taken.add(name);
        if (value instanceof Parameter) params.push([name, value]);
        else children.push([name, value]);
      } else if (Array.isArray(value) && value.some((v) => v instanceof Parameter || v instanceof Module)) {
        throw new TypeError(`${this.constructor.name}: field '${field}' is a plain array of modules or parameters, which a Module cannot see; use new ModuleList([...]) or new ParameterList([...])`);
      }
    }
    return { params, children };
  }

  /**
   * Register a buffer: state that is not trained (running statistics, counters). Persistent
   * buffers are part of the state dict. Registering a name again replaces the buffer.
   */
  registerBuffer(name: string, tensor: Tensor, persistent = true): Tensor {
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      throw new RangeError(`${this.constructor.name}.registerBuffer: the name must be a non-empty string without '.', got '${String(name)}'`);
    }
    if (!(tensor instanceof Tensor)) throw new TypeError(`${this.constructor.name}.registerBuffer: '${name}' must be a Tensor, got ${typeof tensor}`);
    if (tensor instanceof Parameter) throw new TypeError(`${this.constructor.name}.registerBuffer: '${name}' is a Parameter; store it in a field instead`);
    this.#buffers.set(name, { tensor, persistent });
    return tensor;
  }

  /** This module's own buffer `name`, or null. */
  getBuffer(name: string): Tensor | null {
    return this.#buffers.get(name)?.tensor ?? null;
  }

  /** The direct children with their names, in definition order. */
  namedChildren(): [string, Module][] {
    return this.#own().children;
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module (named '') and every descendant, depth first; a module shared twice appears once. */
  namedModules(): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const visit = (prefix: string, m: Module): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([prefix, m]);
      for (const [name, child] of m.namedChildren()) visit(join(prefix, name), child);
    };
    visit('', this);
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Every parameter under its dotted name; a parameter shared by two modules appears once. */
  namedParameters(): [string, Parameter][] {
    const seen = new Set<Parameter>();
    const out: [string, Parameter][] = [];
    for (const [prefix, module] of this.namedModules()) {
      for (const [name, p] of module.#own().params) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([join(prefix, name), p]);
      }
    }
    return out;
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Every buffer (persistent or not) under its dotted name. */
  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, module] of this.namedModules()) {
      for (const [name, b] of module.#buffers) out.push([join(prefix, name), b.tensor]);
    }
    return out;
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** Total number of parameter elements. */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.numel, 0);
  }

  // ---- modes and gradients ------------------------------------------------------------------

  /** Set training mode on this module and every descendant. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Forget every parameter's gradient (set it to null). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Call fn on every descendant, children before parents (as torch's `apply`), then return this. */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /** Convert every parameter and buffer to `dtype` in place: the same objects get new storage. */
  to(dtype: DType): this {
    if (!isDType(dtype)) throw new DTypeError(`${this.constructor.name}.to: unknown dtype '${String(dtype)}' (expected 'float32' or 'float64')`);
    const tensors = new Set<Tensor>([...this.parameters(), ...this.buffers()]);
    for (const t of tensors) {
      if (t.dtype === dtype) continue;
      const data = allocate(dtype, t.numel);
      data.set(t.data);
      replaceStorage(t, data);
      if (t.grad !== null) t.grad = noGrad(() => t.grad!.to(dtype));
    }
    return this;
  }

  // ---- state dicts --------------------------------------------------------------------------

  /** Parameters and persistent buffers in state-dict order, sharing storage (internal). */
  #stateEntries(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, module] of this.namedModules()) {
      for (const [name, p] of module.#own().params) out.push([join(prefix, name), p]);
      for (const [name, b] of module.#buffers) if (b.persistent) out.push([join(prefix, name), b.tensor]);
    }
    return out;
  }

  /**
   * Parameters and persistent buffers by dotted name, as copies (a snapshot: later training does
   * not change it) with no graph. Tied parameters appear under each of their names, as in PyTorch.
   */
  stateDict(): Record<string, Tensor> {
    const dict: Record<string, Tensor> = {};
    for (const [name, t] of this.#stateEntries()) dict[name] = new Tensor(t.data.slice(), t.shape);
    return dict;
  }

  /**
   * Copy values from `dict` into the existing parameters and buffers (same objects, same
   * storage). Everything is checked before anything is written: with `strict` (the default) a
   * missing or unexpected key is an error, and a shape or dtype mismatch always is. Returns the
   * missing and unexpected keys (both empty after a strict load).
   */
  loadStateDict(dict: Record<string, Tensor>, opts: { strict?: boolean } = {}): LoadResult {
    const strict = opts.strict ?? true;
    const who = `${this.constructor.name}.loadStateDict`;
    if (dict === null || typeof dict !== 'object') throw new TypeError(`${who}: expected an object of tensors, got ${String(dict)}`);
    const entries = this.#stateEntries();
    const expected = new Set(entries.map(([name]) => name));
    const missingKeys = entries.map(([name]) => name).filter((name) => !Object.hasOwn(dict, name));
    const unexpectedKeys = Object.keys(dict).filter((name) => !expected.has(name));

    const keyProblems: string[] = [];
    if (strict && missingKeys.length > 0) keyProblems.push(`missing keys: ${missingKeys.map((k) => `"${k}"`).join(', ')}`);
    if (strict && unexpectedKeys.length > 0) keyProblems.push(`unexpected keys: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}`);
    const shapeProblems: string[] = [];
    const dtypeProblems: string[] = [];
    const copies: [Tensor, Tensor][] = [];
    for (const [name, target] of entries) {
      if (!Object.hasOwn(dict, name)) continue;
      const source: unknown = dict[name];
      if (!(source instanceof Tensor)) {
        dtypeProblems.push(`"${name}" is not a Tensor (got ${typeof source})`);
      } else if (!sameShape(source.shape, target.shape)) {
        shapeProblems.push(`size mismatch for "${name}": the state dict has ${fmt(source.shape)}, the module has ${fmt(target.shape)}`);
      } else if (source.dtype !== target.dtype) {
        dtypeProblems.push(`dtype mismatch for "${name}": the state dict has ${source.dtype}, the module has ${target.dtype} (convert one of them with .to())`);
      } else {
        copies.push([target, source]);
      }
    }
    const problems = [...keyProblems, ...shapeProblems, ...dtypeProblems];
    if (problems.length > 0) {
      const message = `${who}: ${problems.join('; ')}`;
      if (keyProblems.length > 0) throw new Error(message);
      if (shapeProblems.length > 0) throw new ShapeError(message);
      throw new DTypeError(message);
    }
    for (const [target, source] of copies) target.data.set(source.data);
    return { missingKeys, unexpectedKeys };
  }

  // ---- lookups by dotted name ---------------------------------------------------------------

  /** The parameter at a dotted name (`'layers.0.weight'`); throws naming the known ones. */
  getParameter(name: string): Parameter {
    const found = this.namedParameters().find(([n]) => n === name);
    if (found === undefined) {
      throw new RangeError(`${this.constructor.name}.getParameter: no parameter '${name}'; the parameters are ${this.namedParameters().map(([n]) => n).join(', ') || '(none)'}`);
    }
    return found[1];
  }
}
