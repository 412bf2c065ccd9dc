// Checkpoints: everything a run needs to continue bit for bit, in one safetensors file.
//   tensors   model.<name>                 the module's state dict (PyTorch names)
//             optimizer.<i>.<key>          per-parameter optimizer state (moments, buffers)
//   metadata  longconv.format, step, rng (generator states), optimizer (groups and scalar
//             state as JSON), scheduler, history (the metric curves), config
// Given the model, its integer buffers (BatchNorm's num_batches_tracked) are stored as I64 and
// its bool flags (SGConv's kernel_norm_initialized) as BOOL, as PyTorch stores them; the model
// says which they are (Module.safetensorsEntries), not a guess from the name.

import { type SafetensorsEntry } from '../io/index.js';
import { type Module } from '../nn/module.js';
import { type GeneratorState } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { type OptimizerStateDict, type ParamState, type LRSchedulerState } from '../optim/index.js';
import { type CurvePoint } from './report.js';

export const CHECKPOINT_FORMAT = 'longconv-checkpoint-1';

export interface TrainingState<H = unknown> {
  model: Record<string, Tensor>;
  optimizer: OptimizerStateDict<H>;
  scheduler: LRSchedulerState;
  step: number;
  rng: Record<string, GeneratorState>;
  history: { train: CurvePoint[]; eval: CurvePoint[] };
  config: Record<string, unknown>;
}

/**
 * The tensors and metadata of a checkpoint file. Pass the model whose state `s.model` is to save
 * its integer and bool buffers as I64 and BOOL; without it every tensor keeps its float dtype
 * (the file still restores: loadStateDict takes either for those buffers).
 */
export function packCheckpoint<H>(s: TrainingState<H>, model?: Module): { tensors: Record<string, SafetensorsEntry>; metadata: Record<string, string> } {
  const fromModel = new Map<string, SafetensorsEntry>(model === undefined ? [] : Object.entries(model.safetensorsEntries()));
  const tensors: Record<string, SafetensorsEntry> = {};
  for (const [name, t] of Object.entries(s.model)) {
    const entry = fromModel.get(name);
    tensors[`model.${name}`] = entry === undefined || entry instanceof Tensor ? t : { tensor: t, dtype: entry.dtype };
  }
  const scalars: Record<string, Record<string, number>> = {};
  for (const [i, state] of Object.entries(s.optimizer.state)) {
    for (const [key, value] of Object.entries(state)) {
      if (value instanceof Tensor) tensors[`optimizer.${i}.${key}`] = value;
      else if (typeof value === 'number') (scalars[i] ??= {})[key] = value;
    }
  }
  const metadata: Record<string, string> = {
    'longconv.format': CHECKPOINT_FORMAT,
    step: String(s.step),
    rng: JSON.stringify(s.rng),
    optimizer: JSON.stringify({ paramGroups: s.optimizer.paramGroups, scalars }),
    scheduler: JSON.stringify(s.scheduler),
    history: JSON.stringify(s.history),
    config: JSON.stringify(s.config),
  };
  return { tensors, metadata };
}

export function unpackCheckpoint<H>(tensors: Record<string, Tensor>, metadata: Record<string, string>): TrainingState<H> {
  if (metadata['longconv.format'] !== CHECKPOINT_FORMAT) {
    throw new RangeError(`checkpoint: not a longconv checkpoint (format '${metadata['longconv.format'] ?? 'missing'}', expected '${CHECKPOINT_FORMAT}')`);
  }
  const parse = <T>(key: string): T => {
    if (metadata[key] === undefined) throw new RangeError(`checkpoint: metadata '${key}' is missing`);
    try {
      return JSON.parse(metadata[key]) as T;
    } catch {
      throw new RangeError(`checkpoint: metadata '${key}' is not valid JSON`);
    }
  };
  const model: Record<string, Tensor> = {};
  const state: Record<number, ParamState> = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (name.startsWith('model.')) {
      model[name.slice('model.'.length)] = t;
    } else if (name.startsWith('optimizer.')) {
      const [, i, ...key] = name.split('.');
      (state[Number(i)] ??= {})[key.join('.')] = t;
    } else {
      throw new RangeError(`checkpoint: unexpected tensor '${name}'`);
    }
  }
  const opt = parse<{ paramGroups: OptimizerStateDict<H>['paramGroups']; scalars: Record<string, Record<string, number>> }>('optimizer');
  for (const [i, values] of Object.entries(opt.scalars)) Object.assign((state[Number(i)] ??= {}), values);
  const step = Number(metadata.step);
  if (!Number.isInteger(step) || step < 0) throw new RangeError(`checkpoint: step '${metadata.step}' is not a non-negative integer`);
  return {
    model,
    optimizer: { state, paramGroups: opt.paramGroups },
    scheduler: parse<LRSchedulerState>('scheduler'),
    step,
    rng: parse<Record<string, GeneratorState>>('rng'),
    history: parse<TrainingState['history']>('history'),
    config: parse<Record<string, unknown>>('config'),
  };
}
