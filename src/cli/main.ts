#!/usr/bin/env node
// The `longconv` command: train, evaluate, generate. See `longconv --help`.
//   exit 0: done;  2: usage error (unknown flag, bad value);  1: any other failure;
//   130: interrupted by Ctrl-C after writing a checkpoint.

import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setBackend } from '../backend/index.js';
import { Generator } from '../tensor/random.js';
import { readSafetensorsFile, writeSafetensorsFile } from '../io/node.js';
import { LanguageModel } from '../nn/models.js';
import { packCheckpoint, unpackCheckpoint } from '../train/checkpoint.js';
import { renderReport } from '../train/report.js';
import { type Task, addingTask, listopsTask, textTask } from '../train/tasks.js';
import { type TrainConfig, Trainer } from '../train/trainer.js';
import { type AdamWHyper } from '../optim/index.js';
import { HELP, UsageError, parseEvaluateArgs, parseGenerateArgs, parseTrainArgs, type TrainArgs } from './args.js';
import { formatDuration, Progress } from './progress.js';

const CHECKPOINT = 'checkpoint.safetensors';

/** The project's own guides (docs/ beside package.json), the default text for language modelling. */
function defaultText(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'docs'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new UsageError('no docs/ folder found beside the package; pass --text FILE');
    dir = parent;
  }
  const docs = join(dir, 'docs');
  return readdirSync(docs).filter((f) => f.endsWith('.md')).sort().map((f) => readFileSync(join(docs, f), 'utf8')).join('\n');
}

function makeTask(config: TrainConfig, textFile: string | null): Task {
  if (config.task === 'adding') return addingTask(config.length);
  if (config.task === 'listops') return listopsTask(config.length);
  return textTask(textFile === null ? defaultText() : readFileSync(textFile, 'utf8'), config.length);
}

async function selectBackend(name: 'js' | 'gpu'): Promise<string> {
  if (name === 'js') {
    setBackend('js');
    return 'js';
  }
  const gpu = (await import('../gpu.js')) as unknown as { useGpu: () => { info?: { mode?: string; fallbackReason?: string | null } } };
  const backend = gpu.useGpu();
  const info = backend.info;
  return `gpu (gpu.js mode ${info?.mode ?? 'unknown'}${info?.fallbackReason ? `; ${info.fallbackReason}` : ''})`;
}

async function train(args: TrainArgs): Promise<number> {
  const backend = await selectBackend(args.backend);
  const task = makeTask(args.config, args.textFile);
  const trainer = new Trainer(args.config, task);
  const { config } = trainer;
  mkdirSync(args.out, { recursive: true });
  const checkpointPath = join(args.out, CHECKPOINT);
  const save = async (): Promise<void> => {
    const state = trainer.state();
    state.config = { ...state.config, textFile: args.textFile, vocab: task.text?.vocab.chars ?? null };
    const { tensors, metadata } = packCheckpoint(state);
    await writeSafetensorsFile(checkpointPath, tensors, metadata);
  };
  if (args.resume !== null) {
    const loaded = await readSafetensorsFile(args.resume);
    trainer.restore(unpackCheckpoint<AdamWHyper>(loaded.tensors, loaded.metadata));
  }
  const say = (line: string): void => { if (!args.quiet) console.log(line); };
  say(`longconv train: ${config.task} (L = ${config.length}) with ${config.model}, ${config.layers} layers, d_model ${config.dModel}, ${trainer.model.numParameters().toLocaleString('en-US')} parameters, backend ${backend}`);
  if (args.resume !== null) say(`resumed from ${args.resume} at step ${trainer.step}`);

  let interrupted = false;
  const onSignal = (): void => { interrupted = true; };
  process.on('SIGINT', onSignal);
  const progress = new Progress(config.steps, trainer.step, task, config.batch * config.length, args.quiet);
  const started = performance.now();
  try {
    while (trainer.step < config.steps && !interrupted) {
      const r = trainer.trainStep();
      progress.update(trainer.step, r.loss, r.metric, r.lr);
      if (trainer.step % config.evalEvery === 0 || trainer.step === config.steps) {
        const e = trainer.evaluate();
        progress.evaluation(trainer.step, e.loss, e.metric);
      }
      if (trainer.step % args.checkpointEvery === 0) await save();
      await new Promise((resolve) => setImmediate(resolve)); // let Ctrl-C be heard between steps
    }
  } finally {
    process.off('SIGINT', onSignal);
  }
  await save();
  if (interrupted) {
    progress.finish();
    console.log(`\ninterrupted at step ${trainer.step}: checkpoint written to ${checkpointPath}\nresume with: longconv train ${process.argv.slice(3).filter((a) => a !== '--resume').join(' ')} --resume ${checkpointPath}`);
    return 130;
  }
  progress.finish();
  const seconds = (performance.now() - started) / 1000;
  const last = trainer.history.eval[trainer.history.eval.length - 1] ?? trainer.evaluate();
  const summary: Record<string, string | number> = {
    task: config.task, model: config.model, steps: trainer.step, parameters: trainer.model.numParameters(),
    [`final eval ${task.metricName}`]: Number((last.metric ?? NaN).toPrecision(5)), 'final eval loss': Number(last.loss.toPrecision(5)),
    'wall time': formatDuration(seconds), backend,
  };
  if (task.baseline) summary.baseline = `${task.baseline.label} (loss ${task.baseline.loss.toPrecision(4)})`;
  writeFileSync(join(args.out, 'metrics.json'), JSON.stringify({ config, summary, history: trainer.history }, null, 2));
  const reportPath = join(args.out, 'report.html');
  writeFileSync(reportPath, renderReport({
    title: `longconv: ${config.model} on ${config.task} (L = ${config.length})`, config: { ...config, backend },
    train: trainer.history.train, eval: trainer.history.eval, metricName: task.metricName, baseline: task.baseline,
    kernels: trainer.kernels(), summary,
  }));
  console.log(`\n${config.task}: final eval ${task.metricName} ${(last.metric ?? NaN).toPrecision(4)} (loss ${last.loss.toPrecision(4)}${task.baseline ? `; ${task.baseline.label}` : ''}) after ${trainer.step} steps in ${formatDuration(seconds)}`);
  console.log(`report: ${reportPath}\nmetrics: ${join(args.out, 'metrics.json')}\ncheckpoint: ${checkpointPath}`);
  return 0;
}

