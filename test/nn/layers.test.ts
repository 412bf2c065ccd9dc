// Layers: forward values against direct formulas, gradcheck in float64 with respect to inputs
// and parameters (SPEC 5.5 item 6), BatchNorm1d running statistics against a hand computation,
// the shape/dtype errors, and state dicts through safetensors bytes with PyTorch's integer and
// bool buffers (I64 num_batches_tracked, BOOL kernel_norm_initialized).

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DTypeError, Generator, ShapeError, Tensor, io, mul, sum, tensor } from '../../src/index.js';
import { BatchNorm1d, Dropout, Embedding, GELU, GLU, LayerNorm, Linear, SGConv, Sequential } from '../../src/nn/index.js';
import { packCheckpoint, unpackCheckpoint } from '../../src/train/checkpoint.js';
import { concat, entry, f32Bytes, fileFrom, headerOf, i64Bytes } from '../io/util.js';
import { allClose } from '../helpers/close.js';
import { checkGrad, rnd } from '../helpers/check.js';

const ly = suite('nn layers');
const f64 = { dtype: 'float64' as const };

/** Overwrite a parameter with random values (so affine weights are not all ones). */
function randomize(p: Tensor | null, seed: number): void {
  p!.data.set(rnd(p!.shape, seed).data);
}

ly('Linear: y = x Wᵀ + b over any leading dims, as a direct sum', () => {
  const lin = new Linear(3, 2, { ...f64, generator: new Generator(1) });
  const x = rnd([2, 2, 3], 2);
  const y = lin.forward(x);
  assert.equal(y.shape, [2, 2, 2]);
  const expected: number[] = [];
  for (let r = 0; r < 4; r++) {
    for (let o = 0; o < 2; o++) {
      let s = lin.bias!.data[o];
      for (let i = 0; i < 3; i++) s += x.data[r * 3 + i] * lin.weight.data[o * 3 + i];
      expected.push(s);
    }
  }
  allClose(y, expected, { atol: 1e-15, rtol: 1e-14 });
  assert.equal(lin.forward(rnd([3], 3)).shape, [2]);
  assert.is(new Linear(3, 2, { bias: false }).bias, null);
  assert.throws(() => lin.forward(rnd([2, 4], 4)), (e: Error) => e instanceof ShapeError && /Linear: input \[2,4\] must end in inFeatures = 3/.test(e.message));
  assert.throws(() => lin.forward(tensor([[1, 2, 3]])), (e: Error) => e instanceof DTypeError);
  assert.throws(() => new Linear(0, 2), /inFeatures must be a positive integer, got 0/);
});

ly('Linear: gradcheck with respect to the input, the weight and the bias', () => {
  const lin = new Linear(3, 2, { ...f64, generator: new Generator(5) });
  checkGrad((x) => lin.forward(x), [rnd([2, 2, 3], 6), lin.weight, lin.bias!]);
});

ly('LayerNorm: forward as the op, gradcheck with respect to input, weight and bias', () => {
  const ln = new LayerNorm(4, f64);
  assert.equal(Array.from(ln.weight!.data), [1, 1, 1, 1]);
  assert.equal(Array.from(ln.bias!.data), [0, 0, 0, 0]);
  randomize(ln.weight, 11);
  randomize(ln.bias, 12);
  const x = rnd([3, 4], 13);
  const y = ln.forward(x);
  for (let r = 0; r < 3; r++) {
    const row = Array.from(x.data.slice(r * 4, r * 4 + 4));
    const mu = row.reduce((a, b) => a + b) / 4;
    const v = row.reduce((a, b) => a + (b - mu) ** 2, 0) / 4;
    row.forEach((value, j) => assert.ok(Math.abs(y.data[r * 4 + j] - ((value - mu) / Math.sqrt(v + 1e-5) * ln.weight!.data[j] + ln.bias!.data[j])) < 1e-14));
  }
  checkGrad((t) => ln.forward(t), [x, ln.weight!, ln.bias!]);
  const plain = new LayerNorm([2, 3], { ...f64, elementwiseAffine: false });
  assert.equal(plain.parameters().length, 0);
  checkGrad((t) => plain.forward(t), [rnd([2, 2, 3], 14)]);
});

