// Scaled dot-product attention and the multi-head self-attention forward pass, as functions of
// their weights (SPEC 5.1-5.3; torch.nn.MultiheadAttention's semantics and parameter layout).
//
//   scores = Q Kᵀ / √d_k            [B, h, Lq, Lk]
//   P = softmax(scores + bias)      bias: 0 where a key is visible, −∞ where masked
//   out = P V                       [B, h, Lq, d_v]
//
// Masks: causal (query i sees keys j ≤ i); sliding window w (i − w < j ≤ i, the w most recent
// positions including itself; w is required, there is no default); key padding (per batch,
// a key marked as padding is invisible to every query). Softmax subtracts the row maximum, so
// scores of ±1e4 are safe. A row whose keys are all masked (only possible with key padding)
// outputs 0 with gradient 0, instead of the NaN of 0/0: its bias row is set to 0 (a harmless
// uniform softmax) and its weights are multiplied by 0.

import { ShapeError, fmt } from '../tensor/errors.js';
import { type Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { add, mul } from '../ops/binary.js';
import { dropout, softmax } from '../ops/activation.js';
import { mm } from '../ops/matmul.js';
import { mean } from '../ops/reduce.js';
import { narrow, permute, reshape } from '../ops/shape.js';
import { empty } from '../ops/util.js';

export interface AttentionOptions {
  /** Query i may see keys j ≤ i. */
  causal?: boolean;
  /** Sliding-window causal attention: query i sees keys i − window < j ≤ i (implies causal). */
  window?: number;
  /** [B, Lk] with 1 (or true) marking padding keys to ignore, as PyTorch's key_padding_mask. */
  keyPaddingMask?: Tensor | readonly (readonly (number | boolean)[])[];
  /** Attention dropout probability on P (training only). */
  dropout?: number;
  training?: boolean;
  generator?: Generator;
}

/** The [Lq, Lk] visibility of keys to queries: 1 visible, 0 masked. */
export function attentionMask(lq: number, lk: number, opts: { causal?: boolean; window?: number } = {}): Float64Array {
  const { window } = opts;
  if (window !== undefined && (!Number.isInteger(window) || window < 1)) {
    throw new RangeError(`attention: window must be a positive integer, got ${window}`);
  }
  const causal = opts.causal || window !== undefined;
  const allowed = new Float64Array(lq * lk);
  for (let i = 0; i < lq; i++) {
    for (let j = 0; j < lk; j++) {
      const visible = !causal || (j <= i && (window === undefined || i - j < window));
      allowed[i * lk + j] = visible ? 1 : 0;
    }
  }
  return allowed;
}

/**
 * softmax(Q Kᵀ/√d + mask) V for q [B, h, Lq, d], k [B, h, Lk, d], v [B, h, Lk, dv].
 * Returns the output [B, h, Lq, dv] and the attention weights [B, h, Lq, Lk].
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions = {}): { output: Tensor; weights: Tensor } {
  if (q.ndim !== 4 || k.ndim !== 4 || v.ndim !== 4) {
    throw new ShapeError(`attention: q, k, v must be [B, heads, L, d], got ${fmt(q.shape)}, ${fmt(k.shape)}, ${fmt(v.shape)}`);
  }
  const [B, , Lq, d] = q.shape;
  const Lk = k.shape[2];
  if (k.shape[3] !== d || v.shape[2] !== Lk) {
    throw new ShapeError(`attention: q ${fmt(q.shape)}, k ${fmt(k.shape)} and v ${fmt(v.shape)} do not fit (q and k share d, k and v share L)`);
  }
  const scores = mul(mm(q, k, false, true), 1 / Math.sqrt(d)); // [B, h, Lq, Lk]
  const { bias, rowValid } = maskBias(B, Lq, Lk, q.dtype, opts);
  let weights = softmax(bias === null ? scores : add(scores, bias), -1); // [B, h, Lq, Lk]
  if (rowValid !== null) weights = mul(weights, rowValid);
  const used = dropout(weights, opts.dropout ?? 0, opts.training ?? false, opts.generator);
  return { output: mm(used, v), weights };
}

/** The additive −∞ bias [B, 1, Lq, Lk] (or [Lq, Lk]) and, if some row is empty, its 0/1 row mask. */
function maskBias(B: number, Lq: number, Lk: number, dtype: Tensor['dtype'], opts: AttentionOptions): { bias: Tensor | null; rowValid: Tensor | null } {
  const structural = opts.causal || opts.window !== undefined;
  const padding = opts.keyPaddingMask === undefined ? null : readPaddingMask(opts.keyPaddingMask, B, Lk, 'attention: keyPaddingMask', 'Lk');
  if (!structural && padding === null) return { bias: null, rowValid: null };
  const allowed = attentionMask(Lq, Lk, opts);
  if (padding === null) {
    const bias = empty([Lq, Lk], dtype);
    allowed.forEach((a, i) => (bias.data[i] = a ? 0 : -Infinity));
    return { bias, rowValid: null };
  }
  const bias = empty([B, 1, Lq, Lk], dtype);
  const rowValid = empty([B, 1, Lq, 1], dtype);
  let anyEmpty = false;
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < Lq; i++) {
      let visible = 0;
      for (let j = 0; j < Lk; j++) visible += allowed[i * Lk + j] && !padding[b * Lk + j] ? 1 : 0;
      rowValid.data[b * Lq + i] = visible > 0 ? 1 : 0;
      anyEmpty ||= visible === 0;
      for (let j = 0; j < Lk; j++) {
        const ok = visible === 0 || (allowed[i * Lk + j] && !padding[b * Lk + j]);
        bias.data[(b * Lq + i) * Lk + j] = ok ? 0 : -Infinity;
      }
    }
  }
  return { bias, rowValid: anyEmpty ? rowValid : null };
}

