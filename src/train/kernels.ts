// The learned convolution kernels of a model, for the report: every SGConv, LongConv, S4 and
// S4D layer's kernel at the training length, as one array of taps per (channel, feature) row.

import { noGrad } from '../autograd/grad-mode.js';
import { type Tensor } from '../tensor/tensor.js';
import { type Module } from '../nn/module.js';
import { LongConv } from '../nn/longconv.js';
import { S4 } from '../nn/s4-layer.js';
import { S4D } from '../nn/s4d-layer.js';
import { SGConv } from '../nn/sgconv.js';
import { type KernelPlot } from './report.js';

/** Rows of a [..., L] kernel tensor as separate arrays. */
function rows(k: Tensor): Float64Array[] {
  const L = k.shape[k.ndim - 1];
  const out: Float64Array[] = [];
  for (let r = 0; r < k.numel / L; r++) out.push(Float64Array.from(k.data.subarray(r * L, (r + 1) * L)));
  return out;
}

export function learnedKernels(model: Module, L: number): KernelPlot[] {
  const out: KernelPlot[] = [];
  const wasTraining = model.training;
  model.eval();
  noGrad(() => {
    for (const [name, m] of model.namedModules()) {
      let k: Tensor | null = null;
      if (m instanceof SGConv) k = m.kernel(Math.min(L, m.lMax)).kernel;
      else if (m instanceof LongConv) k = m.kernel.forward();
      else if (m instanceof S4 || m instanceof S4D) k = m.kernel.forward(L);
      if (k !== null) out.push({ name, channels: rows(k) });
    }
  });
  model.train(wasTraining);
  return out;
}