ly('BatchNorm1d (train mode): gradcheck for [N, C] and [N, C, L]', () => {
  const bn2 = new BatchNorm1d(3, f64);
  randomize(bn2.weight, 21);
  randomize(bn2.bias, 22);
  checkGrad((x) => bn2.forward(x), [rnd([4, 3], 23), bn2.weight!, bn2.bias!]);
  const bn3 = new BatchNorm1d(2, f64);
  randomize(bn3.weight, 24);
  randomize(bn3.bias, 25);
  checkGrad((x) => bn3.forward(x), [rnd([2, 2, 3], 26), bn3.weight!, bn3.bias!]);
});

/** Per-channel mean and biased variance of [N, C, L] data, by loops. */
function channelStats(x: Tensor): { mean: number[]; biased: number[]; n: number } {
  const [N, C, L] = x.shape;
  const mean: number[] = [];
  const biased: number[] = [];
  for (let c = 0; c < C; c++) {
    const vals: number[] = [];
    for (let b = 0; b < N; b++) for (let l = 0; l < L; l++) vals.push(x.data[(b * C + c) * L + l]);
    const mu = vals.reduce((a, v) => a + v, 0) / vals.length;
    mean.push(mu);
    biased.push(vals.reduce((a, v) => a + (v - mu) ** 2, 0) / vals.length);
  }
  return { mean, biased, n: N * L };
}

ly('BatchNorm1d: running statistics follow the momentum rule with the unbiased variance', () => {
  const bn = new BatchNorm1d(2, f64);
  const x1 = rnd([3, 2, 2], 31, { scale: 2 });
  const x2 = rnd([3, 2, 2], 32, { scale: 3 });
  const s1 = channelStats(x1);
  const s2 = channelStats(x2);
  const y = bn.forward(x1);
  // The output is normalised with the batch statistics (biased variance).
  for (let b = 0; b < 3; b++) for (let c = 0; c < 2; c++) for (let l = 0; l < 2; l++) {
    const i = (b * 2 + c) * 2 + l;
    assert.ok(Math.abs(y.data[i] - (x1.data[i] - s1.mean[c]) / Math.sqrt(s1.biased[c] + 1e-5)) < 1e-14);
  }
  bn.forward(x2);
  for (let c = 0; c < 2; c++) {
    const mean1 = 0.1 * s1.mean[c];
    const var1 = 0.9 * 1 + 0.1 * s1.biased[c] * (s1.n / (s1.n - 1));
    allClose([bn.runningMean!.data[c]], [0.9 * mean1 + 0.1 * s2.mean[c]], { atol: 1e-14, rtol: 1e-14 });
    allClose([bn.runningVar!.data[c]], [0.9 * var1 + 0.1 * s2.biased[c] * (s2.n / (s2.n - 1))], { atol: 1e-14, rtol: 1e-14 });
  }
  assert.is(bn.numBatchesTracked!.item(), 2);
  assert.not.ok(bn.runningMean!.requiresGrad, 'running statistics carry no graph');
});

ly('BatchNorm1d: eval mode uses the running statistics and leaves them alone', () => {
  const bn = new BatchNorm1d(2, f64);
  randomize(bn.weight, 41);
  randomize(bn.bias, 42);
  bn.forward(rnd([4, 2], 43, { scale: 2 }));
  bn.eval();
  const rm = Array.from(bn.runningMean!.data);
  const rv = Array.from(bn.runningVar!.data);
  const x = rnd([3, 2], 44);
  const y = bn.forward(x);
  for (let b = 0; b < 3; b++) for (let c = 0; c < 2; c++) {
    const i = b * 2 + c;
    const expected = (x.data[i] - rm[c]) / Math.sqrt(rv[c] + 1e-5) * bn.weight!.data[c] + bn.bias!.data[c];
    assert.ok(Math.abs(y.data[i] - expected) < 1e-14);
  }
  assert.equal(Array.from(bn.runningMean!.data), rm);
  assert.is(bn.numBatchesTracked!.item(), 1);
  // One value per channel is fine in eval, an error in training.
  bn.forward(rnd([1, 2], 45));
  bn.train();
  assert.throws(() => bn.forward(rnd([1, 2], 45)), /BatchNorm1d: training needs more than one value per channel, got input \[1,2\]/);
  assert.throws(() => bn.forward(rnd([4, 3], 46)), /BatchNorm1d: expected input \[N, 2\] or \[N, 2, L\], got \[4,3\]/);
});

