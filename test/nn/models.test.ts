import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { nn, Generator, tensor, sum, matmul, crossEntropy, type Tensor } from '../../src/index.js';
import { allClose } from '../helpers/close.js';
import { checkGrad, rnd } from '../helpers/check.js';

const models = suite('backbones and models');
const f64 = { dtype: 'float64' as const };

models('a backbone builds one block per pattern letter, with the right mixer', () => {
  const b = new nn.Backbone({ pattern: 'AWCLSD', dModel: 8, lMax: 16, numHeads: 2, window: 4, dState: 4, generator: new Generator(1) });
  const kinds = [...b.layers].map((block) => block.mixer.constructor.name);
  assert.equal(kinds, ['MultiheadAttention', 'MultiheadAttention', 'SGConv', 'LongConv', 'S4', 'S4D']);
  assert.ok([...b.layers][0].mlp !== null && [...b.layers][2].mlp === null, 'attention blocks carry an MLP, the others do not');
  assert.equal(b.forward(rnd([2, 16, 8], 1).to('float32').detach()).shape, [2, 16, 8]);
  const names = b.namedParameters().map(([n]) => n);
  assert.ok(names.includes('layers.0.mixer.in_proj_weight') && names.includes('layers.2.mixer.kernel_list.0') && names.includes('layers.4.mixer.kernel.log_dt'), names.join(' '));
});

models('a backbone hands dropout and tieDropout to its convolution layers and blocks', () => {
  const b = new nn.Backbone({ pattern: 'CL', dModel: 8, lMax: 16, dropout: 0.25, tieDropout: true, generator: new Generator(1) });
  for (const block of b.layers) {
    const mixer = block.mixer as nn.SGConv | nn.LongConv;
    assert.equal([mixer.dropout, mixer.tieDropout, block.dropout, block.tieDropout], [0.25, true, 0.25, true], mixer.constructor.name);
  }
});

models('W layers need a window (SPEC 5.3: no default); mlpRatio given applies to every block', () => {
  assert.throws(() => nn.makeMixer('W', { dModel: 8, lMax: 16, numHeads: 2 }), /W \(sliding-window attention\) layer needs a window/);
  assert.throws(() => new nn.Backbone({ pattern: 'CW', dModel: 8, lMax: 16, numHeads: 2 }), /needs a window/);
  assert.is((nn.makeMixer('W', { dModel: 8, lMax: 16, numHeads: 2, window: 5 }) as nn.MultiheadAttention).window, 5);
  const widths = (b: nn.Backbone): number[] => [...b.layers].map((block) => block.mlp?.fc1.outFeatures ?? 0);
  assert.equal(widths(new nn.Backbone({ pattern: 'AC', dModel: 8, lMax: 16, numHeads: 2 })), [32, 0]);
  assert.equal(widths(new nn.Backbone({ pattern: 'AC', dModel: 8, lMax: 16, numHeads: 2, mlpRatio: 2 })), [16, 16]);
  assert.equal(widths(new nn.Backbone({ pattern: 'AC', dModel: 8, lMax: 16, numHeads: 2, mlpRatio: 0 })), [0, 0]);
  // TransformerBlock's MLP is width 4H unless told otherwise, even by an explicit undefined.
  assert.is(new nn.TransformerBlock(8, 2, { mlpRatio: undefined }).mlp?.fc1.outFeatures, 32);
  assert.is(new nn.TransformerBlock(8, 2, { mlpRatio: 0 }).mlp, null);
  assert.throws(() => new nn.SequenceClassifier({ pattern: 'C', dModel: 8, lMax: 12, vocabSize: 5, numClasses: 3 }).forward(tensor([1, 2, 3])), /token ids must be \[B, L\], got \[3\]/);
});

models('SequenceClassifier: token and feature encoders, mean and last pooling', () => {
  const tok = new nn.SequenceClassifier({ pattern: 'C', layers: 2, dModel: 8, lMax: 12, vocabSize: 5, numClasses: 3, generator: new Generator(2) });
  assert.equal(tok.forward([[1, 2, 3, 4, 0, 0, 1, 2, 3, 4, 0, 0]]).shape, [1, 3]);
  const feat = new nn.SequenceClassifier({ pattern: 'S', dModel: 8, lMax: 12, dState: 4, inputDim: 2, numClasses: 1, pooling: 'last', generator: new Generator(3) });
  assert.equal(feat.forward(rnd([4, 12, 2], 4).to('float32').detach()).shape, [4, 1]);
  assert.throws(() => new nn.SequenceClassifier({ pattern: 'C', dModel: 8, lMax: 12, numClasses: 3 }), /exactly one of vocabSize/);
  assert.throws(() => feat.forward([[1, 2]]), /real-valued inputs must be a \[B, L, inputDim\] tensor/);
});

