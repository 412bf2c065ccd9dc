// The optim namespace: `import { optim } from 'longconv'`, then `new optim.AdamW(model.parameters())`.
export { Optimizer, type BaseHyper, type ParamGroup, type ParamGroupInput, type ParamState, type OptimizerStateDict, type StateKeyKind } from './optimizer.js';
export { SGD, type SGDHyper, type SGDState } from './sgd.js';
export { AdamW, type AdamWHyper, type AdamWState } from './adamw.js';
export { clipGradNorm } from './clip.js';
export { constantSchedule, linearWarmup, cosineWithWarmup, LRScheduler, type Schedule, type LRSchedulerState, type HasParamGroups } from './schedule.js';
