#!/usr/bin/env node
// The `longconv` command: train, evaluate, generate. See `longconv --help`.
//   exit 0: done;  1: any other failure;  130: interrupted by Ctrl-C after writing a checkpoint;
//   2: usage error: an unknown flag, a bad value, a --resume/--checkpoint/--text file that does
//      not exist, or resume flags that contradict the checkpoint. All of these are wrong
//      command lines, found before any work starts and fixed by changing the command.
//   A file that exists but cannot be read as a checkpoint is exit 1.

import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setBackend } from '../backend/index.js';
import { Generator } from '../tensor/random.js';
import { readSafetensorsFile, writeSafetensorsFile } from '../io/node.js';
import { LanguageModel } from '../nn/models.js';
import { CharVocab } from '../data/text.js';
import { type TrainingState, packCheckpoint, unpackCheckpoint } from '../train/checkpoint.js';
import { renderReport } from '../train/report.js';
import { type Task, addingTask, copyingTask, listopsTask, textTask } from '../train/tasks.js';
import { type TrainConfig, Trainer, buildModel, resumeConflicts } from '../train/trainer.js';
import { type AdamWHyper } from '../optim/index.js';
import { CONFIG_FLAGS, HELP, UsageError, parseEvaluateArgs, parseGenerateArgs, parseTrainArgs, resumeCommand, type TrainArgs } from './args.js';
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

/** A file named by a flag: missing or not a file is a usage error (exit 2), not a stack trace. */
function existingFile(flag: string, path: string): string {
  if (!existsSync(path)) throw new UsageError(`${flag} ${path}: no such file`);
  if (!statSync(path).isFile()) throw new UsageError(`${flag} ${path}: not a file`);
  return path;
}

/** The text for the text task; with a trained model's vocabulary, characters outside it are left out (and counted). */
function readText(textFile: string | null, vocab?: CharVocab): { text: string; dropped: number } {
  const text = textFile === null ? defaultText() : readFileSync(existingFile('--text', textFile), 'utf8');
  if (vocab === undefined) return { text, dropped: 0 };
  const chars = [...text];
  const kept = chars.filter((c) => vocab.has(c));
  return { text: kept.join(''), dropped: chars.length - kept.length };
}

function makeTask(config: TrainConfig, textFile: string | null, vocab?: CharVocab): Task {
  if (config.task === 'copying') return copyingTask(config.length);
  if (config.task === 'adding') return addingTask(config.length);
  if (config.task === 'listops') return listopsTask(config.length);
  const { text, dropped } = readText(textFile, vocab);
  if (dropped > 0) console.error(`longconv: note: ${dropped} characters of the text are not in the checkpoint's vocabulary and were left out`);
  return textTask(text, config.length, vocab);
}

type SavedConfig = TrainConfig & { textFile?: string | null; vocab?: string[] | null };

async function readCheckpoint(flag: string, path: string): Promise<TrainingState<AdamWHyper> & { config: SavedConfig }> {
  const loaded = await readSafetensorsFile(existingFile(flag, path));
  return unpackCheckpoint<AdamWHyper>(loaded.tensors, loaded.metadata) as TrainingState<AdamWHyper> & { config: SavedConfig };
}

/** A text model's vocabulary, as saved in its checkpoint: the model's ids mean these characters. */
function savedVocab(config: SavedConfig): CharVocab {
  if (!Array.isArray(config.vocab)) throw new RangeError('checkpoint: this text model has no saved vocabulary');
  return new CharVocab(config.vocab);
}

/** How to write a setting back as a flag, for messages. */
function asFlag(key: keyof TrainConfig, value: unknown): string {
  if (key === 'prenorm') return value ? 'no --postnorm' : '--postnorm';
  return `--${CONFIG_FLAGS[key]} ${String(value)}`;
}

/**
 * The configuration of a resumed run: the flags given on the command line, and the
 * checkpoint's values for the rest. Given flags that contradict the checkpoint are a usage error.
 */
