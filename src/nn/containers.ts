// Containers, after torch.nn.ModuleList, ParameterList and Sequential. Their entries are
// stored as the numeric own fields "0", "1", …, so Module's field discovery names them
// exactly as PyTorch does (`layers.0.weight`, `kernel_list.1`) and `list[i]` reads them.

import { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/** Define entry i of a container as an ordinary (enumerable, writable) own field. */
function setEntry(container: object, i: number, value: unknown): void {
  Object.defineProperty(container, String(i), { value, enumerable: true, writable: true, configurable: true });
}

function checkIndex(who: string, i: number, length: number): number {
  const j = i < 0 ? i + length : i;
  if (!Number.isInteger(i) || j < 0 || j >= length) {
    throw new RangeError(`${who}: index ${i} is out of range for a list of length ${length}`);
  }
  return j;
}

/** A list of modules that registers each one as a child named by its position. */
export class ModuleList<T extends Module = Module> extends Module implements Iterable<T> {
  [index: number]: T;
  #length = 0;

  constructor(modules: Iterable<T> = []) {
    super();
    for (const m of modules) this.push(m);
  }

  get length(): number {
    return this.#length;
  }

  /** Append a module (child `String(length)`); returns the list. */
  push(module: T): this {
    if (!(module instanceof Module)) throw new TypeError(`${this.constructor.name}.push: entry ${this.#length} is not a Module (got ${typeof module})`);
    setEntry(this, this.#length++, module);
    return this;
  }

  /** The entry at i (negative counts from the end). */
  get(i: number): T {
    return this[checkIndex(`${this.constructor.name}.get`, i, this.#length)];
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.#length; i++) yield this[i];
  }

  forward(..._inputs: unknown[]): unknown {
    throw new Error(`${this.constructor.name} has no forward: iterate over it and call each module's forward`);
  }
}

/** Modules applied one after another: `forward(x) = m_{n−1}(… m_1(m_0(x)))`. */
export class Sequential extends ModuleList<Module> {
  constructor(...modules: Module[]) {
    super(modules);
  }

  override forward(input: Tensor): Tensor {
    let x = input;
    for (let i = 0; i < this.length; i++) {
      const y = this[i].forward(x);
      if (!(y instanceof Tensor)) throw new TypeError(`Sequential: module ${i} (${this[i].constructor.name}) returned ${typeof y}, not a Tensor`);
      x = y;
    }
    return x;
  }
}

/** A list of parameters, each registered under its position (torch.nn.ParameterList). */
export class ParameterList extends Module implements Iterable<Parameter> {
  [index: number]: Parameter;
  #length = 0;

  constructor(params: Iterable<Parameter> = []) {
    super();
    for (const p of params) this.push(p);
  }

  get length(): number {
    return this.#length;
  }

  push(param: Parameter): this {
    if (!(param instanceof Parameter)) throw new TypeError(`ParameterList.push: entry ${this.#length} is not a Parameter (wrap a tensor with new Parameter(t))`);
    setEntry(this, this.#length++, param);
    return this;
  }

  get(i: number): Parameter {
    return this[checkIndex('ParameterList.get', i, this.#length)];
  }

  *[Symbol.iterator](): Iterator<Parameter> {
    for (let i = 0; i < this.#length; i++) yield this[i];
  }

  forward(..._inputs: unknown[]): unknown {
    throw new Error('ParameterList has no forward: it only holds parameters');
  }
}
