// Optimizer: the base of SGD and AdamW, with parameter groups, after torch.optim.Optimizer.
//
// Groups. The constructor takes a list of parameters (one group) or a list of group objects
// `{ params, lr?, weightDecay?, … }`; each group's settings are the optimizer's defaults
// overridden by the group's own. Then every parameter that carries optimizer hints (`p.optim`,
// the reference code's `_optim`) leaves its group for a group of its own kind:
// `{ group settings, overridden by the hints }`, one group per distinct hint set, appended in
// order of first appearance. This is what the state-spaces training loop does (SPEC 2.8): the
// SSM and long-conv kernels train with their own lr (and, for S4 and long convs, weight decay 0).
//
// State. Each parameter's state (step count, moment estimates…) lives in `state`, keyed by the
// parameter. `stateDict()` indexes parameters 0, 1, … in group order, as PyTorch does, so that a
// fresh optimizer over a fresh model of the same architecture can `loadStateDict` it and
// continue bit-identically.

import { noGrad } from '../autograd/grad-mode.js';
import { DTypeError, ShapeError, fmt } from '../tensor/errors.js';
import { sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { Parameter } from '../nn/parameter.js';

/** Settings every optimizer has. */
export interface BaseHyper {
  lr: number;
  weightDecay: number;
}

/** One parameter group: its parameters and its settings (`group.lr` may be set, e.g. by a schedule). */
export type ParamGroup<H> = H & { params: Tensor[] };

/** A group as given to the constructor: parameters plus any settings that differ from the defaults. */
export type ParamGroupInput<H> = Partial<H> & { params: Iterable<Tensor> };

/** A parameter's state: tensors (moments, momentum buffers) and numbers (step counts). */
export type ParamState = { [key: string]: Tensor | number | undefined };

/**
 * What one key of a parameter's state holds: a count (an integer ≥ 0, such as AdamW's step) or a
 * tensor shaped like the parameter, required or optional (created on first use).
 */
export type StateKeyKind = 'count' | 'tensor' | 'optional tensor';

export interface OptimizerStateDict<H> {
  /** State by parameter index (parameters without state are absent). */
  state: Record<number, ParamState>;
  /** Each group's settings, with its parameters as indices. */
  paramGroups: (H & { params: number[] })[];
}

const copyTensor = (t: Tensor): Tensor => new Tensor(t.data.slice(), t.shape);

/** A copy of group settings (numbers, booleans, and arrays of numbers such as `betas`). */
function copySettings(settings: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]));
}