ly('BatchNorm1d options: momentum null is a cumulative average; without tracking there are no buffers', () => {
  const bn = new BatchNorm1d(1, { ...f64, momentum: null });
  bn.forward(tensor([[1], [3]], f64));
  bn.forward(tensor([[5], [9]], f64));
  assert.ok(Math.abs(bn.runningMean!.data[0] - (2 + 7) / 2) < 1e-15);
  assert.ok(Math.abs(bn.runningVar!.data[0] - (2 + 8) / 2) < 1e-15);
  const free = new BatchNorm1d(2, { ...f64, trackRunningStats: false, affine: false });
  assert.equal(free.buffers().length + free.parameters().length, 0);
  free.eval();
  const y = free.forward(tensor([[1, 10], [3, 30]], f64));
  allClose(y, [-1, -1, 1, 1], { atol: 1e-4 }); // batch statistics even in eval
});

ly('Embedding: N(0, 1) rows, zero padding row that gets no gradient, gradcheck on the weight', () => {
  const emb = new Embedding(5, 3, { ...f64, generator: new Generator(7), paddingIdx: -1 });
  assert.is(emb.paddingIdx, 4);
  assert.equal(Array.from(emb.weight.data.slice(12)), [0, 0, 0]);
  const ids = [[0, 4, 2], [2, 2, 1]];
  const y = emb.forward(ids);
  assert.equal(y.shape, [2, 3, 3]);
  assert.equal(Array.from(y.data.slice(6, 9)), Array.from(emb.weight.data.slice(6, 9)));
  sum(mul(y, rnd([2, 3, 3], 8))).backward();
  assert.equal(Array.from(emb.weight.grad!.data.slice(12)), [0, 0, 0]);
  assert.equal(Array.from(emb.weight.grad!.data.slice(9, 12)), [0, 0, 0], 'row 3 is never looked up');
  const plain = new Embedding(4, 2, { ...f64, generator: new Generator(9) });
  checkGrad(() => plain.forward([[0, 3, 3], [1, 0, 2]]), [plain.weight]);
  assert.throws(() => plain.forward([4]), /embedding: index 4 at position 0 is out of range/);
  assert.throws(() => new Embedding(4, 2, { paddingIdx: 4 }), /paddingIdx 4 must be an integer in \[-4, 4\)/);
});

ly('GLU, GELU and Dropout modules: values, gradcheck, and dropout only while training', () => {
  const glu = new GLU(1);
  checkGrad((x) => glu.forward(x), [rnd([2, 4, 3], 51)]);
  const x = tensor([[1, 2, 0, 0]], f64);
  allClose(glu.forward(x), [0.5, 1], { atol: 1e-15 });
  allClose(new GELU().forward(tensor([1], f64)), [0.841344746068543], { atol: 1e-12 });
  allClose(new GELU('tanh').forward(tensor([1], f64)), [0.8411919906082768], { atol: 1e-12 });
  assert.throws(() => new GELU('exact' as never), /GELU: approximate must be 'none' or 'tanh'/);

  const drop = new Dropout(0.5, { generator: new Generator(3) });
  const ones = tensor(new Float64Array(1000).fill(1));
  const kept = Array.from(drop.forward(ones).data);
  assert.ok(kept.every((v) => v === 0 || v === 2));
  const zeros = kept.filter((v) => v === 0).length;
  assert.ok(zeros > 400 && zeros < 600, `about half dropped, got ${zeros}`);
  drop.eval();
  assert.is(drop.forward(ones), ones, 'eval mode is the identity');
  assert.throws(() => new Dropout(1.5), /Dropout: p must be in \[0, 1\], got 1.5/);
});