function resumedArgs(args: TrainArgs, path: string, saved: SavedConfig): TrainArgs {
  const config = { ...args.config };
  for (const key of Object.keys(CONFIG_FLAGS) as (keyof TrainConfig)[]) {
    if (!args.given.has(CONFIG_FLAGS[key]) && saved[key] !== undefined) (config as Record<string, unknown>)[key] = saved[key];
  }
  const conflicts = resumeConflicts(saved, config);
  if (conflicts.length > 0) {
    const lines = conflicts.map((c) => c.key === 'steps'
      ? `--steps ${String(c.current)} is fewer than the checkpoint's ${String(c.saved)} (it may only grow)`
      : `${asFlag(c.key, c.current)}, but the checkpoint was trained with ${asFlag(c.key, c.saved)}`);
    throw new UsageError(`cannot resume ${path} bit for bit: ${lines.join('; ')}. Leave these flags out to take the checkpoint's values.`);
  }
  // Another text is other training data: the run would no longer continue the one it resumes.
  const savedText = saved.textFile ?? null;
  if (args.given.has('text') && args.textFile !== savedText) {
    throw new UsageError(`cannot resume ${path} bit for bit: --text ${String(args.textFile)}, but the checkpoint was trained on ${savedText === null ? 'the docs/ guides (no --text)' : `--text ${savedText}`}. Leave --text out to take the checkpoint's.`);
  }
  return {
    ...args,
    config,
    textFile: args.given.has('text') ? args.textFile : saved.textFile ?? null,
    out: args.given.has('out') ? args.out : dirname(path),
  };
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

async function train(parsed: TrainArgs, argv: readonly string[]): Promise<number> {
  const saved = parsed.resume === null ? null : await readCheckpoint('--resume', parsed.resume);
  const args = saved === null ? parsed : resumedArgs(parsed, parsed.resume!, saved.config);
  const backend = await selectBackend(args.backend);
  // A resumed text model keeps its vocabulary: its ids must keep meaning the same characters.
  const task = makeTask(args.config, args.textFile, saved !== null && args.config.task === 'text' ? savedVocab(saved.config) : undefined);
  const trainer = new Trainer(args.config, task);
  const { config } = trainer;
  mkdirSync(args.out, { recursive: true });
  const checkpointPath = join(args.out, CHECKPOINT);
  const save = async (): Promise<void> => {
    const state = trainer.state();
    state.config = { ...state.config, textFile: args.textFile, vocab: task.text?.vocab.chars ?? null };
    const { tensors, metadata } = packCheckpoint(state, trainer.model); // integer buffers as I64
    await writeSafetensorsFile(checkpointPath, tensors, metadata);
  };
  if (saved !== null) trainer.restore(saved);
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
    console.log(`\ninterrupted at step ${trainer.step}: checkpoint written to ${checkpointPath}\nresume with: ${resumeCommand(argv, checkpointPath)}`);
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

/** Rebuild the trainer of a checkpoint (its task, model and weights), with `evalBatches` evaluation batches. */
async function load(path: string, evalBatches: number | null): Promise<{ trainer: Trainer; task: Task }> {
  const state = await readCheckpoint('--checkpoint', path);
  const config = { ...state.config, evalBatches: evalBatches ?? state.config.evalBatches };
  const task = makeTask(config, config.textFile ?? null, config.task === 'text' ? savedVocab(config) : undefined);
  const trainer = new Trainer(config, task);
  trainer.restore(state);
  return { trainer, task };
}

async function evaluate(argv: string[]): Promise<number> {
  const args = parseEvaluateArgs(argv);
  if (args === 'help') return usage(0);
  const { trainer, task } = await load(args.checkpoint, args.batches);
  const r = trainer.evaluate();
  const { evalBatches, batch } = trainer.config;
  console.log(`${trainer.config.task} / ${trainer.config.model} at step ${trainer.step}: eval loss ${r.loss.toPrecision(5)}, ${task.metricName} ${r.metric.toPrecision(5)} (over ${evalBatches} batches of ${batch})`);
  return 0;
}

/** Sample from a text model. Only the checkpoint is read: its vocabulary and weights are all it needs. */
async function generate(argv: string[]): Promise<number> {
  const args = parseGenerateArgs(argv);
  if (args === 'help') return usage(0);
  const { config, model: weights } = await readCheckpoint('--checkpoint', args.checkpoint);
  if (config.task !== 'text') throw new UsageError(`generate needs a checkpoint of a text model; this one was trained on ${config.task}`);
  const vocab = savedVocab(config);
  const model = buildModel(config, { kind: 'lm', length: config.length, vocabSize: vocab.size, outputs: vocab.size }, new Generator(config.seed + 1));
  if (!(model instanceof LanguageModel)) throw new Error('generate: a text configuration built no language model');
  model.loadStateDict(weights);
  const known = [...args.prompt].filter((c) => vocab.has(c)).join('');
  if (known.length === 0) throw new UsageError(`the prompt '${args.prompt}' has no character from the model's vocabulary`);
  const ids = Array.from(vocab.encode(known));
  const out = model.generate(ids, { maxNewTokens: args.tokens, temperature: args.temperature, topK: args.topK, generator: new Generator(args.seed) });
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
        return args === 'help' ? usage(0) : await train(args, rest);
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
