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

export {
  COPYING_BLANK,
  COPYING_SYMBOLS,
  COPYING_DELIMITER,
  COPYING_VOCAB_SIZE,
  COPYING_RECALL,
  COPYING_IGNORE,
  COPYING_MIN_LENGTH,
  copyingBatch,
} from './copying.js';
export type { CopyingBatch } from './copying.js';

export { CharVocab, splitTrainVal, charDataset, charBatch, bitsPerChar } from './text.js';
export type { TrainValSplit, CharDataset, CharBatch } from './text.js';