export abstract class Optimizer<H extends BaseHyper, S extends ParamState = ParamState> {
  readonly defaults: H;
  readonly paramGroups: ParamGroup<H>[] = [];
  /** Per-parameter state, created at a parameter's first update. */
  readonly state = new Map<Tensor, S>();

  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<H>>, defaults: H) {
    const who = this.constructor.name;
    this.defaults = defaults;
    this.validate(defaults, 'defaults');
    const inputs = toGroupInputs(who, params);
    const seen = new Set<Tensor>();
    for (const [gi, input] of inputs.entries()) {
      const { params: list, ...overrides } = input;
      checkKnownSettings(who, `group ${gi}`, overrides, defaults);
      const settings = { ...defaults, ...overrides } as H;
      const plain: Tensor[] = [];
      const hinted = new Map<string, { hints: Partial<BaseHyper>; params: Tensor[] }>();
      for (const p of list) {
        checkParam(who, p, seen);
        const hints = p instanceof Parameter && p.optim !== undefined ? definedHints(p.optim) : {};
        if (Object.keys(hints).length === 0) {
          plain.push(p);
        } else {
          const key = `lr=${hints.lr},weightDecay=${hints.weightDecay}`;
          if (!hinted.has(key)) hinted.set(key, { hints, params: [] });
          hinted.get(key)!.params.push(p);
        }
      }
      if (plain.length > 0) this.#addGroup({ ...settings, params: plain });
      for (const { hints, params: ps } of hinted.values()) this.#addGroup({ ...settings, ...hints, params: ps });
    }
    if (this.paramGroups.length === 0) throw new RangeError(`${who}: got an empty parameter list`);
  }

  /** Append a group with its own copy of the settings (no two groups share a `betas` array). */
  #addGroup(group: ParamGroup<H>): void {
    const { params, ...settings } = group;
    this.validate(group, `group ${this.paramGroups.length}`);
    this.paramGroups.push({ ...(copySettings(settings) as unknown as H), params });
  }

  /** Throw a RangeError naming `where` unless the settings are valid. */
  protected abstract validate(h: H, where: string): void;

  /**
   * Every key a parameter's state may hold, and what it holds. loadStateDict checks a saved
   * state against it, so that a state that update() could not use is refused on load rather
   * than failing inside a later step().
   */
  protected abstract readonly stateKeys: Readonly<Record<string, StateKeyKind>>;

  /** The state of a parameter before its first update. */
  protected abstract initState(p: Tensor): S;

  /** One update of `p` (in place) from its gradient, with its group's settings and its state. */
  protected abstract update(p: Tensor, grad: Tensor, group: ParamGroup<H>, state: S): void;

  /** Every parameter, in group order (the indices of the state dict). */
  #allParams(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** Forget every parameter's gradient (set it to null). */
  zeroGrad(): void {
    for (const p of this.#allParams()) p.grad = null;
  }

  /** One optimisation step over every parameter that has a gradient, writing into `p.data`. */
  step(): void {
    const who = this.constructor.name;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const g = p.grad;
        if (g === null) continue;
        if (!sameShape(g.shape, p.shape)) throw new ShapeError(`${who}.step: a gradient of shape ${fmt(g.shape)} for a parameter of shape ${fmt(p.shape)}`);
        if (g.dtype !== p.dtype) throw new DTypeError(`${who}.step: a ${g.dtype} gradient for a ${p.dtype} parameter of shape ${fmt(p.shape)}`);
        for (const [key, value] of Object.entries(this.state.get(p) ?? {})) {
          if (value instanceof Tensor && value.dtype !== p.dtype) {
            throw new DTypeError(`${who}.step: state '${key}' is ${value.dtype} but its parameter of shape ${fmt(p.shape)} is now ${p.dtype}; build the optimizer after converting the model`);
          }
        }
      }
    }
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          let s = this.state.get(p);
          if (s === undefined) {
            s = this.initState(p);
            this.state.set(p, s);
          }
          this.update(p, p.grad, group, s);
        }
      }
    });
  }

  /** A snapshot (copies) of the state and the group settings. */
  stateDict(): OptimizerStateDict<H> {
    const index = new Map(this.#allParams().map((p, i) => [p, i]));
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const entry: ParamState = {};
      for (const [key, value] of Object.entries(s)) {
        if (value !== undefined) entry[key] = value instanceof Tensor ? copyTensor(value) : value;
      }
      state[index.get(p)!] = entry;
    }
    const paramGroups = this.paramGroups.map(({ params, ...settings }) => ({
      ...(copySettings(settings) as unknown as H),
      params: params.map((p) => index.get(p)!),
    }));
    return { state, paramGroups };
  }

  /**
   * Restore a snapshot from `stateDict()` of an optimizer over parameters of the same shapes in
   * the same group layout: the i-th saved parameter maps to the i-th parameter here. The group
   * settings (lr included) are restored too. Everything is checked before anything changes: the
   * groups' parameter ids (integers 0..n−1, each listed once), and each state against
   * `stateKeys` (every required key present, no unknown key, counts integers ≥ 0, tensors of the
   * parameter's shape and dtype).
   */
  loadStateDict(dict: OptimizerStateDict<H>): void {
    const who = `${this.constructor.name}.loadStateDict`;
    if (dict === null || typeof dict !== 'object' || !Array.isArray(dict.paramGroups) || dict.state === null || typeof dict.state !== 'object') {
      throw new TypeError(`${who}: expected { state, paramGroups } as stateDict() returns`);
    }
    const savedSizes = dict.paramGroups.map((g) => (Array.isArray(g.params) ? g.params.length : -1));
    const sizes = this.paramGroups.map((g) => g.params.length);
    if (fmt(savedSizes) !== fmt(sizes)) {
      throw new RangeError(`${who}: the state dict has groups of sizes ${fmt(savedSizes)}, this optimizer has ${fmt(sizes)}`);
    }
    const n = sizes.reduce((a, b) => a + b, 0);
    const byId = new Map<number, Tensor>();
    const listedIn = new Map<number, number>(); // id → the saved group that lists it
    dict.paramGroups.forEach((g, gi) => {
      const { params, ...settings } = g;
      checkKnownSettings(who, `saved group ${gi}`, settings, this.defaults);
      this.validate({ ...this.defaults, ...settings } as H, `saved group ${gi}`);
      params.forEach((id, j) => {
        if (!(Number.isInteger(id) && id >= 0 && id < n)) {
          throw new RangeError(`${who}: saved group ${gi} lists parameter id ${String(id)}; ids must be integers 0..${n - 1}`);
        }
        if (listedIn.has(id)) throw new RangeError(`${who}: parameter id ${id} is listed twice (saved groups ${listedIn.get(id)} and ${gi}); each of 0..${n - 1} must appear once`);
        listedIn.set(id, gi);
        byId.set(id, this.paramGroups[gi].params[j]);
      });
    });
    // As many ids as parameters, all distinct and all in 0..n−1: so every parameter is covered.
    const restored = new Map<Tensor, S>();
    for (const [id, saved] of Object.entries(dict.state)) {
      const p = byId.get(Number(id));
      if (p === undefined) throw new RangeError(`${who}: state for parameter ${id}, which no saved group lists`);
      restored.set(p, this.#checkState(who, id, saved, p));
    }
    // Checked: now write.
    dict.paramGroups.forEach((g, gi) => {
      const { params: _ids, ...settings } = g;
      Object.assign(this.paramGroups[gi], copySettings(settings));
    });
    this.state.clear();
    for (const [p, s] of restored) this.state.set(p, s);
  }

  /** A copy of one saved state, after checking it against `stateKeys` and its parameter. */
  #checkState(who: string, id: string, saved: unknown, p: Tensor): S {
    const where = `state of parameter ${id}`;
    if (saved === null || typeof saved !== 'object' || saved instanceof Tensor) throw new TypeError(`${who}: ${where} must be an object, got ${saved === null ? 'null' : typeof saved}`);
    const spec = this.stateKeys;
    const known = Object.keys(spec).join(', ');
    const entry: ParamState = {};
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) continue;
      const kind = Object.hasOwn(spec, key) ? spec[key] : undefined;
      if (kind === undefined) throw new TypeError(`${who}: ${where} has an unknown key '${key}' (${this.constructor.name} keeps ${known})`);
      if (kind === 'count') {
        if (!(typeof value === 'number' && Number.isInteger(value) && value >= 0)) {
          throw new RangeError(`${who}: ${where}: '${key}' must be an integer ≥ 0, got ${value instanceof Tensor ? 'a Tensor' : String(value)}`);
        }
        entry[key] = value;
      } else {
        if (!(value instanceof Tensor)) throw new TypeError(`${who}: ${where}: '${key}' must be a Tensor, got ${typeof value}`);
        if (!sameShape(value.shape, p.shape)) throw new ShapeError(`${who}: state '${key}' of parameter ${id} has shape ${fmt(value.shape)}, the parameter has ${fmt(p.shape)}`);
        if (value.dtype !== p.dtype) throw new DTypeError(`${who}: state '${key}' of parameter ${id} is ${value.dtype}, the parameter is ${p.dtype}`);
        entry[key] = copyTensor(value);
      }
    }
    const missing = Object.keys(spec).filter((key) => spec[key] !== 'optional tensor' && entry[key] === undefined);
    if (missing.length > 0) throw new TypeError(`${who}: ${where} lacks ${missing.map((k) => `'${k}'`).join(', ')} (${this.constructor.name} keeps ${known})`);
    return entry as S;
  }
}