models('pooling by hand: mean and last, over all positions or only the real ones of a padding mask', () => {
  const [B, L, H] = [2, 5, 4];
  const ids = [[1, 2, 3, 4, 0], [4, 3, 0, 0, 0]];
  const mask = [[0, 0, 0, 0, 1], [0, 0, 1, 1, 1]];
  for (const pooling of ['mean', 'last'] as const) {
    const clf = new nn.SequenceClassifier({ pattern: 'C', dModel: H, lMax: L, vocabSize: 5, numClasses: 3, pooling, ...f64, generator: new Generator(14) });
    const h = clf.backbone.forward((clf.encoder as nn.Embedding).forward(ids)).data; // [B, L, H], causal layers only
    const hand = (real: number[][]): number[] => real.flatMap((positions, b) => Array.from({ length: H }, (_, j) => {
      const used = pooling === 'mean' ? positions : [positions[positions.length - 1]];
      return used.reduce((acc, l) => acc + h[(b * L + l) * H + j], 0) / used.length;
    }));
    const head = (pooled: number[]): Tensor => clf.head.forward(tensor(pooled, { dtype: 'float64' }).reshape(B, H));
    allClose(clf.forward(ids), head(hand([[0, 1, 2, 3, 4], [0, 1, 2, 3, 4]])).data, { atol: 1e-14 }, `${pooling}, no mask`);
    allClose(clf.forward(ids, { paddingMask: mask }), head(hand([[0, 1, 2, 3], [0, 1]])).data, { atol: 1e-14 }, `${pooling}, masked`);
  }
  // Refused before any layer runs: BatchNorm's running statistics stay as they were.
  const clf = new nn.SequenceClassifier({ pattern: 'C', dModel: H, lMax: L, vocabSize: 5, numClasses: 3, norm: 'batch', ...f64 });
  const before = clf.stateDict();
  assert.throws(() => clf.forward(ids, { paddingMask: [[0, 0, 0, 0, 1], [1, 1, 1, 1, 1]] }), /sequence 1 is all padding/);
  for (const [name, t] of Object.entries(clf.stateDict())) assert.equal(Array.from(t.data), Array.from(before[name].data), name);
  assert.throws(() => clf.forward(ids, { paddingMask: [[0, 0, 0]] }), /paddingMask must be \[B, L\] = \[2,5\], got \[1,3\]/);
});

models('with a padding mask, a classifier with bidirectional attention ignores what the padding holds', () => {
  const clf = new nn.SequenceClassifier({ pattern: 'AC', dModel: 8, lMax: 6, vocabSize: 6, numClasses: 3, numHeads: 2, ...f64, generator: new Generator(15) });
  const mask = [[0, 0, 0, 1, 1, 1], [0, 0, 0, 0, 0, 1]];
  const a = clf.forward([[1, 2, 3, 0, 0, 0], [5, 4, 3, 2, 1, 0]], { paddingMask: mask });
  const b = clf.forward([[1, 2, 3, 5, 4, 2], [5, 4, 3, 2, 1, 3]], { paddingMask: mask });
  allClose(a, b.data, { atol: 1e-14 }, 'padding contents');
  // Without the mask the attention reads the padding, and the logits move.
  const c = clf.forward([[1, 2, 3, 5, 4, 2], [5, 4, 3, 2, 1, 3]]);
  assert.ok(Math.abs(c.data[0] - clf.forward([[1, 2, 3, 0, 0, 0], [5, 4, 3, 2, 1, 0]]).data[0]) > 1e-6);
});

