// Stochastic gradient descent with momentum, exactly as torch.optim.SGD (PyTorch 1.13):
//
//   d = g + λ·p                                   (weight decay λ, coupled: part of the gradient)
//   with momentum μ > 0:
//     b = d                       on the first step (no dampening: the buffer starts as a copy)
//     b = μ·b + (1 − τ)·d         afterwards        (dampening τ)
//     d = d + μ·b  (nesterov)  or  d = b  (plain)
//   p = p − lr·d
//
// Checked against torch.optim.SGD trajectories in test/fixtures/adamw.json.

import { type Tensor } from '../tensor/tensor.js';
import { zerosLike } from '../tensor/create.js';
import { type BaseHyper, type ParamGroup, type ParamGroupInput, Optimizer, checkKnownSettings, checkNonNegative } from './optimizer.js';

export interface SGDHyper extends BaseHyper {
  momentum: number;
  dampening: number;
  nesterov: boolean;
}

export type SGDState = { momentumBuffer?: Tensor };

export class SGD extends Optimizer<SGDHyper, SGDState> {
  constructor(
    params: Iterable<Tensor> | Iterable<ParamGroupInput<SGDHyper>>,
    opts: { lr: number; momentum?: number; dampening?: number; weightDecay?: number; nesterov?: boolean },
  ) {
    if (opts === undefined || opts.lr === undefined) throw new RangeError('SGD: the learning rate lr is required');
    checkKnownSettings('SGD', 'options', opts, { lr: 0, momentum: 0, dampening: 0, weightDecay: 0, nesterov: 0 });
    super(params, {
      lr: opts.lr,
      momentum: opts.momentum ?? 0,
      dampening: opts.dampening ?? 0,
      weightDecay: opts.weightDecay ?? 0,
      nesterov: opts.nesterov ?? false,
    });
  }

  // Without momentum the state is empty; with it, the first step creates the buffer.
  protected readonly stateKeys = { momentumBuffer: 'optional tensor' } as const;

  protected validate(h: SGDHyper, where: string): void {
    checkNonNegative('SGD', where, 'lr', h.lr);
    checkNonNegative('SGD', where, 'momentum', h.momentum);
    checkNonNegative('SGD', where, 'dampening', h.dampening);
    checkNonNegative('SGD', where, 'weightDecay', h.weightDecay);
    if (typeof h.nesterov !== 'boolean') throw new RangeError(`SGD: ${where}: nesterov must be a boolean, got ${String(h.nesterov)}`);
    if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0)) {
      throw new RangeError(`SGD: ${where}: nesterov momentum requires momentum > 0 and dampening 0, got momentum ${h.momentum}, dampening ${h.dampening}`);
    }
  }

  protected initState(): SGDState {
    return {};
  }

  protected update(p: Tensor, grad: Tensor, group: ParamGroup<SGDHyper>, state: SGDState): void {
    const { lr, momentum, dampening, weightDecay, nesterov } = group;
    const first = state.momentumBuffer === undefined;
    if (momentum !== 0 && first) state.momentumBuffer = zerosLike(p);
    const P = p.data;
    const G = grad.data;
    const B = momentum !== 0 ? state.momentumBuffer!.data : null;
    for (let i = 0; i < P.length; i++) {
      let d = weightDecay !== 0 ? G[i] + weightDecay * P[i] : G[i];
      if (B !== null) {
        B[i] = first ? d : momentum * B[i] + (1 - dampening) * d;
        d = nesterov ? d + momentum * B[i] : B[i];
      }
      P[i] = P[i] - lr * d;
    }
  }
}
