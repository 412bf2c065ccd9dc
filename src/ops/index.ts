// Every differentiable op, one family per file.
export { add, sub, mul, div, neg, pow, square, maximum, minimum, where, eq, ne, lt, le, gt, ge, type Operand } from './binary.js';
export { exp, log, sqrt, rsqrt, abs, sign, sin, cos, tanh, sigmoid, erf, reciprocal, map } from './unary.js';
export { sum, mean, max, min, variance, logsumexp, argmax, sumTo, type Dims } from './reduce.js';
export { matmul, mm } from './matmul.js';
export { clone, to, reshape, flatten, squeeze, unsqueeze, permute, movedim, transpose, expand, slice, narrow, flip, concat, cat, stack, split, pad, embedSlice } from './shape.js';
export { indexSelect, indexAdd, gather, scatterAdd, embedding, toIndex, type IndexLike } from './indexing.js';
export { relu, gelu, silu, softplus, clamp, softmax, logSoftmax, glu, dropout } from './activation.js';
export { layerNorm } from './norm.js';
export { crossEntropy, mseLoss, type Reduction, type CrossEntropyOptions } from './loss.js';
export { complex, real, imag, conj, cmul, cdiv, cabs, cexp } from './complex.js';
export { fftConv, fftSize, type FftConvOptions } from './conv.js';
