// Module mechanics: names and order of parameters and buffers (nested modules, ModuleList,
// Sequential, ParameterList, stateNames), train/eval, zeroGrad, numParameters, to(dtype), and
// state dicts: round trip, strict and non-strict loading, and no mutation when a load fails.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DTypeError, Generator, ShapeError, Tensor, sum, tensor, zeros } from '../../src/index.js';
import { BatchNorm1d, Dropout, GELU, LayerNorm, Linear, Module, ModuleList, Parameter, ParameterList, Sequential } from '../../src/nn/index.js';

const md = suite('nn Module');

/** A toy attention block whose camelCase fields carry PyTorch's snake_case names. */
class Attention extends Module {
  static override stateNames = { inProjWeight: 'in_proj_weight', inProjBias: 'in_proj_bias', outProj: 'out_proj' };
  readonly inProjWeight: Parameter;
  readonly inProjBias: Parameter;
  readonly outProj: Linear;
  constructor(d: number, generator: Generator) {
    super();
    this.inProjWeight = new Parameter(zeros([3 * d, d]));
    this.inProjBias = new Parameter(zeros([3 * d]));
    this.outProj = new Linear(d, d, { generator });
  }
  forward(x: Tensor): Tensor {
    return this.outProj.forward(x);
  }
}

class Block extends Module {
  readonly attn: Attention;
  readonly norm: BatchNorm1d;
  readonly scale: Parameter;
  readonly cache: Tensor = zeros([2]); // a plain tensor field is not state
  constructor(d: number, generator: Generator) {
    super();
    this.attn = new Attention(d, generator);
    this.norm = new BatchNorm1d(d);
    this.scale = new Parameter(zeros([d]));
  }
  forward(x: Tensor): Tensor {
    return this.norm.forward(this.attn.forward(x));
  }
}

class Net extends Module {
  readonly embed: Linear;
  readonly layers: ModuleList<Block>;
  readonly head: Sequential;
  readonly kernels: ParameterList;
  constructor(seed = 0) {
    super();
    const generator = new Generator(seed);
    this.embed = new Linear(3, 2, { generator });
    this.layers = new ModuleList([new Block(2, generator), new Block(2, generator)]);
    this.head = new Sequential(new LayerNorm(2), new GELU(), new Dropout(0.1), new Linear(2, 1, { generator, bias: false }));
    this.kernels = new ParameterList([new Parameter(zeros([4])), new Parameter(zeros([5]))]);
  }
  forward(x: Tensor): Tensor {
    let h = this.embed.forward(x);
    for (const block of this.layers) h = block.forward(h);
    return this.head.forward(h);
  }
}

const blockParams = (i: number): string[] => [
  `layers.${i}.scale`, `layers.${i}.attn.in_proj_weight`, `layers.${i}.attn.in_proj_bias`,
  `layers.${i}.attn.out_proj.weight`, `layers.${i}.attn.out_proj.bias`, `layers.${i}.norm.weight`, `layers.${i}.norm.bias`,
];
const expectedParams = [
  'embed.weight', 'embed.bias', ...blockParams(0), ...blockParams(1),
  'head.0.weight', 'head.0.bias', 'head.3.weight', 'kernels.0', 'kernels.1',
];

md('namedParameters: dotted PyTorch names, own parameters first, then children in definition order', () => {
  const net = new Net();
  assert.equal(net.namedParameters().map(([n]) => n), expectedParams);
  assert.is(net.parameters().length, expectedParams.length);
  assert.ok(net.parameters().every((p) => p instanceof Parameter && p.requiresGrad && p.isLeaf));
  assert.is(net.getParameter('layers.1.attn.in_proj_weight'), net.layers[1].attn.inProjWeight);
  assert.throws(() => net.getParameter('nope'), /no parameter 'nope'; the parameters are embed.weight, embed.bias/);
});

