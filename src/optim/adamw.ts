// AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization"), exactly as
// torch.optim.AdamW (PyTorch 1.13). At step t = 1, 2, … with gradient g:
//
//   p = p·(1 − lr·λ)                          decoupled weight decay, before the moments
//   m = β₁·m + (1 − β₁)·g                     first moment
//   v = β₂·v + (1 − β₂)·g²                    second moment
//   v̂ = max(v̂, v) with amsgrad, else v
//   p = p − (lr / (1 − β₁ᵗ)) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
//
// Two details decide agreement with PyTorch to the last digits: the decay multiplies p before
// the moment update, and ε is added after √v̂ is divided by √(1 − β₂ᵗ) (not to √v̂ itself).
// Checked against torch.optim.AdamW trajectories in test/fixtures/adamw.json.

import { type Tensor } from '../tensor/tensor.js';
import { zerosLike } from '../tensor/create.js';
import { type BaseHyper, type ParamGroup, type ParamGroupInput, Optimizer, checkKnownSettings, checkNonNegative } from './optimizer.js';

export interface AdamWHyper extends BaseHyper {
  betas: [number, number];
  eps: number;
  amsgrad: boolean;
}

export type AdamWState = { step: number; expAvg: Tensor; expAvgSq: Tensor; maxExpAvgSq?: Tensor };

export class AdamW extends Optimizer<AdamWHyper, AdamWState> {
  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<AdamWHyper>>, opts: Partial<AdamWHyper> = {}) {
    checkKnownSettings('AdamW', 'options', opts, { lr: 0, betas: 0, eps: 0, weightDecay: 0, amsgrad: 0 });
    super(params, {
      lr: opts.lr ?? 1e-3,
      betas: opts.betas === undefined ? [0.9, 0.999] : [opts.betas[0], opts.betas[1]],
      eps: opts.eps ?? 1e-8,
      weightDecay: opts.weightDecay ?? 1e-2,
      amsgrad: opts.amsgrad ?? false,
    });
  }

  // maxExpAvgSq exists only once an amsgrad step has run (update() creates it), so it is optional.
  protected readonly stateKeys = { step: 'count', expAvg: 'tensor', expAvgSq: 'tensor', maxExpAvgSq: 'optional tensor' } as const;

  protected validate(h: AdamWHyper, where: string): void {
    checkNonNegative('AdamW', where, 'lr', h.lr);
    checkNonNegative('AdamW', where, 'eps', h.eps);
    checkNonNegative('AdamW', where, 'weightDecay', h.weightDecay);
    if (!Array.isArray(h.betas) || h.betas.length !== 2 || !h.betas.every((b) => typeof b === 'number' && b >= 0 && b < 1)) {
      throw new RangeError(`AdamW: ${where}: betas must be two numbers in [0, 1), got ${JSON.stringify(h.betas)}`);
    }
    if (typeof h.amsgrad !== 'boolean') throw new RangeError(`AdamW: ${where}: amsgrad must be a boolean, got ${String(h.amsgrad)}`);
  }

  protected initState(p: Tensor): AdamWState {
    return { step: 0, expAvg: zerosLike(p), expAvgSq: zerosLike(p) };
  }

  protected update(p: Tensor, grad: Tensor, group: ParamGroup<AdamWHyper>, state: AdamWState): void {
    const { lr, weightDecay, eps, amsgrad } = group;
    const [beta1, beta2] = group.betas;
    state.step += 1;
    if (amsgrad && state.maxExpAvgSq === undefined) state.maxExpAvgSq = zerosLike(p);
    const decay = 1 - lr * weightDecay;
    const stepSize = lr / (1 - beta1 ** state.step);
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** state.step);
    const P = p.data;
    const G = grad.data;
    const M = state.expAvg.data;
    const V = state.expAvgSq.data;
    const Vmax = amsgrad ? state.maxExpAvgSq!.data : null;
    for (let i = 0; i < P.length; i++) {
      P[i] = P[i] * decay;
      M[i] = M[i] * beta1 + (1 - beta1) * G[i];
      V[i] = V[i] * beta2 + (1 - beta2) * G[i] * G[i];
      let vHat = V[i];
      if (Vmax !== null) vHat = Vmax[i] = Math.max(Vmax[i], V[i]);
      const denom = Math.sqrt(vHat) / biasCorrection2Sqrt + eps;
      P[i] = P[i] + (-stepSize * M[i]) / denom;
    }
  }
}
