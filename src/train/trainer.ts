// The training loop, as a class the CLI drives one step at a time (so that it can print
// progress, write checkpoints and stop cleanly on Ctrl-C between steps).
//
// Determinism: three seeded generators, all derived from --seed: `data` draws the training
// batches, `model` initialises the weights and drives dropout, and the evaluation set is drawn
// once from its own seed. Their states are saved in checkpoints, so a resumed run continues
// bit for bit (same machine, same build).

import { noGrad } from '../autograd/grad-mode.js';
import { Generator } from '../tensor/random.js';
import { type Tensor } from '../tensor/tensor.js';
import { type Module } from '../nn/module.js';
import { LanguageModel, SequenceClassifier } from '../nn/models.js';
import { AdamW, LRScheduler, clipGradNorm, cosineWithWarmup, type AdamWHyper } from '../optim/index.js';
import { type CurvePoint, type KernelPlot } from './report.js';
import { type Batch, type Task } from './tasks.js';
import { type TrainingState } from './checkpoint.js';
import { learnedKernels } from './kernels.js';

export const MODEL_PATTERNS: Record<string, string> = {
  sgconv: 'C', longconv: 'L', s4: 'S', s4d: 'D', transformer: 'A', hybrid: 'ACC',
};

export interface TrainConfig {
  task: string;
  model: string;
  layers: number;
  dModel: number;
  length: number;
  batch: number;
  steps: number;
  lr: number;
  weightDecay: number;
  seed: number;
  warmup: number;
  evalEvery: number;
  evalBatches: number;
  dropout: number;
  clip: number;
  heads: number;
  window: number;
  prenorm: boolean;
  norm: 'layer' | 'batch';
}

/**
 * The settings a resumed run must share with its checkpoint to continue bit for bit: the data,
 * the model and every optimisation setting. `evalEvery` and `evalBatches` only decide what is
 * measured and may change. `steps` may grow: the cosine schedule is then stretched to the new
 * total from the saved step on (the lr rises from where the shorter schedule had brought it),
 * so the run continues but no longer matches an uninterrupted run of either length.
 */
export const RESUME_FIXED = [
  'task', 'model', 'layers', 'dModel', 'length', 'batch', 'seed', 'heads', 'window', 'norm', 'prenorm',
  'lr', 'weightDecay', 'warmup', 'dropout', 'clip',
] as const satisfies readonly (keyof TrainConfig)[];

/** The settings in which `current` may not continue a checkpoint saved with `saved`. */
export function resumeConflicts(saved: Partial<Record<keyof TrainConfig, unknown>>, current: TrainConfig): { key: keyof TrainConfig; saved: unknown; current: unknown }[] {
  const conflicts: { key: keyof TrainConfig; saved: unknown; current: unknown }[] = RESUME_FIXED
    .filter((key) => saved[key] !== current[key])
    .map((key) => ({ key, saved: saved[key], current: current[key] }));
  if (!(typeof saved.steps === 'number' && current.steps >= saved.steps)) conflicts.push({ key: 'steps', saved: saved.steps, current: current.steps });
  return conflicts;
}

/** The layer pattern for --model: a known name or a pattern string such as "AAC*3+ACC*3". */
export function patternFor(model: string): string {
  return MODEL_PATTERNS[model] ?? model;
}

export type Model = SequenceClassifier | LanguageModel;

/** What building a model needs to know of its task. */
export type ModelSpec = Pick<Task, 'kind' | 'length' | 'vocabSize' | 'inputDim' | 'outputs' | 'pooling' | 'causal'>;

/** The model of a configuration: a causal language model for text, a classifier otherwise. */
export function buildModel(config: TrainConfig, task: ModelSpec, generator: Generator): Model {
  const common = {
    dModel: config.dModel, pattern: patternFor(config.model), layers: config.layers, dropout: config.dropout,
    prenorm: config.prenorm, norm: config.norm, numHeads: config.heads, window: config.window, lMax: task.length, generator,
  };
  return task.kind === 'lm'
    ? new LanguageModel({ ...common, vocabSize: task.vocabSize! })
    : new SequenceClassifier({
      ...common, vocabSize: task.vocabSize, inputDim: task.inputDim, numClasses: task.outputs,
      pooling: task.pooling ?? 'mean', causal: task.causal ?? false,
    });
}

