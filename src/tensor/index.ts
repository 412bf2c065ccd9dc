export { Tensor, type NestedArray, type GradFn, type VJP } from './tensor.js';
export { type DType, type Storage } from './dtype.js';
export { ShapeError, DTypeError, AutogradError } from './errors.js';
export { Generator, manualSeed, defaultGenerator, type GeneratorState } from './random.js';
export {
  tensor, zeros, ones, full, zerosLike, onesLike, fullLike, arange, linspace, eye,
  rand, randn, randint, randLike, randnLike, type CreateOptions, type RandomOptions,
} from './create.js';
