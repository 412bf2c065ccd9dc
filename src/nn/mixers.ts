// One sequence mixer per pattern letter (see pattern.ts), with the options a backbone passes
// down. Every mixer maps [B, L, H] → [B, L, H]; the convolution and SSM layers end in their own
// output Linear + GLU, as in the S4 and SGConv LRA configurations.

import { MultiheadAttention } from './attention.js';
import { type SequenceLayer } from './blocks.js';
import { LongConv } from './longconv.js';
import { type LayerOptions } from './module.js';
import { type LayerLetter } from './pattern.js';
import { S4 } from './s4-layer.js';
import { S4D } from './s4d-layer.js';
import { SGConv } from './sgconv.js';

export interface MixerOptions extends LayerOptions {
  dModel: number;
  /** The longest sequence the model will see: fixes the convolution and SSM kernel lengths. */
  lMax: number;
  /** Attention heads (A and W layers). Default 4. */
  numHeads?: number;
  /** Window of W layers: required by a W layer, with no default (SPEC 5.3). */
  window?: number;
  /** Causal attention (A layers); a language model is always causal. */
  causal?: boolean;
  /** Two-sided convolution and SSM kernels (never in a language model). Default false. */
  bidirectional?: boolean;
  /** Dropout inside the mixer (after its activation; on attention weights). Default 0. */
  dropout?: number;
  /** Tie the convolution layers' dropout across time (one mask per sequence, SPEC 2.7, 3.5). Default false. */
  tieDropout?: boolean;
  /** SGConv sub-kernel length d. Default 32. */
  kernelDim?: number;
  /** S4 / S4D state size N. Default 64. */
  dState?: number;
}

export function makeMixer(letter: LayerLetter, o: MixerOptions): SequenceLayer {
  const base = { generator: o.generator, dtype: o.dtype };
  switch (letter) {
    case 'A':
      return new MultiheadAttention(o.dModel, o.numHeads ?? 4, { ...base, causal: o.causal, dropout: o.dropout });
    case 'W':
      // No default window: the paper does not give one (SPEC 5.3), so the caller must choose.
      if (o.window === undefined) throw new RangeError('a W (sliding-window attention) layer needs a window: pass window (there is no default, SPEC 5.3)');
      return new MultiheadAttention(o.dModel, o.numHeads ?? 4, { ...base, window: o.window, dropout: o.dropout });
    case 'C':
      return new SGConv({ ...base, dModel: o.dModel, lMax: o.lMax, kernelDim: Math.min(o.kernelDim ?? 32, o.lMax), bidirectional: o.bidirectional, postact: 'glu', dropout: o.dropout, tieDropout: o.tieDropout });
    case 'L':
      return new LongConv({ ...base, dModel: o.dModel, lMax: o.lMax, bidirectional: o.bidirectional, postact: 'glu', dropout: o.dropout, tieDropout: o.tieDropout });
    case 'S':
      return new S4({ ...base, dModel: o.dModel, lMax: o.lMax, dState: o.dState ?? 64, bidirectional: o.bidirectional, postact: 'glu', dropout: o.dropout });
    case 'D':
      return new S4D({ ...base, dModel: o.dModel, lMax: o.lMax, dState: o.dState ?? 64, bidirectional: o.bidirectional, postact: 'glu', dropout: o.dropout });
    default:
      throw new RangeError(`unknown layer letter '${String(letter)}'`);
  }
}