md('buffers, modules and children are named the same way', () => {
  const net = new Net();
  assert.equal(net.namedBuffers().map(([n]) => n), [0, 1].flatMap((i) => ['running_mean', 'running_var', 'num_batches_tracked'].map((b) => `layers.${i}.norm.${b}`)));
  assert.equal(net.namedChildren().map(([n]) => n), ['embed', 'layers', 'head', 'kernels']);
  assert.equal(net.namedModules().map(([n]) => n), [
    '', 'embed', 'layers', 'layers.0', 'layers.0.attn', 'layers.0.attn.out_proj', 'layers.0.norm',
    'layers.1', 'layers.1.attn', 'layers.1.attn.out_proj', 'layers.1.norm',
    'head', 'head.0', 'head.1', 'head.2', 'head.3', 'kernels',
  ]);
  // The state dict interleaves each module's persistent buffers after its own parameters.
  const keys = Object.keys(net.stateDict());
  assert.equal(keys.slice(2, 12), [...blockParams(0).slice(0, 5), 'layers.0.norm.weight', 'layers.0.norm.bias', 'layers.0.norm.running_mean', 'layers.0.norm.running_var', 'layers.0.norm.num_batches_tracked']);
});

md('containers: indexing, length, iteration, negative get, and no forward on lists', () => {
  const list = new ModuleList([new GELU(), new Linear(2, 2)]);
  assert.is(list.length, 2);
  assert.instance(list[1], Linear);
  assert.is(list.get(-1), list[1]);
  assert.equal([...list].map((m) => m.constructor.name), ['GELU', 'Linear']);
  assert.throws(() => list.get(2), /ModuleList.get: index 2 is out of range for a list of length 2/);
  assert.throws(() => list.forward(), /ModuleList has no forward/);
  assert.throws(() => list.push({} as never), /entry 2 is not a Module/);
  const params = new ParameterList([new Parameter(zeros([1]))]);
  assert.is(params.length, 1);
  assert.throws(() => params.push(zeros([1]) as Parameter), /not a Parameter/);
});

md('a plain array of modules is refused with a pointer to ModuleList; aliases and shared modules count once', () => {
  class Bad extends Module {
    readonly layers = [new Linear(2, 2)];
    forward(x: Tensor): Tensor { return x; }
  }
  assert.throws(() => new Bad().parameters(), /Bad: field 'layers' is a plain array .* use new ModuleList/);
  class Tied extends Module {
    readonly a = new Linear(2, 2);
    readonly b = this.a; // the same module under a second name
    readonly w = new Parameter(zeros([2]));
    readonly alias = this.w;
    forward(x: Tensor): Tensor { return x; }
  }
  class Clash extends Module {
    static override stateNames = { runningMean: 'running_mean' };
    readonly runningMean = new Parameter(zeros([1]));
    constructor() {
      super();
      this.registerBuffer('running_mean', zeros([1]));
    }
    forward(x: Tensor): Tensor { return x; }
  }
  assert.throws(() => new Clash().stateDict(), /Clash: two entries are named 'running_mean'/);
  const tied = new Tied();
  assert.equal(tied.namedParameters().map(([n]) => n), ['w', 'a.weight', 'a.bias']);
  assert.is(tied.numParameters(), 2 + 6);
});

md('a module shared by two parents is in the state dict under both names, and in parameters() once', () => {
  const shared = new Sequential(new Linear(2, 2, { generator: new Generator(7) }), new BatchNorm1d(2));
  class Twin extends Module {
    readonly encoder = new Sequential(shared);
    readonly decoder = new Sequential(shared);
    forward(x: Tensor): Tensor { return x; }
  }
  const twin = new Twin();
  const inner = ['0.0.weight', '0.0.bias', '0.1.weight', '0.1.bias', '0.1.running_mean', '0.1.running_var', '0.1.num_batches_tracked'];
  const dict = twin.stateDict();
  assert.equal(Object.keys(dict), [...inner.map((k) => `encoder.${k}`), ...inner.map((k) => `decoder.${k}`)]);
  assert.equal(Object.keys(twin.safetensorsEntries()), Object.keys(dict));
  assert.equal(twin.namedParameters().map(([n]) => n), ['encoder.0.0.weight', 'encoder.0.0.bias', 'encoder.0.1.weight', 'encoder.0.1.bias']);
  // Loading needs both names (as in PyTorch), and writes the one shared tensor.
  assert.throws(() => twin.loadStateDict(Object.fromEntries(Object.entries(dict).filter(([k]) => k.startsWith('encoder.')))), /missing keys: "decoder\.0\.0\.weight"/);
  dict['encoder.0.0.bias'] = tensor([5, 6]);
  dict['decoder.0.0.bias'] = tensor([5, 6]);
  twin.loadStateDict(dict);
  assert.equal(Array.from((shared[0] as Linear).bias!.data), [5, 6]);
  // A module inside itself has no finite state dict.
  class Loop extends Module {
    readonly inner: Sequential;
    constructor() {
      super();
      this.inner = new Sequential(new Linear(1, 1));
      (this.inner as unknown as { self: Module }).self = this;
    }
    forward(x: Tensor): Tensor { return x; }
  }
  assert.throws(() => new Loop().stateDict(), /Loop: the Loop at 'inner\.self' is one of its own ancestors, so its state dict would be infinite/);
});