ly('Sequential chains its modules and reports a module that returns no tensor', () => {
  const gen = new Generator(61);
  const seq = new Sequential(new Linear(3, 4, { ...f64, generator: gen }), new GELU(), new Linear(4, 2, { ...f64, generator: gen }));
  const x = rnd([5, 3], 62);
  const expected = (seq[2] as Linear).forward(seq[1].forward((seq[0] as Linear).forward(x)) as Tensor);
  assert.equal(Array.from(seq.forward(x).data), Array.from(expected.data));
  checkGrad((t) => seq.forward(t), [rnd([2, 3], 63), ...seq.parameters()], { fastMode: true });
  class Broken extends GELU {
    override forward(): Tensor { return 3 as unknown as Tensor; }
  }
  assert.throws(() => new Sequential(new GELU(), new Broken()).forward(x), /Sequential: module 1 \(Broken\) returned number, not a Tensor/);
});

// ---- state dicts through safetensors: integer and bool buffers --------------------------------

/** A small float32 model with batch norm, trained two steps so every buffer has moved. */
function trainedBatchNormModel(seed: number): Sequential {
  const model = new Sequential(new Linear(3, 2, { generator: new Generator(seed) }), new BatchNorm1d(2));
  model.forward(rnd([4, 3], seed + 1).to('float32'));
  model.forward(rnd([4, 3], seed + 2).to('float32'));
  return model;
}

/** Tensor name → safetensors dtype, from a file's header. */
const headerDtypes = (bytes: Uint8Array): Record<string, string> =>
  Object.fromEntries(Object.entries(JSON.parse(headerOf(bytes)) as Record<string, { dtype: string }>).map(([name, e]) => [name, e.dtype]));

ly('BatchNorm1d state dict through saved bytes and back: the counter is I64 in the file and loads into float32', () => {
  const a = trainedBatchNormModel(50);
  const bytes = io.saveSafetensors(a.safetensorsEntries());
  assert.equal(headerDtypes(bytes), {
    '1.num_batches_tracked': 'I64', '0.weight': 'F32', '0.bias': 'F32', '1.weight': 'F32', '1.bias': 'F32', '1.running_mean': 'F32', '1.running_var': 'F32',
  });
  const { tensors } = io.loadSafetensors(bytes);
  assert.is(tensors['1.num_batches_tracked'].dtype, 'float64');
  const b = new Sequential(new Linear(3, 2, { generator: new Generator(99) }), new BatchNorm1d(2));
  assert.equal(b.loadStateDict(tensors), { missingKeys: [], unexpectedKeys: [] });
  const bn = b[1] as BatchNorm1d;
  assert.is(bn.numBatchesTracked!.dtype, 'float32', 'the buffer keeps its own dtype');
  assert.is(bn.numBatchesTracked!.item(), 2);
  for (const [name, t] of Object.entries(a.stateDict())) assert.equal(Array.from(b.stateDict()[name].data), Array.from(t.data), name);
  // A plain stateDict() (the counter as F32) restores just as well.
  const c = new Sequential(new Linear(3, 2), new BatchNorm1d(2));
  c.loadStateDict(io.loadSafetensors(io.saveSafetensors(a.stateDict())).tensors);
  assert.is((c[1] as BatchNorm1d).numBatchesTracked!.item(), 2);
});

ly('a PyTorch-style file (F32 weights, I64 counter) loads into a float32 BatchNorm1d; unfit counters are refused', () => {
  const header = `{${[
    entry('num_batches_tracked', 'I64', [], 0, 8),
    entry('bias', 'F32', [2], 8, 16), entry('running_mean', 'F32', [2], 16, 24),
    entry('running_var', 'F32', [2], 24, 32), entry('weight', 'F32', [2], 32, 40),
  ].join(',')}}`;
  const file = fileFrom(header, concat(i64Bytes([7n]), f32Bytes([0.5, -0.5]), f32Bytes([1, 2]), f32Bytes([3, 4]), f32Bytes([1.5, 2.5])));
  const bn = new BatchNorm1d(2);
  bn.loadStateDict(io.loadSafetensors(file).tensors);
  assert.is(bn.numBatchesTracked!.item(), 7);
  assert.equal(Array.from(bn.runningVar!.data), [3, 4]);
  assert.equal(Array.from(bn.weight!.data), [1.5, 2.5]);
  // Integer means integer, and exactly representable in the buffer's dtype; nothing is written.
  const dict = bn.stateDict();
  assert.throws(() => bn.loadStateDict({ ...dict, num_batches_tracked: tensor(2.5, f64), bias: tensor([9, 9]) }), (e: Error) =>
    e instanceof DTypeError && e.message === 'BatchNorm1d.loadStateDict: "num_batches_tracked" is an integer buffer (float32), but in the state dict element 0 is 2.5, not an integer');
  assert.equal(Array.from(bn.bias!.data), [0.5, -0.5], 'the valid bias was not copied');
  assert.throws(() => bn.loadStateDict({ ...dict, num_batches_tracked: tensor(2 ** 24 + 1, f64) }), /element 0 is 16777217, which float32 cannot hold exactly/);
  // The other buffers are not integer buffers: their dtype must still match.
  assert.throws(() => bn.loadStateDict({ ...dict, running_mean: tensor([1, 2], f64) }), /dtype mismatch for "running_mean": the state dict has float64, the module has float32/);
});

