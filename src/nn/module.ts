// Module: the base class of every layer, after torch.nn.Module.
//
// A module's state is found from its own fields, as PyTorch finds it from `__setattr__`:
//   - a field holding a Parameter is a parameter,
//   - a field holding a Module (ModuleList, Sequential, ParameterList included) is a child,
//   - buffers (running statistics, counters) are registered by name with `registerBuffer`.
//     The library has float storage only, so a buffer that PyTorch keeps as int64 or bool
//     (BatchNorm's num_batches_tracked, SGConv's kernel_norm_initialized) is registered with
//     `{ integer: true }` or `{ bool: true }`: loadStateDict then takes it from any float dtype
//     (a PyTorch file's I64 or BOOL loads as float64) when the values fit, and
//     safetensorsEntries() saves it as I64 or BOOL, as PyTorch would (the rules: state-dict.ts).
// Plain tensors, numbers and functions in fields are not state. A plain array of modules or
// parameters is refused, with a pointer to ModuleList / ParameterList, rather than silently
// skipped. Parameters and children can also be registered by name (`registerParameter`,
// `registerModule`), for names that are not known when the class is written, as PyTorch code
// does with register_parameter(f"B_{i}", ...); they come after the fields, in registration order.
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
import { type SafetensorsEntry } from '../io/save.js';
import { type DType, allocate, isDType } from '../tensor/dtype.js';
import { DTypeError } from '../tensor/errors.js';
import { type Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { Parameter, replaceStorage } from './parameter.js';
import { type BufferKind, type BufferOptions, type LoadResult, type StateEntry, bufferOptions, checkLoad, toSafetensorsEntries } from './state-dict.js';

export type { BufferKind, BufferOptions, LoadResult } from './state-dict.js';

/** What every layer constructor accepts: the generator that initialises it and its dtype. */
export interface LayerOptions {
  /** Default: the global `defaultGenerator` (seeded by `manualSeed`). */
  generator?: Generator;
  /** Default: 'float32'. */
  dtype?: DType;
}

interface Buffer {
  tensor: Tensor;
  persistent: boolean;
  kind: BufferKind;
}

const join = (prefix: string, name: string): string => (prefix === '' ? name : `${prefix}.${name}`);

export abstract class Module {
  /** Field name → state-dict name, for fields whose PyTorch name is not their TypeScript name. */
  static stateNames: Readonly<Record<string, string>> = {};

  /** Training mode: dropout is active and batch norm uses batch statistics. See train()/eval(). */
  training = true;

  readonly #buffers = new Map<string, Buffer>();
  /** Parameters and children registered by name rather than held in fields. */
  readonly #registered = new Map<string, Parameter | Module>();

  /** The computation. Call it directly: `y = layer.forward(x)`. */
  abstract forward(...inputs: any[]): unknown;

  // ---- discovery ----------------------------------------------------------------------------

  /**
   * This module's own parameters and children under their state-dict names: fields in field
   * order, then registered entries in registration order.
   */
  #own(): { params: [string, Parameter][]; children: [string, Module][] } {
    const names = (this.constructor as typeof Module).stateNames;
    const params: [string, Parameter][] = [];
    const children: [string, Module][] = [];
    const seen = new Set<unknown>();
    const taken = new Set<string>(this.#buffers.keys());
    const add = (name: string, value: Parameter | Module): void => {
      if (seen.has(value)) return; // a second name aliasing the same object is not new state
      seen.add(value);
      if (taken.has(name)) throw new TypeError(`${this.constructor.name}: two entries are named '${name}' (check stateNames, registerBuffer, registerParameter and registerModule)`);
      taken.add(name);
      if (value instanceof Parameter) params.push([name, value]);
      else children.push([name, value]);
    };
    for (const field of Object.keys(this)) {
      const value: unknown = (this as Record<string, unknown>)[field];
      if (value instanceof Parameter || value instanceof Module) {
        add(Object.hasOwn(names, field) ? names[field] : field, value);
      } else if (Array.isArray(value) && value.some((v) => v instanceof Parameter || v instanceof Module)) {
        throw new TypeError(`${this.constructor.name}: field '${field}' is a plain array of modules or parameters, which a Module cannot see; use new ModuleList([...]) or new ParameterList([...])`);
      }
    }
    for (const [name, value] of this.#registered) add(name, value);
    return { params, children };
  }

  /** Throw unless `name` can name an entry of this module (shared by the register methods). */
  #checkName(who: string, name: string): void {
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      throw new RangeError(`${who}: the name must be a non-empty string without '.', got '${String(name)}'`);
    }
  }

  /**
   * Register a parameter under `name`, for names chosen at run time (`kernel_0`, `kernel_1`, …);
   * a parameter in a field needs no registration. Registering a name again replaces the entry.
   * The name must not be a buffer's or a registered child's.
   * @example for (let i = 0; i < n; i++) this.registerParameter(`B_${i}`, new Parameter(zeros([N])));
   */
  registerParameter(name: string, param: Parameter): void {
    const who = `${this.constructor.name}.registerParameter`;
    this.#checkName(who, name);
    if (!(param instanceof Parameter)) {
      throw new TypeError(`${who}: '${name}' must be a Parameter, got ${(param as unknown) instanceof Tensor ? 'a plain Tensor (wrap it: new Parameter(t), or use registerBuffer for state that is not trained)' : typeof param}`);
    }
    this.#checkFree(who, name, 'parameter');
    this.#registered.set(name, param);
  }

  /**
   * Register a child module under `name`, for names chosen at run time; a module in a field
   * needs no registration. Registering a name again replaces the entry. The name must not be a
   * buffer's or a registered parameter's.
   */
  registerModule(name: string, module: Module): void {
    const who = `${this.constructor.name}.registerModule`;
    this.#checkName(who, name);
    if (!(module instanceof Module)) throw new TypeError(`${who}: '${name}' must be a Module, got ${typeof module}`);
    if (module === this) throw new TypeError(`${who}: '${name}' is this module itself, which cannot be its own child`);
    this.#checkFree(who, name, 'module');
    this.#registered.set(name, module);
  }

  /** Registered names of one kind may be replaced, but not reused by another kind. */
  #checkFree(who: string, name: string, kind: 'buffer' | 'parameter' | 'module'): void {
    const held = this.#registered.get(name);
    const current = this.#buffers.has(name) ? 'buffer' : held instanceof Parameter ? 'parameter' : held instanceof Module ? 'module' : null;
    if (current !== null && current !== kind) throw new RangeError(`${who}: '${name}' is already the name of a ${current}`);
  }

  /**
   * Register a buffer: state that is not trained (running statistics, counters). Persistent
   * buffers are part of the state dict. Registering a name again replaces the buffer. Mark a
   * buffer that PyTorch stores as int64 with `{ integer: true }` and one it stores as bool with
   * `{ bool: true }` (see the header); a plain boolean third argument is `persistent`.
   * @example this.registerBuffer('num_batches_tracked', full([], 0), { integer: true })
   */
  registerBuffer(name: string, tensor: Tensor, options: boolean | BufferOptions = true): Tensor {
    const who = `${this.constructor.name}.registerBuffer`;
    this.#checkName(who, name);
    if (!(tensor instanceof Tensor)) throw new TypeError(`${who}: '${name}' must be a Tensor, got ${typeof tensor}`);
    if (tensor instanceof Parameter) throw new TypeError(`${who}: '${name}' is a Parameter; store it in a field instead`);
    const { persistent, kind } = bufferOptions(who, name, tensor, options);
    this.#checkFree(who, name, 'buffer');
    this.#buffers.set(name, { tensor, persistent, kind });
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

  /**
   * Parameters and persistent buffers in state-dict order, sharing storage (internal). Unlike
   * namedModules(), the walk does not skip a module it has seen: a module shared by two parents
   * is listed under both names, as PyTorch's state_dict lists it (so a file saved here has every
   * key the PyTorch model expects). Only a module inside itself is refused, since its state dict
   * would never end.
   */
  #stateEntries(): StateEntry[] {
    const out: StateEntry[] = [];
    const ancestors: Module[] = [];
    const visit = (prefix: string, module: Module): void => {
      if (ancestors.includes(module)) {
        throw new TypeError(`${this.constructor.name}: the ${module.constructor.name} at '${prefix}' is one of its own ancestors, so its state dict would be infinite`);
      }
      ancestors.push(module);
      const { params, children } = module.#own();
      for (const [name, p] of params) out.push([join(prefix, name), p, 'float']);
      for (const [name, b] of module.#buffers) if (b.persistent) out.push([join(prefix, name), b.tensor, b.kind]);
      for (const [name, child] of children) visit(join(prefix, name), child);
      ancestors.pop();
    };
    visit('', this);
    return out;
  }

  /**
   * Parameters and persistent buffers by dotted name, as copies (a snapshot: later training does
   * not change it) with no graph. Tied parameters and shared modules appear under each of their
   * names, as in PyTorch.
   */
  stateDict(): Record<string, Tensor> {
    const dict: Record<string, Tensor> = {};
    for (const [name, t] of this.#stateEntries()) dict[name] = new Tensor(t.data.slice(), t.shape);
    return dict;
  }

  /**
   * The state dict as `saveSafetensors` entries, in the dtypes PyTorch uses: integer buffers as
   * I64, bool buffers as BOOL, everything else in its own dtype (F32 or F64). The file then
   * loads into the PyTorch module with the same names as its own state dict would.
   * @example const bytes = io.saveSafetensors(model.safetensorsEntries());
   */
  safetensorsEntries(): Record<string, SafetensorsEntry> {
    return toSafetensorsEntries(this.#stateEntries());
  }

  /**
   * Copy values from `dict` into the existing parameters and buffers (same objects, same
   * storage). Everything is checked before anything is written: with `strict` (the default) a
   * missing or unexpected key is an error, and a shape or dtype mismatch always is. Integer and
   * bool buffers are the exception to the dtype rule: they take any float dtype, converted, as
   * long as every value is an integer (0 or 1 for bool) that the buffer's dtype holds exactly;
   * that is how a PyTorch int64 counter or bool flag, loaded from safetensors as float64, fits a
   * float32 module. Returns the missing and unexpected keys (both empty after a strict load).
   */
  loadStateDict(dict: Record<string, Tensor>, opts: { strict?: boolean } = {}): LoadResult {
    const who = `${this.constructor.name}.loadStateDict`;
    const { copies, missingKeys, unexpectedKeys } = checkLoad(who, this.#stateEntries(), dict, opts.strict ?? true);
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
