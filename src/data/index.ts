// The data layer: generated long-range tasks and character-level text, as plain typed arrays.

export {
  LISTOPS_VOCAB,
  LISTOPS_PAD,
  LISTOPS_NUM_CLASSES,
  encodeListOps,
  decodeListOps,
  padListOps,
  evaluateListOps,
  sampleListOps,
  listOpsBatch,
} from './listops.js';
export type { ListOpsOptions, ListOpsSample, ListOpsBatch } from './listops.js';

export { ADDING_BASELINE_MSE, addingBatch } from './adding.js';
export type { AddingBatch } from './adding.js';

export { CharVocab, splitTrainVal, charDataset, charBatch, bitsPerChar } from './text.js';
export type { TrainValSplit, CharDataset, CharBatch } from './text.js';
