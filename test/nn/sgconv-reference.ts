// The SGConv layer maths as a plain composition (SPEC 2.5; the official GConv.forward with
// transposed=False, activation GELU, no postact, dropout 0), used by the tests before the
// nn.SGConv module exists, and the reference's explicit bidirectional fold.

import { add, fftConv, gelu, matmul, mul, narrow, pad, flip, reshape, transpose, unsqueeze, type Tensor } from '../../src/index.js';
import { sgconvKernel, type SgconvKernelOptions } from '../../src/nn/sgconv/kernel.js';

/** The constructor options of a sgconv.json case, as sgconvKernel options. */
export function kernelOptions(o: Record<string, unknown>): SgconvKernelOptions {
  return {
    lMax: o.l_max as number, kernelDim: o.kernel_dim as number, L: o.L as number,
    decayMin: o.decay_min as number, decayMax: o.decay_max as number, mode: o.mode as string, initScale: o.init_scale as number,
  };
}

/** The state-dict names of the S sub-kernels. */
export const weightNames = (S: number): string[] => Array.from({ length: S }, (_, i) => `kernel_list.${i}`);

/** The reference's fold: pad(k0, (0, L)) + pad(flip(k1), (L, 0)).  [2C, H, L] → [C, H, 2L] */
export function foldBidirectional(k: Tensor): Tensor {
  const [C2, , L] = k.shape;
  const k0 = narrow(k, 0, 0, C2 / 2); // [C, H, L] causal
  const k1 = narrow(k, 0, C2 / 2, C2 / 2); // [C, H, L] anti-causal
  return add(pad(k0, [0, L]), pad(flip(k1, 2), [L, 0])); // [C, H, 2L]
}

export interface SgconvLayerParams {
  u: Tensor; // [B, L, H]
  weights: Tensor[]; // S × [C', H, d]
  D: Tensor; // [C, H]
  weight: Tensor; // output linear [H, C·H]
  bias: Tensor; // [H]
}

/**
 * y = Linear(GELU(flatten_{c·H+h}(conv(u, K) + D·u))) on u [B, L, H]. Returns y [B, L, H], the
 * kernel the layer convolves with ([C, H, L], or the fold [C, H, 2L] when bidirectional) and Z.
 */
export function sgconvLayerReference(
  p: SgconvLayerParams,
  opts: SgconvKernelOptions & { channels: number; bidirectional: boolean },
): { y: Tensor; kernel: Tensor; kernelNorm: Tensor } {
  const [B, L, H] = p.u.shape;
  const C = opts.channels;
  const u = transpose(p.u, 1, 2); // [B, H, L]
  const { kernel, kernelNorm } = sgconvKernel(p.weights, { ...opts, L }); // [C', H, L]
  const conv = fftConv(u, kernel, { bidirectional: opts.bidirectional }); // [B, C, H, L]
  const skip = mul(unsqueeze(u, 1), reshape(p.D, [1, C, H, 1])); // [B, C, H, L]
  const z = gelu(reshape(add(conv, skip), [B, C * H, L])); // [B, C·H, L], feature c·H + h
  const y = add(matmul(transpose(z, 1, 2), transpose(p.weight, 0, 1)), p.bias); // [B, L, H]
  return { y, kernel: opts.bidirectional ? foldBidirectional(kernel) : kernel, kernelNorm };
}