md('train/eval propagate to every descendant; zeroGrad clears every gradient', () => {
  const net = new Net();
  assert.ok(net.modules().every((m) => m.training));
  net.eval();
  assert.ok(net.modules().every((m) => !m.training));
  net.layers[0].train();
  assert.ok(net.layers[0].modules().every((m) => m.training));
  assert.not.ok(net.head[2].training);
  net.train();
  assert.ok(net.modules().every((m) => m.training));

  sum(net.forward(tensor([[1, 2, 3], [4, 5, 6], [0, 1, 0]]))).backward();
  assert.ok(net.embed.weight.grad !== null && (net.head[3] as Linear).weight.grad !== null);
  net.zeroGrad();
  assert.ok(net.parameters().every((p) => p.grad === null));
});

md('numParameters counts every element once; apply visits children before parents', () => {
  const net = new Net();
  const perBlock = 6 * 2 + 6 + (2 * 2 + 2) + (2 + 2) + 2; // in_proj weight and bias, out_proj, norm, scale
  assert.is(net.numParameters(), (3 * 2 + 2) + 2 * perBlock + (2 + 2) + 2 + (4 + 5));
  const order: string[] = [];
  new Sequential(new GELU(), new ModuleList([new Dropout()])).apply((m) => order.push(m.constructor.name));
  assert.equal(order, ['GELU', 'Dropout', 'ModuleList', 'Sequential']);
});

md('stateDict round trip: a differently seeded model loads it and computes the same thing', () => {
  const a = new Net(1);
  a.forward(tensor([[1, 2, 3], [3, 2, 1]])); // moves the batch-norm running statistics
  const b = new Net(2);
  assert.not.equal(Array.from(b.embed.weight.data), Array.from(a.embed.weight.data));
  const dict = a.stateDict();
  const weightBefore = b.embed.weight;
  assert.equal(b.loadStateDict(dict), { missingKeys: [], unexpectedKeys: [] });
  assert.is(b.embed.weight, weightBefore, 'values are copied into the existing parameter');
  for (const [name, t] of Object.entries(b.stateDict())) assert.equal(Array.from(t.data), Array.from(dict[name].data), name);
  a.eval();
  b.eval();
  const x = tensor([[0.5, -1, 2]]);
  assert.equal(Array.from(b.forward(x).data), Array.from(a.forward(x).data));
  // The state dict is a snapshot, not a view: later training does not change it.
  a.embed.weight.data[0] += 1;
  assert.is.not(dict['embed.weight'].data[0], a.embed.weight.data[0]);
  assert.not.ok(dict['embed.weight'].requiresGrad);
});

md('strict load: missing and unexpected keys are named together, and nothing is written', () => {
  const net = new Net();
  const dict = net.stateDict();
  delete dict['head.3.weight'];
  delete dict['layers.1.norm.running_var'];
  dict['head.9.weight'] = zeros([1, 2]);
  dict['embed.weight'] = zeros([2, 3]); // a valid entry that must not be copied when the load fails
  const before = Array.from(net.embed.weight.data);
  assert.throws(() => net.loadStateDict(dict), (e: Error) =>
    e.message === 'Net.loadStateDict: missing keys: "layers.1.norm.running_var", "head.3.weight"; unexpected keys: "head.9.weight"');
  assert.equal(Array.from(net.embed.weight.data), before);
});