/** Normalise the constructor's first argument to a list of group inputs. */
function toGroupInputs<H>(who: string, params: Iterable<Tensor> | Iterable<ParamGroupInput<H>>): { params: Tensor[] }[] {
  if (params === null || typeof params !== 'object' || !(Symbol.iterator in params)) {
    throw new TypeError(`${who}: expected a list of parameters or of parameter groups, got ${String(params)}`);
  }
  const items = [...(params as Iterable<unknown>)];
  if (items.length === 0) throw new RangeError(`${who}: got an empty parameter list`);
  if (items.every((x) => x instanceof Tensor)) return [{ params: items as Tensor[] }];
  return items.map((x, i) => {
    if (x === null || typeof x !== 'object' || x instanceof Tensor || !('params' in x)) {
      throw new TypeError(`${who}: item ${i} is neither a Tensor nor a group { params, … } (lists of groups and of tensors cannot be mixed)`);
    }
    const group = x as ParamGroupInput<H>;
    return { ...group, params: [...group.params] };
  });
}

function checkParam(who: string, p: unknown, seen: Set<Tensor>): void {
  if (!(p instanceof Tensor)) throw new TypeError(`${who}: a parameter must be a Tensor, got ${typeof p}`);
  if (!p.isLeaf) throw new TypeError(`${who}: can't optimize a tensor produced by ${p.gradFn!.name}; parameters must be leaves`);
  if (seen.has(p)) throw new RangeError(`${who}: a parameter of shape ${fmt(p.shape)} appears twice (in one group or in two)`);
  seen.add(p);
}

/** The hints that are set (an undefined entry does not override the group). */
function definedHints(hints: { lr?: number; weightDecay?: number }): Partial<BaseHyper> {
  const out: Partial<BaseHyper> = {};
  if (hints.lr !== undefined) out.lr = hints.lr;
  if (hints.weightDecay !== undefined) out.weightDecay = hints.weightDecay;
  return out;
}

/** Refuse settings the optimizer does not have (a misspelt `weight_decay` would otherwise do nothing). */
export function checkKnownSettings(who: string, where: string, settings: object, defaults: object): void {
  const unknown = Object.keys(settings).filter((key) => !Object.hasOwn(defaults, key));
  if (unknown.length > 0) {
    throw new RangeError(`${who}: ${where}: unknown setting${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')} (expected ${Object.keys(defaults).join(', ')})`);
  }
}

/** Shared checks for validate(): a finite number ≥ 0. */
export function checkNonNegative(who: string, where: string, name: string, value: unknown): void {
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
    throw new RangeError(`${who}: ${where}: ${name} must be a finite number ≥ 0, got ${String(value)}`);
  }
}