/** A [B, L] padding mask (Tensor or nested arrays, nonzero = padding) as flat 0/1 bytes. */
export function readPaddingMask(mask: Tensor | readonly (readonly (number | boolean)[])[], B: number, L: number, what: string, lengthName = 'L'): Uint8Array {
  const flat = mask instanceof Tensor ? Array.from(mask.data) : mask.flat().map((v) => (v ? 1 : 0));
  const shape = mask instanceof Tensor ? mask.shape : [mask.length, mask[0]?.length ?? 0];
  if (shape.length !== 2 || shape[0] !== B || shape[1] !== L || flat.length !== B * L) {
    throw new ShapeError(`${what} must be [B, ${lengthName}] = [${B},${L}], got ${fmt(shape)}`);
  }
  return Uint8Array.from(flat, (v) => (v ? 1 : 0));
}

export interface MultiheadWeights {
  inProjWeight: Tensor; // [3E, E]: rows q, then k, then v
  inProjBias?: Tensor | null; // [3E]
  outProjWeight: Tensor; // [E, E]
  outProjBias?: Tensor | null; // [E]
}

/**
 * Multi-head self-attention on x [B, L, E] (query = key = value = x), as
 * torch.nn.MultiheadAttention(batch_first=True). Returns y [B, L, E] and the attention weights
 * per head [B, h, L, L] (PyTorch returns their mean over heads by default: `averaged`).
 */
export function multiheadSelfAttention(x: Tensor, w: MultiheadWeights, numHeads: number, opts: AttentionOptions = {}): { output: Tensor; weights: Tensor; averaged: Tensor } {
  if (x.ndim !== 3) throw new ShapeError(`MultiheadAttention: input must be [B, L, E], got ${fmt(x.shape)}`);
  const [B, L, E] = x.shape;
  if (!Number.isInteger(numHeads) || numHeads < 1 || E % numHeads !== 0) {
    throw new RangeError(`MultiheadAttention: embedDim ${E} must be divisible by numHeads ${numHeads}`);
  }
  if (w.inProjWeight.shape[0] !== 3 * E || w.inProjWeight.shape[1] !== E) {
    throw new ShapeError(`MultiheadAttention: in_proj_weight must be [3E, E] = [${3 * E},${E}], got ${fmt(w.inProjWeight.shape)}`);
  }
  const dh = E / numHeads;
  let qkv = mm(x, w.inProjWeight, false, true); // [B, L, 3E]
  if (w.inProjBias) qkv = add(qkv, w.inProjBias);
  const heads = (part: number): Tensor => permute(reshape(narrow(qkv, 2, part * E, E), [B, L, numHeads, dh]), [0, 2, 1, 3]); // [B, h, L, dh]
  const { output, weights } = scaledDotProductAttention(heads(0), heads(1), heads(2), opts);
  const merged = reshape(permute(output, [0, 2, 1, 3]), [B, L, E]); // [B, L, E]
  let y = mm(merged, w.outProjWeight, false, true);
  if (w.outProjBias) y = add(y, w.outProjBias);
  return { output: y, weights, averaged: mean(weights, 1) };
}