export class Trainer {
  readonly config: TrainConfig;
  readonly task: Task;
  readonly model: Model;
  readonly optimizer: AdamW;
  readonly scheduler: LRScheduler;
  readonly rng: { data: Generator; model: Generator };
  readonly evalSet: Batch[];
  step = 0;
  readonly history: { train: CurvePoint[]; eval: CurvePoint[] } = { train: [], eval: [] };

  constructor(config: TrainConfig, task: Task) {
    this.config = config;
    this.task = task;
    this.rng = { data: new Generator(config.seed), model: new Generator(config.seed + 1) };
    this.model = buildModel(config, task, this.rng.model);
    // Parameters with optimizer hints (SSM and convolution kernels) get groups of their own.
    this.optimizer = new AdamW(this.model.parameters(), { lr: config.lr, weightDecay: config.weightDecay, betas: [0.9, 0.999], eps: 1e-8, amsgrad: false });
    this.scheduler = new LRScheduler(this.optimizer, cosineWithWarmup({ warmupSteps: config.warmup, totalSteps: config.steps }));
    const evalGen = new Generator(config.seed + 1_000_003);
    this.evalSet = Array.from({ length: config.evalBatches }, () => task.sample(evalGen, config.batch, 'val'));
  }

  /** One optimisation step on a fresh batch; returns the loss, the metric and the lr used. */
  trainStep(): { loss: number; metric: number; lr: number } {
    this.model.train();
    const batch = this.task.sample(this.rng.data, this.config.batch);
    const output = this.forward(batch);
    const { loss, metric } = this.task.evaluate(output, batch.targets);
    this.optimizer.zeroGrad();
    loss.backward();
    if (this.config.clip > 0) clipGradNorm(this.model.parameters(), this.config.clip);
    const lr = this.optimizer.paramGroups[0].lr;
    this.optimizer.step();
    this.scheduler.step();
    this.step += 1;
    const value = loss.item();
    this.history.train.push({ step: this.step, loss: value, metric });
    return { loss: value, metric, lr };
  }

  /** Loss and metric on the fixed evaluation set, in evaluation mode. */
  evaluate(): { loss: number; metric: number } {
    const wasTraining = this.model.training;
    this.model.eval();
    let loss = 0;
    let metric = 0;
    noGrad(() => {
      for (const b of this.evalSet) {
        const r = this.task.evaluate(this.forward(b), b.targets);
        loss += r.loss.item() / this.evalSet.length;
        metric += r.metric / this.evalSet.length;
      }
    });
    this.model.train(wasTraining);
    this.history.eval.push({ step: this.step, loss, metric });
    return { loss, metric };
  }

  /** The model's output for a batch (a classifier also gets the batch's padding mask). */
  forward(batch: Batch): Tensor {
    return this.model instanceof SequenceClassifier
      ? this.model.forward(batch.inputs, { paddingMask: batch.paddingMask })
      : this.model.forward(batch.inputs);
  }

  /** Every convolution or SSM layer's kernel, for the report. */
  kernels(): KernelPlot[] {
    return learnedKernels(this.model as Module, this.task.length);
  }

  state(): TrainingState<AdamWHyper> {
    return {
      model: this.model.stateDict(),
      optimizer: this.optimizer.stateDict(),
      scheduler: this.scheduler.stateDict(),
      step: this.step,
      rng: { data: this.rng.data.getState(), model: this.rng.model.getState() },
      history: { train: [...this.history.train], eval: [...this.history.eval] },
      config: { ...this.config },
    };
  }

  /**
   * Continue from a checkpoint of a run with the same configuration (see resumeConflicts:
   * only `steps` may grow). Throws a RangeError naming every setting that differs.
   */
  restore(s: TrainingState<AdamWHyper>): void {
    const conflicts = resumeConflicts(s.config, this.config);
    if (conflicts.length > 0) {
      const list = conflicts.map((c) => c.key === 'steps'
        ? `steps ${String(c.saved)} (may grow, not shrink), this run has ${String(c.current)}`
        : `${c.key} ${String(c.saved)}, this run has ${String(c.current)}`);
      throw new RangeError(`resume: the checkpoint was trained with ${list.join('; ')}`);
    }
    this.model.loadStateDict(s.model);
    this.optimizer.loadStateDict(s.optimizer);
    this.scheduler.loadStateDict(s.scheduler);
    this.rng.data.setState(s.rng.data);
    this.rng.model.setState(s.rng.model);
    this.step = s.step;
    this.history.train.splice(0, Infinity, ...s.history.train);
    this.history.eval.splice(0, Infinity, ...s.history.eval);
  }
}

