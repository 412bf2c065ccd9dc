// The nn namespace: `import { nn } from 'longconv'`, then `new nn.Linear(4, 2)`.
export { Parameter, type OptimHints } from './parameter.js';
export { Module, type LayerOptions, type LoadResult, type BufferKind, type BufferOptions } from './module.js';
export { ModuleList, Sequential, ParameterList } from './containers.js';
export { Linear, Embedding } from './linear.js';
export { LayerNorm, BatchNorm1d, type BatchNormOptions } from './norm.js';
export { Dropout, GELU, GLU } from './activation.js';
export * as init from './init.js';
export { MultiheadAttention, type MultiheadAttentionOptions } from './attention.js';
export { scaledDotProductAttention, multiheadSelfAttention, attentionMask, type AttentionOptions } from './attention-functional.js';
export { ResidualBlock, TransformerBlock, SequenceNorm, MLP, type BlockOptions, type NormKind, type SequenceLayer } from './blocks.js';
export { expandPattern, LAYER_LETTERS, type LayerLetter } from './pattern.js';
export { SGConv, type SGConvOptions } from './sgconv.js';
export { type Activation } from './layer-utils.js';
export { LongConv, LongConvKernel, type LongConvOptions, type LongConvKernelModuleOptions } from './longconv.js';
export {
  sgconvKernel, sgconvScales, sgconvMultiplier, sgconvCosInit, sgconvDecayInit, parseSgconvMode,
  type SgconvKernelOptions, type SgconvKernelResult, type SgconvScales, type SgconvMode, type SgconvInitOptions,
} from './sgconv/kernel.js';
export { upsample, upsampleLinear, upsampleNearest, type UpsampleMode } from './sgconv/upsample.js';
export {
  squash, smooth, kernelDropout, longConvKernel, longConvKernelInit,
  type LongConvKernelOptions, type LongConvInitOptions,
} from './longconv-kernel.js';
export { S4, DPLRKernel, type S4Options } from './s4-layer.js';
export { S4D, DiagKernel, type S4DOptions } from './s4d-layer.js';
export { type SSMLayerOptions } from './ssm-layer.js';
export { Backbone, SequenceClassifier, LanguageModel, sample, type BackboneOptions, type SequenceClassifierOptions, type LanguageModelOptions } from './models.js';
export { makeMixer, type MixerOptions } from './mixers.js';
