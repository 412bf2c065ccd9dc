import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Trainer, type TrainConfig } from '../../src/train/trainer.js';
import { addingTask, listopsTask, textTask } from '../../src/train/tasks.js';
import { packCheckpoint, unpackCheckpoint } from '../../src/train/checkpoint.js';
import { loadSafetensors, saveSafetensors } from '../../src/io/index.js';
import { type AdamWHyper } from '../../src/optim/index.js';

const t = suite('training loop');

const base: TrainConfig = {
  task: 'adding', model: 'sgconv', layers: 2, dModel: 8, length: 32, batch: 4, steps: 40, lr: 0.01, weightDecay: 0.01,
  seed: 3, warmup: 2, evalEvery: 10, evalBatches: 2, dropout: 0.1, clip: 1, heads: 2, window: 8, prenorm: true, norm: 'layer',
};

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

t('every model kind lowers its training loss on a small task', () => {
  const text = 'the quick brown fox jumps over the lazy dog. '.repeat(40);
  const runs: [string, 'adding' | 'text'][] = [
    ['sgconv', 'text'], ['longconv', 'text'], ['s4', 'text'], ['s4d', 'text'], ['transformer', 'text'], ['hybrid', 'text'], ['WC', 'text'],
    ['sgconv', 'adding'], ['longconv', 'adding'],
  ];
  for (const [model, task] of runs) {
    {
      const make = task === 'adding' ? () => addingTask(32) : () => textTask(text, 32);
      const trainer = new Trainer({ ...base, model, task, layers: model === 'hybrid' ? 3 : 2 }, make());
      const losses = Array.from({ length: 40 }, () => trainer.trainStep().loss);
      assert.ok(mean(losses.slice(-8)) < 0.8 * mean(losses.slice(0, 8)), `${model} on ${task}: first ${mean(losses.slice(0, 8)).toFixed(3)}, last ${mean(losses.slice(-8)).toFixed(3)}`);
    }
  }
});

t('listops classification runs and reports accuracy in [0, 1]', () => {
  const trainer = new Trainer({ ...base, task: 'listops', length: 40, steps: 3 }, listopsTask(40));
  trainer.trainStep();
  const e = trainer.evaluate();
  assert.ok(e.metric >= 0 && e.metric <= 1 && Number.isFinite(e.loss));
});

t('the same seed gives the same loss curve, bit for bit; another seed does not', () => {
  const run = (seed: number): number[] => {
    const trainer = new Trainer({ ...base, seed }, addingTask(32));
    return Array.from({ length: 5 }, () => trainer.trainStep().loss);
  };
  assert.equal(run(3), run(3));
  assert.not.equal(run(3), run(4));
});

t('a run resumed from a checkpoint (through safetensors bytes) continues bit-identically', () => {
  const config = { ...base, steps: 12 };
  const straight = new Trainer(config, addingTask(32));
  const full = Array.from({ length: 12 }, () => straight.trainStep().loss);

  const first = new Trainer(config, addingTask(32));
  for (let i = 0; i < 6; i++) first.trainStep();
  const { tensors, metadata } = packCheckpoint(first.state());
  const bytes = saveSafetensors(tensors, metadata);
  const loaded = loadSafetensors(bytes);
  const resumed = new Trainer(config, addingTask(32));
  resumed.restore(unpackCheckpoint<AdamWHyper>(loaded.tensors, loaded.metadata));
  assert.is(resumed.step, 6);
  const rest = Array.from({ length: 6 }, () => resumed.trainStep().loss);
  assert.equal(rest, full.slice(6));
  const a = straight.model.stateDict();
  const b = resumed.model.stateDict();
  for (const name of Object.keys(a)) assert.equal(Array.from(b[name].data), Array.from(a[name].data), name);
});

t('resuming with a different configuration is refused by name', () => {
  const a = new Trainer(base, addingTask(32));
  a.trainStep();
  const b = new Trainer({ ...base, dModel: 16 }, addingTask(32));
  assert.throws(() => b.restore(a.state()), /--dModel 8, this run has 16/);
});

t.run();