md('shape and dtype mismatches name the key and both sides, even when not strict', () => {
  const net = new Net();
  const dict = net.stateDict();
  dict['embed.weight'] = zeros([3, 2]);
  dict['embed.bias'] = zeros([2]);
  assert.throws(() => net.loadStateDict(dict, { strict: false }), (e: Error) =>
    e instanceof ShapeError && /size mismatch for "embed.weight": the state dict has \[3,2\], the module has \[2,3\]/.test(e.message));
  assert.is.not(net.embed.bias!.data[0], 0, 'the well-formed embed.bias was not copied');
  const dict2 = net.stateDict();
  dict2['kernels.1'] = zeros([5], { dtype: 'float64' });
  assert.throws(() => net.loadStateDict(dict2), (e: Error) =>
    e instanceof DTypeError && /dtype mismatch for "kernels.1": the state dict has float64, the module has float32/.test(e.message));
});

md('non-strict load copies the common keys and reports the others', () => {
  const src = new Linear(3, 2, { generator: new Generator(4) });
  const dst = new Sequential(new Linear(3, 2, { generator: new Generator(5) }));
  const dict = { '0.weight': src.weight.detach(), extra: zeros([1]) };
  const result = dst.loadStateDict(dict, { strict: false });
  assert.equal(result, { missingKeys: ['0.bias'], unexpectedKeys: ['extra'] });
  assert.equal(Array.from((dst[0] as Linear).weight.data), Array.from(src.weight.data));
});

md('to(dtype) converts parameters and buffers in place, keeping the same objects', () => {
  const net = new Net();
  const w = net.embed.weight;
  const values = Array.from(w.data);
  net.to('float64');
  assert.is(net.embed.weight, w);
  assert.is(w.dtype, 'float64');
  assert.instance(w.data, Float64Array);
  assert.equal(Array.from(w.data), values);
  assert.ok([...net.parameters(), ...net.buffers()].every((t) => t.dtype === 'float64'));
  const y = net.forward(tensor([[1, 2, 3], [0, 1, 2]], { dtype: 'float64' }));
  assert.is(y.dtype, 'float64');
  assert.throws(() => net.forward(tensor([[1, 2, 3]])), /Linear: input is float32 but the weight is float64/);
});

md('registerBuffer validates its arguments; non-persistent buffers stay out of the state dict', () => {
  class WithBuffers extends Module {
    constructor() {
      super();
      this.registerBuffer('kept', zeros([2]));
      this.registerBuffer('scratch', zeros([3]), false);
    }
    forward(x: Tensor): Tensor { return x; }
  }
  const m = new WithBuffers();
  assert.equal(m.namedBuffers().map(([n]) => n), ['kept', 'scratch']);
  assert.equal(Object.keys(m.stateDict()), ['kept']);
  assert.throws(() => m.registerBuffer('a.b', zeros([1])), /without '\.'/);
  assert.throws(() => m.registerBuffer('p', new Parameter(zeros([1]))), /is a Parameter/);
});

md('registerBuffer options: integer and bool marks are checked against the values, and bad options are named', () => {
  class Marked extends Module {
    constructor() {
      super();
      this.registerBuffer('count', tensor(3), { integer: true });
      this.registerBuffer('flag', tensor(1), { bool: true, persistent: true });
      this.registerBuffer('scratch', zeros([1]), { persistent: false, integer: true });
    }
    forward(x: Tensor): Tensor { return x; }
  }
  const m = new Marked();
  assert.equal(Object.keys(m.stateDict()), ['count', 'flag']);
  const entries = m.safetensorsEntries();
  assert.equal(Object.keys(entries), ['count', 'flag']);
  assert.is((entries.count as { dtype: string }).dtype, 'I64');
  assert.is((entries.flag as { dtype: string }).dtype, 'BOOL');
  assert.is.not((entries.count as { tensor: Tensor }).tensor.data, m.getBuffer('count')!.data, 'entries are copies, as stateDict');
  assert.throws(() => m.registerBuffer('c', tensor(1.5), { integer: true }), /Marked.registerBuffer: 'c' is registered as an integer buffer, but element 0 is 1.5, not an integer/);
  assert.throws(() => m.registerBuffer('f', tensor([0, 2]), { bool: true }), /'f' is registered as a bool flag, but element 1 is 2, not 0 or 1/);
  assert.throws(() => m.registerBuffer('x', tensor(1), { integer: true, bool: true }), /'x' cannot be both integer and bool/);
  assert.throws(() => m.registerBuffer('x', tensor(1), { int: true } as never), /'x': unknown option 'int' \(expected persistent, integer or bool\)/);
  assert.throws(() => m.registerBuffer('x', tensor(1), { integer: 1 } as never), /'x': option integer must be a boolean, got 1/);
  assert.equal(m.namedBuffers().map(([n]) => n), ['count', 'flag', 'scratch'], 'a refused registration changes nothing');
});