/** Rebuild the trainer of a checkpoint (its task, model and weights). */
async function load(path: string): Promise<{ trainer: Trainer; task: Task }> {
  const loaded = await readSafetensorsFile(path);
  const state = unpackCheckpoint<AdamWHyper>(loaded.tensors, loaded.metadata);
  const config = state.config as unknown as TrainConfig & { textFile: string | null };
  const task = makeTask(config, config.textFile ?? null);
  const trainer = new Trainer(config, task);
  trainer.restore(state);
  return { trainer, task };
}

async function evaluate(argv: string[]): Promise<number> {
  const args = parseEvaluateArgs(argv);
  if (args === 'help') return usage(0);
  const { trainer, task } = await load(args.checkpoint);
  const r = trainer.evaluate();
  console.log(`${trainer.config.task} / ${trainer.config.model} at step ${trainer.step}: eval loss ${r.loss.toPrecision(5)}, ${task.metricName} ${r.metric.toPrecision(5)}`);
  return 0;
}

async function generate(argv: string[]): Promise<number> {
  const args = parseGenerateArgs(argv);
  if (args === 'help') return usage(0);
  const { trainer, task } = await load(args.checkpoint);
  if (!(trainer.model instanceof LanguageModel) || task.text === undefined) {
    throw new UsageError(`generate needs a checkpoint of a text model; this one was trained on ${trainer.config.task}`);
  }
  const vocab = task.text.vocab;
  const known = [...args.prompt].filter((c) => vocab.chars.includes(c)).join('');
  if (known.length === 0) throw new UsageError(`the prompt '${args.prompt}' has no character from the model's vocabulary`);
  const ids = Array.from(vocab.encode(known));
  const out = trainer.model.generate(ids, { maxNewTokens: args.tokens, temperature: args.temperature, topK: args.topK, generator: new Generator(args.seed) });
  process.stdout.write(vocab.decode(out) + '\n');
  return 0;
}

function usage(code: number, message?: string): number {
  if (message !== undefined) console.error(`longconv: ${message}\n`);
  (code === 0 ? console.log : console.error)(HELP);
  return code;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        return usage(0);
      case 'train': {
        const args = parseTrainArgs(rest);
        return args === 'help' ? usage(0) : await train(args);
      }
      case 'evaluate':
        return await evaluate(rest);
      case 'generate':
        return await generate(rest);
      default:
        return usage(2, `unknown command '${command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) return usage(2, e.message);
    console.error(`longconv: ${(e as Error).stack ?? String(e)}`);
    return 1;
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
