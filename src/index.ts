// longconv: the public face. Re-exports only.
export * from './tensor/index.js';
export * from './autograd/index.js';
export * from './ops/index.js';
export * as fft from './ops/fft.js';
export { getBackend, setBackend, type Backend, type MatmulArgs } from './backend/index.js';
export * as io from './io/index.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export { s4, s4d } from './nn/s4/index.js';
export type { DPLRParams, S4DParams, SSMParams, DPLR, HiPPO } from './nn/s4/index.js';