models('a language model is causal for every layer kind: later tokens never change earlier logits', () => {
  for (const pattern of ['A', 'W', 'C', 'L', 'S', 'D', 'WCA']) {
    const lm = new nn.LanguageModel({ pattern, dModel: 8, lMax: 10, vocabSize: 7, numHeads: 2, window: 3, dState: 4, ...f64, generator: new Generator(5) });
    const a = lm.forward([[1, 2, 3, 4, 5, 6, 0, 1, 2, 3]]);
    const b = lm.forward([[1, 2, 3, 4, 5, 0, 6, 6, 6, 6]]);
    assert.equal(a.shape, [1, 10, 7]);
    for (let i = 0; i < 5 * 7; i++) assert.ok(Math.abs(a.data[i] - b.data[i]) < 1e-12, `${pattern}: position ${Math.floor(i / 7)}`);
    assert.ok(Math.abs(a.data[6 * 7] - b.data[6 * 7]) > 0, `${pattern}: position 6 does depend on token 6`);
  }
});

models('the head is tied to the embedding: one [V, H] weight, no other head, gradients from both uses', () => {
  const [V, H] = [5, 8];
  const lm = new nn.LanguageModel({ pattern: 'C', dModel: H, lMax: 6, vocabSize: V, ...f64, generator: new Generator(6) });
  // Exactly the embedding and the backbone's parameters: no separate head weight exists.
  const names = lm.namedParameters().map(([n]) => n);
  assert.equal(names, ['embedding.weight', ...lm.backbone.namedParameters().map(([n]) => `backbone.${n}`)]);
  const vByH = lm.namedParameters().filter(([, p]) => p.shape.length === 2 && p.shape[0] === V && p.shape[1] === H);
  assert.equal(vByH.map(([n]) => n), ['embedding.weight']);
  // The logits are the backbone's output times the embedding, transposed.
  const ids = [[0, 1, 2, 3, 0, 1]];
  const h = lm.backbone.forward(lm.embedding.forward(ids)); // [1, 6, H]
  allClose(lm.forward(ids), matmul(h, lm.embedding.weight.detach().transpose(0, 1)).data, { atol: 1e-14 });
  // Token 4 never appears in the input, so its row's gradient can only come from the head.
  sum(lm.forward(ids)).backward();
  const row4 = Array.from(lm.embedding.weight.grad!.data.subarray(4 * H, 5 * H));
  assert.ok(row4.some((g) => g !== 0), 'the head use reaches the embedding');
});

models('a language model starts near the uniform guess: loss within 0.5 nats of ln V (SPEC 5.1 init)', () => {
  const V = 64;
  const ids = Array.from({ length: 4 }, (_, b) => Array.from({ length: 32 }, (_, i) => (b * 37 + i * 11) % V));
  for (const pattern of ['C', 'A', 'S']) {
    const lm = new nn.LanguageModel({ pattern, layers: 2, dModel: 32, lMax: 32, vocabSize: V, numHeads: 4, dState: 8, generator: new Generator(13) });
    const logits = lm.forward(ids); // [4, 32, V]
    const targets = ids.map((row) => row.map((t) => (t + 1) % V));
    const loss = crossEntropy(logits.reshape(4 * 32, V), targets.flat()).item();
    assert.ok(Math.abs(loss - Math.log(V)) < 0.5, `${pattern}: starting loss ${loss.toFixed(3)}, ln V = ${Math.log(V).toFixed(3)}`);
  }
});

models('S4 and S4D models step recurrently: the logits at every position equal the convolutional forward pass', () => {
  for (const pattern of ['S', 'D', 'SD']) {
    const lm = new nn.LanguageModel({ pattern, dModel: 8, lMax: 24, vocabSize: 6, dState: 4, ...f64, generator: new Generator(7) });
    lm.eval();
    const tokens = [1, 2, 3, 5, 0, 4, 4, 1, 2, 0, 3, 5, 1, 1, 4, 2, 0, 3, 3, 5];
    const full = lm.forward([tokens]); // [1, T, V]
    const step = lm.stepper();
    tokens.forEach((token, t) => allClose(step(token), Array.from(full.data.subarray(t * 6, (t + 1) * 6)), { atol: 1e-10 }, `${pattern}, position ${t}`));
  }
  assert.throws(() => new nn.LanguageModel({ pattern: 'SC', dModel: 8, lMax: 8, vocabSize: 6, dState: 4 }).stepper(), /only models made of S4\/S4D layers/);
});

