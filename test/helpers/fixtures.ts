// Reads the PyTorch reference fixtures (test/fixtures/*.json, copied from shared/fixtures; see
// test/fixtures/README.md for the format). Arrays arrive as {shape, dtype, data}.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Tensor } from '../../src/tensor/tensor.js';
import { fmt } from '../../src/tensor/errors.js';
import { sameShape } from '../../src/tensor/shape.js';
import { sum, mul } from '../../src/ops/index.js';
import { allClose } from './close.js';

export interface FixtureArray {
  shape: number[];
  dtype: 'float64' | 'int64';
  data: number[];
  complex?: boolean;
}

export interface FixtureCase {
  name: string;
  op: string;
  options: Record<string, unknown>;
  inputs: Record<string, FixtureArray>;
  outputs: Record<string, FixtureArray>;
  upstream?: Record<string, FixtureArray>;
  grads?: Record<string, FixtureArray>;
}

export interface FixtureFile {
  name: string;
  cases: FixtureCase[];
}

const dir = fileURLToPath(new URL('../../../test/fixtures/', import.meta.url));
const cache = new Map<string, FixtureFile>();

export function loadFixture(name: string): FixtureFile {
  let file = cache.get(name);
  if (file === undefined) {
    file = JSON.parse(readFileSync(`${dir}${name}.json`, 'utf8')) as FixtureFile;
    cache.set(name, file);
  }
  return file;
}


/** A fixture array as a float64 tensor (optionally requiring grad). */
export function fromFixture(a: FixtureArray, requiresGrad = false): Tensor {
  const t = new Tensor(Float64Array.from(a.data), a.shape);
  if (requiresGrad) t.requiresGrad = true;
  return t;
}

export interface FixtureCheckOptions {
  atol?: number;
  rtol?: number;
  /**
   * Recorded outputs that this test deliberately does not compare (say why at the call site).
   * Every other recorded output must be returned by `fn`.
   */
  ignore?: readonly string[];
}

/**
 * Check one fixture case end to end: run `fn` on the case's inputs (float64, requiring grad
 * where the case records a gradient), compare the shape and values of every output that the
 * case records (a recorded output that `fn` does not return fails the test unless it is listed
 * in `opts.ignore`), then backpropagate loss = Σ upstream ⊙ output and compare the shape and
 * values of every recorded gradient.
 */
export function checkFixtureCase(
  c: FixtureCase,
  fn: (inputs: Record<string, Tensor>) => Record<string, Tensor>,
  opts: FixtureCheckOptions = {},
): void {
  const tol = { atol: opts.atol ?? 1e-10, rtol: opts.rtol ?? 1e-10 };
  const ignore = new Set(opts.ignore ?? []);
  for (const name of ignore) {
    if (c.outputs[name] === undefined) throw new Error(`${c.name}: ignore lists output '${name}', which the case does not record (recorded: ${Object.keys(c.outputs).join(', ')})`);
  }
  const inputs: Record<string, Tensor> = {};
  for (const [name, arr] of Object.entries(c.inputs)) inputs[name] = fromFixture(arr, c.grads?.[name] !== undefined);
  const outputs = fn(inputs);
  for (const [name, expected] of Object.entries(c.outputs)) {
    const value = outputs[name];
    if (ignore.has(name)) {
      if (value !== undefined) throw new Error(`${c.name}: output '${name}' is returned but also listed in ignore; compare it or stop returning it`);
      continue;
    }
    if (value === undefined) {
      throw new Error(`${c.name}: the case records output '${name}' but the function returned only ${Object.keys(outputs).join(', ') || 'nothing'}; return it or list it in ignore`);
    }
    if (!sameShape(value.shape, expected.shape)) throw new Error(`${c.name}: output ${name} has shape ${fmt(value.shape)}, recorded ${fmt(expected.shape)}`);
    allClose(value, expected.data, tol, `${c.name}: output ${name}`);
  }
  if (c.upstream === undefined || c.grads === undefined) return;
  let loss: Tensor | null = null;
  for (const [name, g] of Object.entries(c.upstream)) {
    const out = outputs[name];
    if (out === undefined) throw new Error(`${c.name}: the case records an upstream gradient for output '${name}', which the function did not return`);
    const term = sum(mul(out, fromFixture(g)));
    loss = loss === null ? term : loss.add(term);
  }
  loss!.backward();
  for (const [name, expected] of Object.entries(c.grads)) {
    const actual = inputs[name].grad;
    if (actual === null) throw new Error(`${c.name}: no gradient reached input ${name}`);
    if (!sameShape(actual.shape, expected.shape)) throw new Error(`${c.name}: grad ${name} has shape ${fmt(actual.shape)}, recorded ${fmt(expected.shape)}`);
    allClose(actual, expected.data, tol, `${c.name}: grad ${name}`);
  }
}