md('registerParameter and registerModule: run-time names, after the fields, in every walk and the state dict', () => {
  class Stack extends Module {
    readonly head = new Linear(2, 1, { generator: new Generator(8) });
    constructor(n: number) {
      super();
      for (let i = 0; i < n; i++) {
        this.registerParameter(`B_${i}`, new Parameter(zeros([2])));
        this.registerModule(`block_${i}`, new Linear(2, 2, { generator: new Generator(i) }));
      }
    }
    forward(x: Tensor): Tensor { return x; }
  }
  const m = new Stack(2);
  assert.equal(m.namedParameters().map(([n]) => n), ['B_0', 'B_1', 'head.weight', 'head.bias', 'block_0.weight', 'block_0.bias', 'block_1.weight', 'block_1.bias']);
  assert.equal(m.namedChildren().map(([n]) => n), ['head', 'block_0', 'block_1']);
  assert.equal(Object.keys(m.stateDict()), m.namedParameters().map(([n]) => n));
  const other = new Stack(2);
  other.loadStateDict(m.stateDict());
  assert.equal(Array.from(other.getParameter('block_1.weight').data), Array.from(m.getParameter('block_1.weight').data));
  m.to('float64');
  assert.is(m.getParameter('B_1').dtype, 'float64');
  // Registering a name again replaces the entry; the name cannot move to another kind.
  const replacement = new Parameter(zeros([3]));
  m.registerParameter('B_0', replacement);
  assert.is(m.getParameter('B_0'), replacement);
  assert.throws(() => m.registerModule('B_0', new GELU()), /Stack.registerModule: 'B_0' is already the name of a parameter/);
  assert.throws(() => m.registerBuffer('block_0', zeros([1])), /Stack.registerBuffer: 'block_0' is already the name of a module/);
  m.registerBuffer('stat', zeros([1]));
  assert.throws(() => m.registerParameter('stat', new Parameter(zeros([1]))), /'stat' is already the name of a buffer/);
  // Bad arguments are named; a clash with a field is found when the state is walked.
  assert.throws(() => m.registerParameter('w', zeros([1]) as Parameter), /Stack.registerParameter: 'w' must be a Parameter, got a plain Tensor \(wrap it: new Parameter\(t\)/);
  assert.throws(() => m.registerParameter('a.b', new Parameter(zeros([1]))), /Stack.registerParameter: the name must be a non-empty string without '\.', got 'a.b'/);
  assert.throws(() => m.registerModule('x', {} as Module), /Stack.registerModule: 'x' must be a Module, got object/);
  assert.throws(() => m.registerModule('me', m), /'me' is this module itself/);
  m.registerModule('head', new GELU());
  assert.throws(() => m.parameters(), /Stack: two entries are named 'head' \(check stateNames, registerBuffer, registerParameter and registerModule\)/);
});

md('Parameter: shares the tensor storage, is a leaf requiring grad, validates its hints', () => {
  const t = tensor([1, 2]);
  const p = new Parameter(t, { lr: 1e-3, weightDecay: 0 });
  assert.is(p.data, t.data);
  assert.ok(p.requiresGrad && p.isLeaf);
  assert.equal(p.optim, { lr: 1e-3, weightDecay: 0 });
  assert.is(new Parameter(t).optim, undefined);
  assert.throws(() => new Parameter(t, { lr: -1 }), /hint lr must be a finite number ≥ 0, got -1/);
  assert.throws(() => new Parameter(t, { betas: 1 } as never), /unknown optimizer hint 'betas'/);
});

md.run();