models('S4 and S4D models generate recurrently, token for token as the full forward pass does', () => {
  for (const pattern of ['S', 'D', 'SD']) {
    const lm = new nn.LanguageModel({ pattern, dModel: 8, lMax: 24, vocabSize: 6, dState: 4, ...f64, generator: new Generator(7) });
    assert.ok(lm.backbone.steppable);
    const recurrent = lm.generate([1, 2, 3], { maxNewTokens: 12, topK: 1 });
    // The same greedy continuation from the convolutional forward pass, one token at a time.
    const tokens = [1, 2, 3];
    for (let i = 0; i < 12; i++) {
      const logits = lm.forward([tokens]) as Tensor;
      const last = Array.from(logits.data.subarray((tokens.length - 1) * 6, tokens.length * 6));
      tokens.push(last.indexOf(Math.max(...last)));
    }
    assert.equal(recurrent, tokens, pattern);
  }
  const mixed = new nn.LanguageModel({ pattern: 'AC', dModel: 8, lMax: 24, vocabSize: 6, numHeads: 2, generator: new Generator(8) });
  assert.not.ok(mixed.backbone.steppable);
  const out = mixed.generate([1], { maxNewTokens: 5, temperature: 0.7, topK: 3, generator: new Generator(9) });
  assert.is(out.length, 6);
  assert.ok(out.every((t) => Number.isInteger(t) && t >= 0 && t < 6));
  assert.throws(() => mixed.generate([], { maxNewTokens: 1 }), /at least one token/);
  assert.throws(() => mixed.generate([9], { maxNewTokens: 1 }), /index 9/);
});

models('sample: frequencies follow softmax(logits / T); top-k never draws outside the k best; tiny T is greedy', () => {
  const logits = [0, 2, 0.5, 1.5, 1, -1];
  const draws = (T: number, k: number | undefined, n: number, seed: number): number[] => {
    const counts = new Array<number>(logits.length).fill(0);
    const g = new Generator(seed);
    for (let i = 0; i < n; i++) counts[nn.sample(logits, T, k, g)]++;
    return counts.map((c) => c / n);
  };
  const softmaxOf = (xs: number[]): number[] => {
    const e = xs.map((x) => Math.exp(x - Math.max(...xs)));
    return e.map((v) => v / e.reduce((a, b) => a + b, 0));
  };
  const n = 20000;
  for (const T of [1, 0.5, 2]) {
    const p = softmaxOf(logits.map((l) => l / T));
    draws(T, undefined, n, 21).forEach((f, i) => assert.ok(Math.abs(f - p[i]) < 4 * Math.sqrt(p[i] * (1 - p[i]) / n) + 1e-12, `T ${T}, index ${i}: ${f} vs ${p[i]}`));
  }
  // top-2 keeps indices 1 and 3 (logits 2 and 1.5), renormalised among themselves.
  const top2 = draws(1, 2, n, 22);
  assert.equal(top2.map((f, i) => (f > 0 ? i : -1)).filter((i) => i >= 0), [1, 3]);
  const p13 = softmaxOf([2, 1.5]);
  assert.ok(Math.abs(top2[1] - p13[0]) < 4 * Math.sqrt(p13[0] * p13[1] / n), `top-2: ${top2[1]} vs ${p13[0]}`);
  assert.equal(draws(1, 1, 500, 23), [0, 1, 0, 0, 0, 0], 'top-1 is greedy');
  assert.equal(draws(1e-6, undefined, 500, 24), [0, 1, 0, 0, 0, 0], 'a tiny temperature is greedy');
  assert.throws(() => nn.sample(logits, 1, 0, new Generator(1)), /topK must be a positive integer, got 0/);
});

models('float64 gradcheck of a small hybrid language model end to end (every parameter)', () => {
  const lm = new nn.LanguageModel({ pattern: 'WCS', dModel: 4, lMax: 5, vocabSize: 5, numHeads: 2, window: 2, dState: 2, ...f64, generator: new Generator(10) });
  const ids = tensor([[1, 4, 0, 2, 3]]);
  checkGrad(() => lm.forward(ids), lm.parameters(), { fastMode: true });
  const clf = new nn.SequenceClassifier({ pattern: 'AL', dModel: 4, lMax: 6, inputDim: 2, numClasses: 2, numHeads: 2, ...f64, generator: new Generator(11) });
  const x = rnd([2, 6, 2], 12);
  checkGrad((input) => clf.forward(input), [x, ...clf.parameters()], { fastMode: true });
});

models.run();