ly('SGConv kernel_norm_initialized: BOOL in a file, loaded as a 0/1 flag; other values are refused', () => {
  const make = (): SGConv => new SGConv({ dModel: 2, lMax: 8, kernelDim: 2, generator: new Generator(3) });
  const a = make();
  a.kernel(8); // fixes Z and sets the flag
  const bytes = io.saveSafetensors(a.safetensorsEntries());
  assert.is(headerDtypes(bytes).kernel_norm_initialized, 'BOOL');
  const { tensors } = io.loadSafetensors(bytes);
  assert.is(tensors.kernel_norm_initialized.item(), 1);
  const b = make();
  assert.not.ok(b.kernelNormInitialized);
  b.loadStateDict(tensors);
  assert.ok(b.kernelNormInitialized);
  assert.equal(Array.from(b.kernelNorm.data), Array.from(a.kernelNorm.data));
  // A hand-built file with just the flag, as a BOOL byte 1, as PyTorch writes it.
  const flagFile = fileFrom(`{${entry('kernel_norm_initialized', 'BOOL', [], 0, 1)}}`, [1]);
  const d = make();
  assert.equal(d.loadStateDict(io.loadSafetensors(flagFile).tensors, { strict: false }).unexpectedKeys, []);
  assert.ok(d.kernelNormInitialized);
  const c = make();
  assert.throws(() => c.loadStateDict({ ...c.stateDict(), kernel_norm_initialized: tensor(2, f64) }), (e: Error) =>
    e instanceof DTypeError && /"kernel_norm_initialized" is a bool flag \(float32\), but in the state dict element 0 is 2, not 0 or 1/.test(e.message));
  assert.not.ok(c.kernelNormInitialized);
});

ly('packCheckpoint with the model stores its integer buffers as I64 (not by a name guess); the checkpoint restores', () => {
  const model = trainedBatchNormModel(60);
  const state = {
    model: model.stateDict(), optimizer: { state: {}, paramGroups: [] }, scheduler: { lastStep: 0, baseLrs: [] },
    step: 0, rng: {}, history: { train: [], eval: [] }, config: {},
  };
  const withModel = packCheckpoint(state, model);
  assert.equal(withModel.tensors['model.1.num_batches_tracked'], { tensor: state.model['1.num_batches_tracked'], dtype: 'I64' });
  assert.is(withModel.tensors['model.1.running_mean'], state.model['1.running_mean']);
  // A float buffer whose name merely ends like the counter stays float.
  class Odd extends Linear {
    constructor() {
      super(1, 1);
      this.registerBuffer('my_num_batches_tracked', tensor(0.5));
    }
  }
  const odd = new Odd();
  const packed = packCheckpoint({ ...state, model: odd.stateDict() }, odd);
  assert.instance(packed.tensors['model.my_num_batches_tracked'], Tensor);
  io.saveSafetensors(packed.tensors, packed.metadata); // saving does not trip over 0.5 as I64
  // Round trip through bytes into a fresh model.
  const bytes = io.saveSafetensors(withModel.tensors, withModel.metadata);
  const restored = unpackCheckpoint(io.loadSafetensors(bytes).tensors, io.loadSafetensors(bytes).metadata);
  const fresh = new Sequential(new Linear(3, 2), new BatchNorm1d(2));
  fresh.loadStateDict(restored.model);
  assert.is((fresh[1] as BatchNorm1d).numBatchesTracked!.item(), 2);
});

ly.run();
