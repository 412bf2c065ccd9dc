// Reads the PyTorch reference fixtures (test/fixtures/*.json, copied from shared/fixtures; see
// test/fixtures/README.md for the format). Arrays arrive as {shape, dtype, data}.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Tensor } from '../../src/tensor/tensor.js';
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

/**
 * Check one fixture case end to end: run `fn` on the case's inputs (float64, requiring grad
 * where the case records a gradient), compare every returned output that the case records,
 * then backpropagate loss = Σ upstream ⊙ output and compare every recorded gradient.
 */
export function checkFixtureCase(
  c: FixtureCase,
  fn: (inputs: Record<string, Tensor>) => Record<string, Tensor>,
  tol: { atol?: number; rtol?: number } = { atol: 1e-10, rtol: 1e-10 },
): void {
  const inputs: Record<string, Tensor> = {};
  for (const [name, arr] of Object.entries(c.inputs)) inputs[name] = fromFixture(arr, c.grads?.[name] !== undefined);
  const outputs = fn(inputs);
  for (const [name, value] of Object.entries(outputs)) {
    const expected = c.outputs[name];
    if (expected === undefined) continue;
    allClose(value, expected.data, tol, `${c.name}: output ${name}`);
  }
  if (c.upstream === undefined || c.grads === undefined) return;
  let loss: Tensor | null = null;
  for (const [name, g] of Object.entries(c.upstream)) {
    const term = sum(mul(outputs[name], fromFixture(g)));
    loss = loss === null ? term : loss.add(term);
  }
  loss!.backward();
  for (const [name, expected] of Object.entries(c.grads)) {
    const actual = inputs[name].grad;
    if (actual === null) throw new Error(`${c.name}: no gradient reached input ${name}`);
    allClose(actual, expected.data, tol, `${c.name}: grad ${name}`);
  }
}
